import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {parseJoinWith} from '../../lib/core/join/parse.js'
import type {JoinCandidate, JoinTarget} from '../../lib/core/join/types.js'
import {keywordSettingsProblem} from '../../lib/core/meetings/keyword-settings.js'
import {parseOptions} from '../../lib/core/meetings/options.js'
import {readInputFile} from '../../lib/files/input-file.js'
import {UsageError} from '../../lib/errors.js'

/** `result` of `hcal meetings parse --json`: the keyword in the location, the chosen join target, every candidate. */
export interface MeetingsParseResult {
  keyword: string | null
  join: JoinTarget | null
  /** Every distinct join URL / video address, best first. */
  candidates: JoinCandidate[]
}

export default class MeetingsParse extends BaseCommand<typeof MeetingsParse> {
  static override profileNeed = 'existing-if-named' as const
  static override summary = 'Parse one invitation and show how it would be joined.'
  static override description =
    'Reads a location and a body the way hcal reads synced meetings: a keyword in the location, join URLs and video (SIP) addresses in conference data, location and body, link-protection wrappers unwrapped, quoted earlier invitations ignored. The profile’s keywords and extra join and video domains apply. Nothing is read from or written to a calendar.'
  static override examples = [
    '<%= config.bin %> <%= command.id %> --location "Room 4 @webex" --body ""',
    '<%= config.bin %> <%= command.id %> --location "Teams" --body-file invite.html --html --json',
  ]
  static override flags = {
    location: Flags.string({summary: 'The meeting’s Location field.', default: ''}),
    body: Flags.string({summary: 'The meeting’s description or body.', exclusive: ['body-file']}),
    'body-file': Flags.string({summary: 'Read the body from this file.', exclusive: ['body']}),
    html: Flags.boolean({summary: 'The body is HTML (default: plain text).'}),
  }

  async run(): Promise<MeetingsParseResult> {
    const body = await this.readBody()
    const settings = await this.meetingSettings()
    // The HTML parser is loaded only for an HTML body: a text body starts faster without it.
    const readHtml = this.flags.html ? (await import('../../lib/core/join/html.js')).htmlLines : undefined
    const decision = parseJoinWith(
      {location: this.flags.location, body, bodyType: this.flags.html ? 'html' : 'text'},
      parseOptions(settings),
      readHtml,
    )
    const result: MeetingsParseResult = {
      keyword: decision.keyword,
      join: decision.join,
      candidates: decision.candidates,
    }
    // A keyword's join address comes from the profile's templates: say when they cannot give one, and the fix.
    const problem = result.keyword ? keywordSettingsProblem(this.flags.location, settings) : null
    if (problem)
      this.out.warn(`No join address for ${result.keyword}: ${problem.message} ${problem.suggestions.join(' ')}`)
    if (!this.jsonEnabled()) this.render(result, problem === null)
    return result
  }

  private async readBody(): Promise<string> {
    const path = this.flags['body-file']
    if (path === undefined) return this.flags.body ?? ''
    try {
      this.logger.debug({path}, 'reading the body file')
      // A FIFO with no writer waits forever: a signal ends the wait.
      return await readInputFile(path, this.abort.signal)
    } catch (error) {
      if (this.abort.signal.aborted) throw error
      throw new UsageError('BODY_FILE_UNREADABLE', `Cannot read the body file ${path}: ${(error as Error).message}.`, {
        cause: error,
        suggestions: ['Check the path and that the file is readable, or pass the body with --body.'],
      })
    }
  }

  private render(result: MeetingsParseResult, keywordReady: boolean): void {
    const rows = [
      {field: 'Keyword', value: result.keyword ?? '-'},
      {field: 'Join URL', value: result.join?.url ?? '-'},
      {field: 'Video address', value: result.join?.sip ?? '-'},
      {field: 'Service', value: result.join?.service ?? '-'},
    ]
    this.out.table(rows, [
      {key: 'field', header: 'Field'},
      {key: 'value', header: 'Value'},
    ])
    if (result.candidates.length > 1) {
      this.out.table(
        result.candidates.map((c) => ({
          address: c.url ?? `sip:${c.sip ?? ''}`,
          service: c.service,
          source: c.source,
        })),
        [
          {key: 'address', header: 'Candidate'},
          {key: 'service', header: 'Service'},
          {key: 'source', header: 'Source'},
        ],
      )
    }
    if (!result.keyword && !result.join)
      this.out.info('Nothing joinable: no keyword, meeting URL or video address found.')
    if (result.keyword && keywordReady) {
      this.out.info(
        `${result.keyword} meetings are joined at the address its templates give for the organiser, written when the meeting syncs.`,
      )
    }
  }
}

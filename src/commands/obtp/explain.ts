import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {defaultWindow, parseInstantFlag} from '../../lib/core/meetings/index.js'
import {explainObtp, obtpContextFromUsers, type ObtpCheck} from '../../lib/core/obtp/index.js'
import {NotFoundError} from '../../lib/errors.js'
import type {StateStore, StoredMeeting} from '../../lib/store/index.js'

/** `result` of `hcal obtp explain --json`: the checks in the order OBTP makes them, then the verdict. */
export interface ObtpExplainResult {
  eventId: string
  checks: ObtpCheck[]
  verdict: {joinButton: boolean; summary: string}
}

export default class ObtpExplain extends BaseCommand<typeof ObtpExplain> {
  static override profileNeed = 'existing' as const
  static override summary = 'Explain why a meeting does or does not get a Join button.'
  static override description =
    'Walks the checks OBTP makes for one synced meeting, in order: status, all-day, keyword, join address (and where it was found), timing, then each participant (active user? declined? tentative? room with a device?). Ends with a verdict.'
  static override examples = [
    '<%= config.bin %> <%= command.id %> 7kq0c1l2m3n4',
    '<%= config.bin %> <%= command.id %> 7kq0c1l2m3n4 --room room4@acme.com --json',
  ]
  static override args = {
    eventId: Args.string({description: 'Id of the meeting (see "hcal meetings list").', required: true}),
  }
  static override flags = {
    user: Flags.string({summary: 'Explain for this user (and read their copy when stored).', exclusive: ['room']}),
    room: Flags.string({summary: 'Explain for this room (and read its copy when stored).', exclusive: ['user']}),
    at: Flags.string({summary: 'Judge the timing at this moment (ISO 8601).'}),
  }

  async run(): Promise<ObtpExplainResult> {
    const at = this.flags.at === undefined ? undefined : parseInstantFlag(this.flags.at, 'at')
    const settings = await this.meetingSettings()
    const store = await this.store()
    const target = this.flags.user ?? this.flags.room
    const event = this.findMeeting(store, this.args.eventId, target, at)
    const context = obtpContextFromUsers(store.users.list(), settings, at === undefined ? {} : {at})
    const explanation = explainObtp(event, {...context, ...(target ? {target} : {})})
    // Field by field: a field added to the internal explanation does not silently join the JSON contract.
    const result: ObtpExplainResult = {
      eventId: explanation.eventId,
      checks: explanation.checks,
      verdict: explanation.verdict,
    }
    if (!this.jsonEnabled()) {
      const c = this.out.color.stdout
      const lines = result.checks.map((k) => `${k.passed ? c.green('✓') : c.red('✗')} ${k.check}: ${k.detail}`)
      lines.push('', `${result.verdict.joinButton ? c.green('Verdict:') : c.red('Verdict:')} ${result.verdict.summary}`)
      this.out.data(lines.join('\n'))
    }
    return result
  }

  /** The target's own copy when stored, else the organiser's copy, else any copy with that id. */
  private findMeeting(
    store: StateStore,
    id: string,
    target: string | undefined,
    at: string | undefined,
  ): StoredMeeting {
    const own = target ? store.meetings.get(target.trim().toLowerCase(), id) : undefined
    if (own) return own
    const window = defaultWindow(at === undefined ? new Date() : new Date(at))
    const copies = store.meetings.listAll(window.from, window.to).filter((m) => m.id === id)
    const found = copies.find((m) => m.mailbox.toLowerCase() === m.organizer.email.toLowerCase()) ?? copies[0]
    if (found) return found
    throw new NotFoundError('MEETING_NOT_FOUND', `No stored meeting has the id ${id}.`, {
      suggestions: [
        'List meeting ids with "hcal meetings list".',
        'Run "hcal sync" if the meeting is new; only meetings of active users from 7 days back to 31 days ahead are stored.',
      ],
    })
  }
}

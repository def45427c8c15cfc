import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {defaultWindow, parseInstantFlag} from '../../lib/core/meetings/index.js'
import {obtpContextFromUsers, planObtp, type ObtpPlanEntry} from '../../lib/core/obtp/index.js'

export interface ObtpDryRunResult {
  at: string | null
  leadMinutes: number
  tentative: 'push' | 'skip'
  meetings: ObtpPlanEntry[]
}

export default class ObtpDryRun extends BaseCommand<typeof ObtpDryRun> {
  static override profileNeed = 'existing' as const
  static override summary = 'Show who would get a Join button for which meeting, when, with which address.'
  static override description =
    'Plans One Button To Push from synced meetings without pushing anything: for each joinable meeting, the organiser and invitees who are active users and did not decline, and active rooms with a device; the button shows from the start minus the lead time until the end. Devices get the video address where there is one, people the meeting URL. Cancelled and all-day meetings get none; tentative ones follow the profile setting meetings.obtp.tentative.'
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --room room4@acme.com --at 2026-12-01T09:58:00Z',
    '<%= config.bin %> <%= command.id %> --user jane@acme.com --lead 10 --json',
  ]
  static override flags = {
    user: Flags.string({summary: 'Only pushes to this user.', exclusive: ['room']}),
    room: Flags.string({summary: 'Only pushes to this room’s device.', exclusive: ['user']}),
    at: Flags.string({summary: 'Only Join buttons showing at this time (ISO 8601).'}),
    lead: Flags.integer({
      summary: 'Minutes before the start the button appears (default: profile, 5).',
      min: 0,
      max: 60,
    }),
  }

  async run(): Promise<ObtpDryRunResult> {
    const at = this.flags.at === undefined ? undefined : parseInstantFlag(this.flags.at, 'at')
    const settings = await this.meetingSettings()
    const store = await this.store()
    const window = defaultWindow(at === undefined ? new Date() : new Date(at))
    const context = obtpContextFromUsers(store.users.list(), settings, {
      ...(this.flags.lead === undefined ? {} : {leadMinutes: this.flags.lead}),
      ...(at === undefined ? {} : {at}),
    })
    const only = this.flags.user ?? this.flags.room
    const meetings = planObtp(store.meetings.listAll(window.from, window.to), {...context, ...(only ? {only} : {})})
    const result = {
      at: at ?? null,
      leadMinutes: context.leadMinutes ?? settings.obtp.leadMinutes,
      tentative: settings.obtp.tentative,
      meetings,
    }
    if (!this.jsonEnabled()) this.render(result, only)
    return result
  }

  private render(result: ObtpDryRunResult, only: string | undefined): void {
    if (result.meetings.length === 0) {
      const scope = `${only ? ` for ${only}` : ''}${result.at ? ` at ${result.at}` : ''}`
      this.out.info(
        `No Join buttons would be pushed${scope}. Run "hcal sync" to fetch meetings, "hcal users list" to check who is active, or "hcal obtp explain EVENT_ID" to see why a meeting gets none.`,
      )
      return
    }
    const rows = result.meetings.flatMap((m) =>
      m.targets.map((t) => ({
        showFrom: m.showFrom,
        showUntil: m.showUntil,
        title: m.title ?? 'Private meeting',
        target: t.email,
        kind: t.kind,
        address: t.address,
        id: m.meetingId,
      })),
    )
    this.out.table(rows, [
      {key: 'showFrom', header: 'Shows from'},
      {key: 'showUntil', header: 'Until'},
      {key: 'title', header: 'Meeting'},
      {key: 'target', header: 'Target'},
      {key: 'kind', header: 'Kind'},
      {key: 'address', header: 'Address'},
      {key: 'id', header: 'Id'},
    ])
  }
}

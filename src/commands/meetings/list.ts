import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {
  buildMeetingsList,
  defaultWindow,
  parseInstantFlag,
  type MeetingsListEntry,
} from '../../lib/core/meetings/index.js'
import {UsageError} from '../../lib/errors.js'

export interface MeetingsListResult {
  from: string
  to: string
  user: string | null
  meetings: MeetingsListEntry[]
}

export default class MeetingsList extends BaseCommand<typeof MeetingsList> {
  static override profileNeed = 'existing' as const
  static override summary = 'Show meetings lists as the collaboration app would show them.'
  static override description =
    'Lists synced meetings of one active user or room (or of all of them): start, end, title (hidden for private meetings), organiser, invitees and their responses, how the meeting is joined and where that was found. The default window is 7 days back to 31 days ahead. Works on data stored by `hcal sync`.'
  static override examples = [
    '<%= config.bin %> <%= command.id %> --user jane@acme.com',
    '<%= config.bin %> <%= command.id %> --from 2026-12-01 --to 2026-12-08 --json',
  ]
  static override flags = {
    user: Flags.string({summary: 'Mailbox of an active user or room (default: all).'}),
    from: Flags.string({summary: 'Start of the window, ISO 8601 (default: 7 days ago).'}),
    to: Flags.string({summary: 'End of the window, ISO 8601 (default: 31 days ahead).'}),
  }

  async run(): Promise<MeetingsListResult> {
    const window = defaultWindow()
    const from = this.flags.from === undefined ? window.from : parseInstantFlag(this.flags.from, 'from')
    const to = this.flags.to === undefined ? window.to : parseInstantFlag(this.flags.to, 'to')
    if (Date.parse(from) >= Date.parse(to)) {
      throw new UsageError('INVALID_WINDOW', `--from ${from} is not before --to ${to}.`, {
        suggestions: ['Pass a --from earlier than --to.'],
      })
    }
    const settings = await this.meetingSettings()
    const store = await this.store()
    const user = this.flags.user?.trim().toLowerCase() ?? null
    const events = user ? store.meetings.listForMailbox(user, from, to) : store.meetings.listAll(from, to)
    const meetings = buildMeetingsList(events, {...(user ? {mailbox: user} : {}), from, to, settings})
    if (user && store.users.get(user)?.state !== 'active') {
      this.out.warn(`${user} is not an active hcal user or room; activate it with "hcal users activate ${user}".`)
    }
    if (!this.jsonEnabled()) this.render(meetings, from, to, user)
    return {from, to, user, meetings}
  }

  private render(meetings: MeetingsListEntry[], from: string, to: string, user: string | null): void {
    if (meetings.length === 0) {
      this.out.info(
        `No meetings stored${user ? ` for ${user}` : ''} between ${from} and ${to}. Run "hcal sync" to fetch them from the calendar system.`,
      )
      return
    }
    this.out.table(
      meetings.map((m) => ({
        mailbox: m.mailbox,
        start: m.allDay ? `${m.start.slice(0, 10)} (all day)` : m.start,
        end: m.end,
        title: m.title ?? 'Private meeting',
        organizer: m.organizer.email,
        invitees: m.invitees.map((i) => `${i.email} (${i.response})`).join(', '),
        join: m.join ? (m.join.url ?? `sip:${m.join.sip ?? ''}`) : '-',
        source: m.source ?? '-',
        status: m.status,
        id: m.id,
      })),
      [
        {key: 'start', header: 'Start'},
        {key: 'end', header: 'End'},
        {key: 'title', header: 'Title'},
        {key: 'organizer', header: 'Organiser'},
        {key: 'invitees', header: 'Invitees'},
        {key: 'join', header: 'Join'},
        {key: 'source', header: 'Source'},
        {key: 'status', header: 'Status'},
        ...(user ? [] : [{key: 'mailbox' as const, header: 'Mailbox'}]),
        {key: 'id', header: 'Id'},
      ],
    )
  }
}

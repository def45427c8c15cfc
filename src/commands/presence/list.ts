import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'

export interface PresenceEntry {
  email: string
  /** Calendar system id: google, microsoft, exchange. */
  provider: string
  /** As the calendar system has it: off, on, or scheduled for a window. */
  state: 'off' | 'on' | 'scheduled'
  /** True when out of office at this moment (on, or inside its scheduled window). */
  outOfOfficeNow: boolean
  /** The scheduled window (ISO instants), or nulls. */
  window: {start: string | null; end: string | null}
  /** Where it was read: the calendar system's out-of-office setting (provider id). */
  source: string
  language: string | null
  timeZone: string | null
  /** When the last sync read it. */
  checkedAt: string
}

/** `result` of `hcal presence list --json`. */
export interface PresenceListResult {
  presence: PresenceEntry[]
}

export default class PresenceList extends BaseCommand<typeof PresenceList> {
  static override profileNeed = 'existing' as const
  static override summary = 'Show out-of-office state per user, as the last sync read it.'
  static override description =
    'For each synced user: out-of-office state (off, on, or scheduled with its window), whether that means out of office now, where it was read (Gmail vacation responder, Graph automatic replies, EWS OOF settings) and when. Reads the state store only; "hcal sync" refreshes it.'
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --user jane@acme.com --json',
  ]
  static override flags = {
    user: Flags.string({summary: 'Only this user (repeatable).', multiple: true}),
  }

  async run(): Promise<PresenceListResult> {
    const store = await this.store()
    const named = new Set((this.flags.user ?? []).map((email) => email.trim().toLowerCase()))
    const now = Date.now()
    const users = store.users.list()
    const rooms = new Set(users.filter((user) => user.kind === 'room').map((user) => user.primaryEmail ?? user.email))
    const presence = store.presence
      .list()
      .filter((row) => !rooms.has(row.mailbox) && (named.size === 0 || named.has(row.mailbox)))
      .map((row): PresenceEntry => ({
        email: row.mailbox,
        provider: row.provider,
        state: row.state,
        outOfOfficeNow:
          row.state === 'on' ||
          (row.state === 'scheduled' &&
            (row.start === undefined || Date.parse(row.start) <= now) &&
            (row.end === undefined || now < Date.parse(row.end))),
        window: {start: row.start ?? null, end: row.end ?? null},
        source: row.provider,
        language: row.language ?? null,
        timeZone: row.timeZone ?? null,
        checkedAt: row.checkedAt,
      }))
    for (const email of named) {
      if (!presence.some((entry) => entry.email === email)) {
        this.out.warn(
          `No presence stored for ${email}: it is not an active user, or "hcal sync" has not run for it yet.`,
        )
      }
    }
    if (!this.jsonEnabled()) {
      if (presence.length === 0) this.out.info('No presence stored yet. Run "hcal sync" to read it.')
      else {
        this.out.table(presence, [
          {key: 'email', header: 'User'},
          {key: 'state', header: 'Out of office'},
          {key: 'outOfOfficeNow', header: 'Now', format: (v) => (v ? 'yes' : 'no')},
          {
            key: 'window',
            header: 'Window',
            format: (_v, row) =>
              row.window.start || row.window.end ? `${row.window.start ?? '…'} – ${row.window.end ?? '…'}` : '-',
          },
          {key: 'source', header: 'Source'},
          {key: 'checkedAt', header: 'Read at'},
        ])
      }
    }
    return {presence}
  }
}

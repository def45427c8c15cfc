/**
 * Out-of-office state per user as the last sync stored it, in the words of `hcal presence list` (and of the
 * demo, which shows the same rows). Rooms are left out: a room is never out of office.
 */
import type {Column} from '../cli/output.js'
import type {StateStore} from '../store/index.js'

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

/** Every stored user's presence (only `named` ones when given), rooms excluded. */
export function presenceEntries(
  store: StateStore,
  named: ReadonlySet<string> = new Set(),
  now = Date.now(),
): PresenceEntry[] {
  const rooms = new Set(
    store.users
      .list()
      .filter((user) => user.kind === 'room')
      .map((user) => user.primaryEmail ?? user.email),
  )
  return store.presence
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
}

/** The columns a person reads first: who, the state, whether it holds now, and its window. */
export const PRESENCE_COLUMNS: Column<PresenceEntry>[] = [
  {key: 'email', header: 'User'},
  {key: 'state', header: 'Out of office'},
  {key: 'outOfOfficeNow', header: 'Now', format: (v) => (v ? 'yes' : 'no')},
  {
    key: 'window',
    header: 'Window',
    format: (_v, row) =>
      row.window.start || row.window.end ? `${row.window.start ?? '…'} – ${row.window.end ?? '…'}` : '-',
  },
]

/**
 * The Exchange calendar adapter against the sandbox: the users lab's profile (endpoints, CA, service
 * account), a real state store and AccessGate issuing the grants, the adapter loaded as the sync engine loads
 * it, and every request record the adapter reports.
 */
import {AccessGate} from '../../../../src/lib/access/index.js'
import {requireProfile} from '../../../../src/lib/config/profiles.js'
import type {CalendarEvent} from '../../../../src/lib/core/model.js'
import type {
  CalendarProvider,
  EventChange,
  ListChangesRequest,
  RequestRecord,
  SyncCursor,
  TimeWindow,
} from '../../../../src/lib/ports/calendar.js'
import type {MailboxGrant} from '../../../../src/lib/ports/access.js'
import {type ConnectionInput, connectionInput} from '../../../../src/lib/providers/connection.js'
import type {ExchangeConnection} from '../../../../src/lib/providers/exchange/index.js'
import {createExchangeCalendar, type Tuning} from '../../../../src/lib/providers/exchange/calendar/index.js'
import {REGISTRY} from '../../../../src/lib/providers/registry.js'
import type {ProviderModule} from '../../../../src/lib/providers/types.js'
import {createSecretStore} from '../../../../src/lib/secrets/index.js'
import {openStateStore, type StateStore} from '../../../../src/lib/store/index.js'
import {LAB_PROFILE, startUsersLab, type UsersLab} from '../../../helpers/users-lab.js'

const DAY_MS = 86_400_000

export interface CalendarLab {
  lab: UsersLab
  store: StateStore
  gate: AccessGate
  /** Every request record the adapters made, in order. */
  records: RequestRecord[]
  /** The adapter as the engine loads it (registry -> calendar() -> createCalendar). */
  calendar: CalendarProvider
  /** One with its own tuning (small views and batches), or a wrong service account password, or NTLM. */
  tuned(tuning: Tuning, password?: string, auth?: ExchangeConnection['auth']): Promise<CalendarProvider>
  /** Activates `address` in the store and returns a sync grant from the gate. */
  activate(address: string): MailboxGrant
  /** The sync window around the sandbox's seed time (7 days back, 31 ahead). */
  window: TimeWindow
  control(method: string, path: string, body?: unknown): Promise<{status: number; body: unknown}>
  stop(): Promise<void>
}

export async function startCalendarLab(): Promise<CalendarLab> {
  const now = Date.now()
  const lab = await startUsersLab({providers: ['exchange'], users: 6, events: 4, rooms: 2, seed: 7, now})
  const secrets = createSecretStore({profile: LAB_PROFILE, backend: 'memory', env: lab.env})
  const store = await openStateStore({profile: LAB_PROFILE, secrets, dataDir: lab.env.HCAL_DATA_DIR})
  const gate = new AccessGate(store.users)
  const records: RequestRecord[] = []
  const module = REGISTRY.exchange as ProviderModule
  const input = async () => connectionInput(await requireProfile(LAB_PROFILE, lab.env), module, secrets)
  const hooks = {onRequest: (record: RequestRecord) => records.push(record)}
  const calendar = (await module.calendar()).createCalendar(await input(), hooks)
  const opened: CalendarProvider[] = [calendar]
  return {
    lab,
    store,
    gate,
    records,
    calendar,
    async tuned(tuning, password, auth) {
      const real = (await input()) as never as ConnectionInput<ExchangeConnection>
      const adapter = createExchangeCalendar(
        {
          ...real,
          ...(password ? {secret: async () => password} : {}),
          ...(auth ? {connection: {...real.connection, auth}} : {}),
        },
        hooks,
        tuning,
      )
      opened.push(adapter)
      return adapter
    },
    activate(address) {
      store.users.upsert({email: address, provider: 'exchange', kind: 'user', state: 'active'})
      return gate.grant(address, 'sync')
    },
    window: {start: new Date(now - 7 * DAY_MS).toISOString(), end: new Date(now + 31 * DAY_MS).toISOString()},
    control: (method, path, body) => lab.sandbox.control(method, path, body),
    async stop() {
      for (const adapter of opened) await adapter.close()
      store.close()
      await lab.stop()
    },
  }
}

export interface Round {
  changes: EventChange[]
  cursor?: SyncCursor
  pages: number
}

/** Follows every page of one round, as the engine does. */
export async function readRound(
  calendar: CalendarProvider,
  request: Omit<ListChangesRequest, 'page'>,
): Promise<Round | {expired: true}> {
  const changes: EventChange[] = []
  let page: string | undefined
  for (let pages = 1; ; pages++) {
    const result = await calendar.listChanges({...request, ...(page ? {page} : {})})
    if (result.kind === 'cursorExpired') return {expired: true}
    changes.push(...result.changes)
    if (!result.nextPage) return {changes, cursor: result.cursor, pages}
    page = result.nextPage
  }
}

/** A round that must not have expired. */
export async function round(calendar: CalendarProvider, request: Omit<ListChangesRequest, 'page'>): Promise<Round> {
  const result = await readRound(calendar, request)
  if ('expired' in result) throw new Error('the cursor expired')
  return result
}

export function upserts(changes: EventChange[]): CalendarEvent[] {
  return changes.flatMap((c) => (c.type === 'upsert' ? [c.event] : []))
}

/** Calendar and settings request counts since `from` (an index into records). */
export function countSince(records: RequestRecord[], from: number): {calendar: number; settings: number} {
  const since = records.slice(from)
  return {
    calendar: since.filter((r) => r.purpose === 'calendar').length,
    settings: since.filter((r) => r.purpose === 'settings').length,
  }
}

export const EX = '/_sandbox/exchange'

/**
 * The Microsoft calendar adapter as the engine gets it: loaded through the registry, built from the lab
 * profile's connection (secret from the environment, sandbox endpoints and CA), grants issued by a real
 * AccessGate over a real store, and every HTTP exchange recorded through the adapter's hooks.
 */
import {AccessGate} from '../../../../src/lib/access/index.js'
import {requireProfile} from '../../../../src/lib/config/profiles.js'
import type {MailboxGrant} from '../../../../src/lib/ports/access.js'
import type {
  CalendarProvider,
  EventChange,
  ListChangesResult,
  RequestRecord,
  SyncCursor,
  TimeWindow,
} from '../../../../src/lib/ports/calendar.js'
import {connectionInput} from '../../../../src/lib/providers/connection.js'
import {REGISTRY} from '../../../../src/lib/providers/registry.js'
import type {ProviderModule} from '../../../../src/lib/providers/types.js'
import {createSecretStore} from '../../../../src/lib/secrets/index.js'
import {openStateStore, type StateStore} from '../../../../src/lib/store/index.js'
import type {SandboxOptions} from '../../../../src/sandbox/host/start.js'
import {LAB_PROFILE, startUsersLab, type UsersLab} from '../../../helpers/users-lab.js'

export interface CalendarLab {
  lab: UsersLab
  calendar: CalendarProvider
  /** The state store the gate reads (users' states). */
  store: StateStore
  /** Every exchange the adapter reported since the last `takeRequests()`. */
  requests: RequestRecord[]
  takeRequests(): RequestRecord[]
  /** A sync grant for a seeded user, activated in the store first. */
  grant(address: string): MailboxGrant
  users: string[]
  /** Control API call that must succeed; answers the parsed body. */
  control<T = unknown>(method: string, path: string, body?: unknown): Promise<T>
  stop(): Promise<void>
}

export async function startCalendarLab(options: SandboxOptions = {}): Promise<CalendarLab> {
  const lab = await startUsersLab({providers: ['microsoft'], events: 2, ...options})
  let store: StateStore | undefined
  try {
    const secrets = createSecretStore({profile: LAB_PROFILE, backend: 'memory', env: lab.env})
    store = await openStateStore({profile: LAB_PROFILE, secrets, dataDir: lab.env.HCAL_DATA_DIR})
    const opened = store
    const gate = new AccessGate(opened.users)
    const module = REGISTRY.microsoft as ProviderModule
    const input = await connectionInput(await requireProfile(LAB_PROFILE, lab.env), module, secrets)
    const requests: RequestRecord[] = []
    const calendar = (await module.calendar()).createCalendar(input, {onRequest: (record) => requests.push(record)})
    return {
      lab,
      calendar,
      store: opened,
      requests,
      takeRequests: () => requests.splice(0),
      users: lab.seed.microsoft!.users.map((user) => user.email),
      grant(address) {
        opened.users.upsert({email: address, provider: 'microsoft', kind: 'user', state: 'active'})
        return gate.grant(address, 'sync')
      },
      async control<T>(method: string, path: string, body?: unknown): Promise<T> {
        const response = await lab.sandbox.control(method, path, body)
        if (response.status >= 300)
          throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(response.body)}`)
        return response.body as T
      },
      async stop() {
        await calendar.close()
        opened.close()
        await lab.stop()
      },
    }
  } catch (error) {
    store?.close()
    await lab.stop()
    throw error
  }
}

/** 7 days back to 31 ahead from a whole hour (so two calls in one test agree). */
export function labWindow(now = Date.now()): TimeWindow {
  const hour = Math.floor(now / 3_600_000) * 3_600_000
  return {
    start: new Date(hour - 7 * 86_400_000).toISOString(),
    end: new Date(hour + 31 * 86_400_000).toISOString(),
  }
}

export interface Round {
  pages: Extract<ListChangesResult, {kind: 'page'}>[]
  changes: EventChange[]
  cursor: SyncCursor | undefined
}

/** Reads one whole round (every page) as the engine does; throws on cursorExpired. */
export async function readRound(
  calendar: CalendarProvider,
  grant: MailboxGrant,
  window: TimeWindow,
  cursor?: SyncCursor,
): Promise<Round> {
  const pages: Round['pages'] = []
  let page: string | undefined
  for (;;) {
    const result = await calendar.listChanges({grant, window, ...(cursor ? {cursor} : {}), ...(page ? {page} : {})})
    if (result.kind !== 'page') throw new Error(`cursor expired: ${result.failure.message}`)
    pages.push(result)
    if (!result.nextPage) return {pages, changes: pages.flatMap((p) => p.changes), cursor: result.cursor}
    page = result.nextPage
  }
}

/** Event times for the control API, `hours` from now (whole minutes). */
export function at(hours: number): {dateTime: string; timeZone: string} {
  const instant = Math.floor((Date.now() + hours * 3_600_000) / 60_000) * 60_000
  return {dateTime: new Date(instant).toISOString().slice(0, 19), timeZone: 'UTC'}
}

export function countBy(records: RequestRecord[], purpose: RequestRecord['purpose']): number {
  return records.filter((record) => record.purpose === purpose).length
}

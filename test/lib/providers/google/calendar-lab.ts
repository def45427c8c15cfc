/**
 * The Google calendar adapter as the engine gets it (through the registry, from a real profile and secrets),
 * against the Google sandbox over HTTPS, with grants from a real AccessGate over a real store, and every
 * RequestRecord the adapter reports kept for counting.
 */
import type {calendar_v3} from '@googleapis/calendar'

import {AccessGate} from '../../../../src/lib/access/index.js'
import {requireProfile} from '../../../../src/lib/config/profiles.js'
import type {MailboxGrant} from '../../../../src/lib/ports/access.js'
import type {
  CalendarProvider,
  EventChange,
  ListChangesRequest,
  RequestRecord,
  SyncCursor,
  TimeWindow,
} from '../../../../src/lib/ports/calendar.js'
import {connectionInput} from '../../../../src/lib/providers/connection.js'
import {createGoogleClients} from '../../../../src/lib/providers/google/client.js'
import {GOOGLE_SCOPES} from '../../../../src/lib/providers/google/delegation.js'
import {REGISTRY} from '../../../../src/lib/providers/registry.js'
import type {ProviderModule} from '../../../../src/lib/providers/types.js'
import {createSecretStore} from '../../../../src/lib/secrets/index.js'
import {openStateStore, type StateStore} from '../../../../src/lib/store/index.js'
import type {SandboxOptions} from '../../../../src/sandbox/host/start.js'
import {LAB_PROFILE, startUsersLab, type UsersLab} from '../../../helpers/users-lab.js'

export interface CalendarLab {
  lab: UsersLab
  store: StateStore
  provider: CalendarProvider
  records: RequestRecord[]
  users: string[]
  rooms: string[]
  testUser: string
  /** Activates the mailbox in the store and returns the gate's sync grant for it. */
  grant(address: string, kind?: 'user' | 'room'): MailboxGrant
  /** Calls the control API, failing on a non-2xx answer. */
  control(method: string, path: string, body?: unknown): Promise<Record<string, unknown>>
  /** The Calendar API as `address` uses it (an end user's own edits that the control API does not offer). */
  asUser(address: string): calendar_v3.Calendar
  /** Records of `purpose` since the last `resetRecords`. */
  count(purpose: RequestRecord['purpose']): number
  resetRecords(): void
  /** Every page of one round; the cursor of its last page. */
  readAll(
    request: Omit<ListChangesRequest, 'page'>,
  ): Promise<{changes: EventChange[]; cursor?: SyncCursor; pages: number}>
  stop(): Promise<void>
}

export const DAY_MS = 86_400_000

/** A window of `days` whole days starting `fromDays` days ahead (midnight UTC), clear of the seeded meetings. */
export function windowAhead(fromDays: number, days: number): TimeWindow {
  const start = Math.floor(Date.now() / DAY_MS) * DAY_MS + fromDays * DAY_MS
  return {start: new Date(start).toISOString(), end: new Date(start + days * DAY_MS).toISOString()}
}

export function at(window: TimeWindow, hours: number): string {
  return new Date(Date.parse(window.start) + hours * 3_600_000).toISOString()
}

export async function startCalendarLab(options: SandboxOptions = {}): Promise<CalendarLab> {
  const lab = await startUsersLab({providers: ['google'], users: 4, events: 1, rooms: 1, ...options})
  const secrets = createSecretStore({profile: LAB_PROFILE, backend: 'memory', env: lab.env})
  const store = await openStateStore({profile: LAB_PROFILE, secrets, dataDir: lab.env.HCAL_DATA_DIR})
  const profile = await requireProfile(LAB_PROFILE, lab.env)
  const module = REGISTRY.google as unknown as ProviderModule
  const records: RequestRecord[] = []
  const provider = (await module.calendar()).createCalendar(await connectionInput(profile, module, secrets), {
    onRequest: (record) => records.push(record),
  })
  const gate = new AccessGate(store.users)
  const seed = lab.seed.google!
  const users = seed.users.map((user) => user.email)
  const lab_: CalendarLab = {
    lab,
    store,
    provider,
    records,
    users,
    rooms: seed.rooms.map((room) => room.email),
    testUser: users[0] ?? '',
    grant(address, kind = 'user') {
      store.users.upsert({email: address, provider: 'google', kind, state: 'active'})
      return gate.grant(address, 'sync')
    },
    async control(method, path, body) {
      const answer = await lab.sandbox.control(method, `/_sandbox/google${path}`, body)
      if (answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`)
      return (answer.body ?? {}) as Record<string, unknown>
    },
    asUser(address) {
      const credentials = lab.sandbox.credentials.google!
      return createGoogleClients({
        serviceAccountJson: credentials.serviceAccountJson,
        subject: address,
        scopes: [...GOOGLE_SCOPES],
        tokenUrl: credentials.tokenUrl,
        rootUrl: credentials.rootUrl,
        caPem: lab.sandbox.caPem,
      }).calendar
    },
    count: (purpose) => records.filter((record) => record.purpose === purpose).length,
    resetRecords: () => records.splice(0),
    async readAll(request) {
      const changes: EventChange[] = []
      let page: string | undefined
      let pages = 0
      for (;;) {
        const result = await provider.listChanges({...request, ...(page ? {page} : {})})
        if (result.kind !== 'page') throw new Error(`round ended with ${result.kind}`)
        pages++
        if (result.nextPage && result.cursor) throw new Error('a cursor came before the last page')
        changes.push(...result.changes)
        if (!result.nextPage) return {changes, pages, ...(result.cursor ? {cursor: result.cursor} : {})}
        page = result.nextPage
      }
    },
    async stop() {
      await provider.close()
      store.close()
      await lab.stop()
    },
  }
  return lab_
}

/** Changes of one type, for assertions. */
export function ofType<T extends EventChange['type']>(
  changes: EventChange[],
  type: T,
): Extract<EventChange, {type: T}>[] {
  return changes.filter((change): change is Extract<EventChange, {type: T}> => change.type === type)
}

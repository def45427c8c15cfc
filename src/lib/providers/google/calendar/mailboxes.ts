/**
 * Which Google client and calendar serve a grant, and the one place adapter calls run (error mapping, one
 * token refresh on 401).
 *
 * A user's calendar is read as that user (domain-wide delegation). A room (a Workspace
 * resource calendar) cannot be impersonated: it is read as the profile's test user with calendarId = the room's
 * address, through the organisation-wide sharing Workspace gives resource calendars (as validate.ts proves it),
 * and its quota is charged to the room (`quotaUser`), not to the test user.
 *
 * One client per impersonated user, kept while in use and bounded (least recently used goes first), so its
 * access token is reused across calls and memory does not grow with the number of mailboxes.
 */
import {mailboxFor} from '../../../access/gate.js'
import {ConfigError} from '../../../errors.js'
import type {MailboxGrant} from '../../../ports/access.js'
import type {CalendarProviderHooks} from '../../../ports/calendar.js'
import {isProviderFailure} from '../../../ports/failures.js'
import type {ConnectionInput} from '../../connection.js'
import {GOOGLE_TOKEN_URL, type GoogleClients} from '../client.js'
import {googleClientsFor} from '../connect.js'
import {GOOGLE_SCOPES} from '../delegation.js'
import {googleFailure} from '../error-report.js'
import type {GoogleConnection} from '../index.js'
import {reportRequests} from './request-records.js'

/** Impersonated users whose clients (and tokens) are kept; beyond it the least recently used is dropped. */
const MAX_CLIENTS = 512
/** The clients' key for the service account itself (no address is empty). */
const SERVICE_ACCOUNT = ''

/** Who a call is made as: an impersonated user, or (no subject) the service account itself. */
export interface Caller {
  clients: GoogleClients
  /** The impersonated user; undefined for the service account acting as itself. */
  subject?: string
}

export interface Target extends Caller {
  /** The mailbox the grant resolves to now (the room's address for a room). */
  mailbox: string
  kind: 'user' | 'room'
  /**
   * The mailbox's address: a user's primary calendar has it as its id (the gate resolves aliases to the primary
   * address), and a room's calendar is its address. Named rather than `primary` so every request says whose
   * calendar it is (request logs, per-mailbox faults and quotas).
   */
  calendarId: string
  /** Standard parameters every call of this mailbox carries (`quotaUser` for a room). */
  params: {quotaUser?: string}
  subject: string
}

export interface Mailboxes {
  target(grant: MailboxGrant): Promise<Target>
  /**
   * The service account acting as itself, for what belongs to the project rather than to a mailbox (stopping
   * a push channel): it needs no grant, and works for a user who was deactivated, suspended or deleted.
   */
  serviceAccount(): Promise<Caller>
  /** Runs one SDK call for `caller`: Google errors become ProviderFailure; a rejected token is refreshed once. */
  call<T>(caller: Caller, run: () => Promise<T>): Promise<T>
  close(): void
}

export function createMailboxes(
  input: ConnectionInput<GoogleConnection>,
  hooks: CalendarProviderHooks | undefined,
): Mailboxes {
  const clients = new Map<string, Promise<GoogleClients>>()
  const refreshing = new Map<string, Promise<unknown>>()
  let key: Promise<string> | undefined
  // The key is read from the SecretStore once, not once per impersonated user.
  const cachedInput: ConnectionInput<GoogleConnection> = {
    ...input,
    secret: (name) => (key ??= input.secret(name)),
  }
  const tokenUrl = input.endpoints.tokenUrl ?? GOOGLE_TOKEN_URL

  function clientsFor(subject: string): Promise<GoogleClients> {
    let entry = clients.get(subject)
    if (entry) {
      clients.delete(subject)
    } else {
      entry = googleClientsFor(cachedInput, subject === SERVICE_ACCOUNT ? undefined : subject).then((built) => {
        reportRequests(built.auth, tokenUrl, hooks)
        return built
      })
      // A failed build (a bad key) is not kept: the next call tries again and reports the same error.
      entry.catch(() => clients.delete(subject))
    }
    clients.set(subject, entry)
    if (clients.size > MAX_CLIENTS) clients.delete(clients.keys().next().value as string)
    return entry
  }

  function roomReader(room: string): string {
    const reader = input.connection.testUser
    if (reader) return reader
    throw new ConfigError(
      'GOOGLE_TEST_USER_MISSING',
      `The room ${room} is read through a Workspace user, and the profile names none.`,
      {
        suggestions: [
          'Set google.testUser in the profile to a user of the domain ("hcal provision google --test-user USER").',
        ],
      },
    )
  }

  /** Forces a new token for the caller, once at a time: concurrent 401s of one user share one refresh. */
  async function refreshToken(caller: Caller, rejected: string | undefined): Promise<void> {
    const auth = caller.clients.auth
    // Another call already replaced the token that was rejected: use the new one.
    if (rejected !== undefined && auth.credentials.access_token !== rejected) return
    const key = caller.subject ?? SERVICE_ACCOUNT
    let pending = refreshing.get(key)
    if (!pending) {
      auth.credentials = {...auth.credentials, expiry_date: 1}
      pending = auth.getAccessToken().finally(() => refreshing.delete(key))
      refreshing.set(key, pending)
    }
    await pending
  }

  const context = (caller: Caller) => ({
    ...(caller.subject ? {subject: caller.subject} : {}),
    clientId: input.connection.clientId,
    scopes: [...GOOGLE_SCOPES],
  })

  return {
    async target(grant) {
      const mailbox = mailboxFor(grant)
      const room = grant.kind === 'room'
      const subject = room ? roomReader(mailbox) : mailbox
      return {
        clients: await clientsFor(subject),
        mailbox,
        kind: grant.kind,
        calendarId: mailbox,
        params: room ? {quotaUser: mailbox} : {},
        subject,
      }
    },
    async serviceAccount() {
      return {clients: await clientsFor(SERVICE_ACCOUNT)}
    },
    async call(caller, run) {
      const attempt = async () => {
        try {
          return {ok: true as const, value: await run()}
        } catch (error) {
          const failure = isProviderFailure(error) ? error : googleFailure(error, context(caller))
          // The token this call was refused with (unless a concurrent refresh already replaced it).
          const token = caller.clients.auth.credentials.access_token ?? undefined
          return {ok: false as const, failure, token}
        }
      }
      const first = await attempt()
      if (first.ok) return first.value
      const rejected = first.failure.failure
      if (rejected.kind !== 'auth' || rejected.reason !== 'tokenRejected') throw first.failure
      await refreshToken(caller, first.token).catch((error: unknown) => {
        throw googleFailure(error, context(caller))
      })
      const second = await attempt()
      if (second.ok) return second.value
      throw second.failure
    },
    close() {
      clients.clear()
    },
  }
}

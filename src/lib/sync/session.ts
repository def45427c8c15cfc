/**
 * One connection to one calendar system, opened once and used for any number of mailbox syncs: the adapter,
 * its declared limits with the profile's overrides, the pacer every port call goes through, and the access
 * gate. `hcal sync` opens one per provider for a single pass; `hcal sync --watch` keeps it open for weeks
 * and calls `syncUser` whenever a mailbox needs it.
 */
import {AccessGate} from '../access/gate.js'
import type {ProfileConfig} from '../config/profiles.js'
import type {ProviderId} from '../core/model.js'
import type {MeetingSettings} from '../core/settings.js'
import {HcalError, isHcalError} from '../errors.js'
import type {CalendarProvider, RequestRecord, TimeWindow} from '../ports/calendar.js'
import type {ProviderLimits} from '../ports/capabilities.js'
import {failsConnection, isProviderFailure} from '../ports/failures.js'
import type {EventSink} from '../ports/publish.js'
import {connectionInput} from '../providers/connection.js'
import {REGISTRY} from '../providers/registry.js'
import type {ProviderModule} from '../providers/types.js'
import type {RetryOptions} from '../retry/policy.js'
import type {SecretStore} from '../secrets/index.js'
import type {StateStore} from '../store/index.js'
import type {StoredUser} from '../store/types.js'
import {emptyCounts, type EventProblem, type SyncCounts} from './counts.js'
import type {PlanEntry} from './decide.js'
import {effectiveLimits, limitOverrides} from './limits.js'
import {syncMailbox, type RoundKind} from './mailbox.js'
import {connectionPacer, type PortCall} from './pacer.js'
import {settingsCache, updatePresence} from './presence.js'
import {syncWindow} from './window.js'

export interface SessionOptions {
  profile: ProfileConfig
  store: StateStore
  secrets: SecretStore
  settings: MeetingSettings
  dryRun?: boolean
  /** Where meetings.changed and presence.changed go, enqueued in the store transactions (the outbox). */
  sink?: EventSink
  signal?: AbortSignal
  now?: () => Date
  retry?: RetryOptions
  /** Every HTTP exchange the adapter makes (counts, throttling metrics). */
  onRequest?: (record: RequestRecord) => void
}

/** What one mailbox sync adds up; a run sums several, a watch service keeps one per sync. */
export interface SyncTally {
  counts: SyncCounts
  plan: PlanEntry[]
  problems: EventProblem[]
}

export function emptyTally(): SyncTally {
  return {counts: emptyCounts(), plan: [], problems: []}
}

export type MailboxOutcome =
  | {status: 'ok'; round: RoundKind}
  /** `connection`: a failure no other mailbox of this connection can escape (credentials, delegation, consent). */
  | {status: 'failed'; error: HcalError; connection: boolean}

export interface SyncSession {
  readonly id: ProviderId
  readonly provider: CalendarProvider
  readonly limits: ProviderLimits
  readonly gate: AccessGate
  /** A caller for one mailbox's other port calls (push subscriptions), under the same policy and limits. */
  callFor(): PortCall
  /** Syncs the user's mailbox (full or incremental, as its stored cursor says), then its presence. */
  syncUser(user: StoredUser, tally: SyncTally, window?: TimeWindow): Promise<MailboxOutcome>
  close(): Promise<void>
}

/** The mailbox hcal acts on for a user record (its primary address when it is an alias). */
export function mailboxOf(user: Pick<StoredUser, 'email' | 'primaryEmail'>): string {
  return user.primaryEmail ?? user.email
}

/** Opens the provider's adapter; an HcalError when the connection cannot be made (no request sent to a mailbox). */
export async function openSyncSession(id: ProviderId, options: SessionOptions): Promise<SyncSession> {
  const module = REGISTRY[id] as ProviderModule
  const now = options.now ?? (() => new Date())
  const input = await connectionInput(options.profile, module, options.secrets)
  const provider = (await module.calendar()).createCalendar(input, {
    ...(options.onRequest ? {onRequest: options.onRequest} : {}),
  })
  const limits = effectiveLimits(provider.capabilities.limits, limitOverrides(options.profile.sync, id))
  const pacer = connectionPacer(limits, {
    ...(options.signal ? {signal: options.signal} : {}),
    ...(options.retry ? {retry: options.retry} : {}),
  })
  const gate = new AccessGate(options.store.users)

  async function syncUser(user: StoredUser, tally: SyncTally, window?: TimeWindow): Promise<MailboxOutcome> {
    const mailbox = mailboxOf(user)
    try {
      const grant = gate.grant(user.email, 'sync')
      const call = pacer.forMailbox()
      const settings = settingsCache(
        options.store,
        mailbox,
        () => call((signal) => provider.readMailboxSettings(grant, signal ? {signal} : {})),
        now,
      )
      const round = await syncMailbox(mailbox, grant, {
        store: options.store,
        provider,
        call,
        window: window ?? syncWindow(now()),
        settings: options.settings,
        dryRun: options.dryRun ?? false,
        counts: tally.counts,
        plan: tally.plan,
        problems: tally.problems,
        locale: () => settings.locale(),
        ...(options.sink ? {sink: options.sink} : {}),
      })
      if (!options.dryRun) {
        await updatePresence({
          store: options.store,
          provider,
          call,
          mailbox,
          grant,
          readOutOfOffice: user.kind === 'user',
          settings,
          now,
          ...(options.sink ? {sink: options.sink} : {}),
        })
      }
      return {status: 'ok', round}
    } catch (error) {
      if (options.signal?.aborted) throw error
      const failure = isHcalError(error) ? error : unexpected(error)
      return {status: 'failed', error: failure, connection: isProviderFailure(error) && failsConnection(error.failure)}
    }
  }

  return {id, provider, limits, gate, callFor: () => pacer.forMailbox(), syncUser, close: () => provider.close()}
}

function unexpected(error: unknown): HcalError {
  return new HcalError(
    'SYNC_UNEXPECTED',
    `The mailbox's sync stopped on an unexpected error: ${(error as Error)?.message ?? String(error)}.`,
    {
      cause: error,
      suggestions: ['Run again with --log-level debug and report the error; the other mailboxes were synced.'],
    },
  )
}

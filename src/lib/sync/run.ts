/**
 * One `hcal sync` run: every mailbox given, grouped by calendar system, each system's adapter loaded through
 * the registry and driven within its declared limits (with the profile's overrides). Mailboxes are attempted
 * once each; a failure that no other mailbox of the connection can escape (credentials, consent, delegation)
 * stops that connection's remaining mailboxes, which are reported with the same reason. Retention runs last.
 */
import pLimit from 'p-limit'

import type {ProfileConfig} from '../config/profiles.js'
import type {ProviderId} from '../core/model.js'
import {ConfigError, ExitCode, HcalError, isHcalError} from '../errors.js'
import type {RequestRecord} from '../ports/calendar.js'
import {PROVIDER_IDS} from '../providers/registry.js'
import type {StoredUser} from '../store/types.js'
import type {EventProblem, SyncCounts} from './counts.js'
import type {PlanEntry} from './decide.js'
import {limitOverrides, unknownLimitProviders} from './limits.js'
import {emptyTally, mailboxOf, openSyncSession, type SessionOptions, type SyncSession} from './session.js'
import {syncWindow} from './window.js'

export interface SyncUserResult {
  email: string
  provider: ProviderId
  status: 'ok' | 'failed'
  /** Meetings stored for the mailbox in the window after the run. */
  meetings: number
  reasonCode: string | null
}

/** A user or room whose mailbox could not be synced, with what fixes it. */
export interface SyncFailure {
  email: string
  provider: ProviderId
  code: string
  message: string
  fix: string
}

/** A calendar system none of whose remaining mailboxes could be synced. */
export interface ConnectionFailure {
  provider: ProviderId
  error: HcalError
  /** Exit 4 (credentials, grants) or 3 (anything else). */
  exitCode: typeof ExitCode.auth | typeof ExitCode.partial
}

export interface SyncRun {
  counts: SyncCounts
  users: SyncUserResult[]
  failures: SyncFailure[]
  connectionFailures: ConnectionFailure[]
  problems: EventProblem[]
  plan: PlanEntry[]
  /** Meetings retention removed after the run. */
  retained: number
}

/** A session's options (./session.ts) for a one-shot run, which counts requests itself and reports progress. */
export interface SyncOptions extends Omit<SessionOptions, 'onRequest'> {
  onProgress?: (provider: ProviderId, done: number, total: number) => void
}

/** SYNC_LIMITS_INVALID before any request when the profile's `sync` section is malformed. */
export function checkSyncSection(profile: ProfileConfig): void {
  const sync = profile.sync
  const unknown = unknownLimitProviders(sync, PROVIDER_IDS)
  if (unknown.length > 0) {
    throw new ConfigError(
      'SYNC_LIMITS_INVALID',
      `The profile's sync.limits names unknown providers: ${unknown.join(', ')}.`,
      {
        suggestions: [`Use the provider ids ${PROVIDER_IDS.join(', ')} under sync.limits.`],
      },
    )
  }
  for (const id of PROVIDER_IDS) limitOverrides(sync, id)
}

function fixOf(error: HcalError): string {
  return error.suggestions.join(' ')
}

export async function runSync(users: readonly StoredUser[], options: SyncOptions): Promise<SyncRun> {
  checkSyncSection(options.profile)
  const now = options.now ?? (() => new Date())
  const window = syncWindow(now())
  const tally = emptyTally()
  const run: SyncRun = {
    counts: tally.counts,
    users: [],
    failures: [],
    connectionFailures: [],
    problems: tally.problems,
    plan: tally.plan,
    retained: 0,
  }
  const results = new Map<string, SyncUserResult>()

  const finish = (user: StoredUser, error?: HcalError) => {
    const mailbox = mailboxOf(user)
    results.set(mailbox, {
      email: user.email,
      provider: user.provider,
      status: error ? 'failed' : 'ok',
      meetings: options.store.meetings.idsForMailbox(mailbox).length,
      reasonCode: error?.code ?? null,
    })
    if (error) {
      run.failures.push({
        email: user.email,
        provider: user.provider,
        code: error.code,
        message: error.message,
        fix: fixOf(error),
      })
    }
  }

  async function syncProvider(id: ProviderId, group: StoredUser[]): Promise<void> {
    let done = 0
    const progress = () => options.onProgress?.(id, done, group.length)
    const finished = (user: StoredUser, error?: HcalError) => {
      finish(user, error)
      done++
      progress()
    }
    progress()
    let session: SyncSession
    try {
      session = await openSyncSession(id, {
        ...options,
        now,
        onRequest: (record: RequestRecord) => {
          run.counts.requests++
          if (record.throttled) run.counts.throttled++
        },
      })
    } catch (error) {
      if (!isHcalError(error)) throw error
      connectionBroken(id, error)
      for (const user of group) finished(user, error)
      return
    }
    let broken: HcalError | undefined
    const one = async (user: StoredUser) => {
      if (options.signal?.aborted) return
      if (broken) return finished(user, broken)
      const outcome = await session.syncUser(user, tally, window)
      if (outcome.status === 'ok') return finished(user)
      if (outcome.connection && !broken) {
        broken = outcome.error
        connectionBroken(id, outcome.error)
      }
      finished(user, outcome.error)
    }
    try {
      // One mailbox first: a connection failing as a whole (credentials, delegation, consent) fails there, and
      // no other mailbox is sent a request; once it went through, the rest run side by side.
      const [first, ...rest] = group
      if (first) await one(first)
      const mailboxes = pLimit(session.limits.concurrencyPerAccount)
      await Promise.all(rest.map((user) => mailboxes(() => one(user))))
    } finally {
      await session.close()
    }
  }

  const connectionBroken = (provider: ProviderId, error: HcalError) => {
    run.connectionFailures.push({
      provider,
      error,
      exitCode: error.exitCode === ExitCode.auth ? ExitCode.auth : ExitCode.partial,
    })
  }

  const groups = groupByProvider(users)
  await Promise.all([...groups].map(([id, group]) => syncProvider(id, group)))
  if (!options.dryRun) run.retained = options.store.applyRetention(now())
  run.users = users.flatMap((user) => {
    const result = results.get(mailboxOf(user))
    return result ? [{...result, email: user.email}] : []
  })
  return run
}

/** Users grouped by calendar system; two records reaching one mailbox (an alias and its primary) count once. */
export function groupByProvider(users: readonly StoredUser[]): Map<ProviderId, StoredUser[]> {
  const groups = new Map<ProviderId, StoredUser[]>()
  const mailboxes = new Set<string>()
  for (const user of users) {
    const mailbox = mailboxOf(user)
    if (mailboxes.has(mailbox)) continue
    mailboxes.add(mailbox)
    groups.set(user.provider, [...(groups.get(user.provider) ?? []), user])
  }
  return groups
}

/**
 * Validation runs: each recorded user or room proven against its calendar system through that system's
 * validator (loaded lazily through the registry), within the concurrency the system declares, and the
 * outcome written to the store. The access gate grants each mailbox for validation; nothing else here
 * knows which calendar system it talks to.
 */
import pLimit from 'p-limit'

import {AccessGate} from '../access/gate.js'
import type {ProfileConfig} from '../config/profiles.js'
import type {ProviderId} from '../core/model.js'
import {type HcalError, isHcalError} from '../errors.js'
import type {MailboxValidator, ReasonCode, ValidationOutcome} from '../ports/validation.js'
import {connectionInput} from '../providers/connection.js'
import {REGISTRY} from '../providers/registry.js'
import type {ProviderModule} from '../providers/types.js'
import type {SecretStore} from '../secrets/index.js'
import type {StateStore} from '../store/index.js'
import type {StoredUser} from '../store/types.js'
import {entryOf, type UserEntry} from './report.js'

/** Problems of the connection, not the mailbox: after the first, the provider's other users get the same. */
const CONNECTION_WIDE: ReadonlySet<ReasonCode> = new Set([
  'DELEGATION_SCOPE_MISSING',
  'CONSENT_MISSING',
  'ROLE_MISSING',
])
/** Outcomes that say nothing about the mailbox: an active user stays active through them. */
const TRANSIENT: ReadonlySet<ReasonCode> = new Set(['THROTTLED', 'PROVIDER_UNREACHABLE'])

export interface ValidationContext {
  profile: ProfileConfig
  store: StateStore
  secrets: SecretStore
  signal?: AbortSignal
  now?: () => Date
  /** Called after each user or room, with how many are done of how many. */
  onProgress?: (done: number, total: number) => void
}

/** A calendar system none of whose mailboxes could be validated (credentials, configuration). */
export interface ConnectionFailure {
  provider: ProviderId
  error: HcalError
  /** Users and rooms left as they were. */
  users: number
}

export interface ValidationRun {
  /** By address, for every user given. */
  entries: Map<string, UserEntry>
  connectionFailures: ConnectionFailure[]
  /** Things the admin should know that are not failures (an alias resolved, an active user kept). */
  notes: string[]
}

export async function validateUsers(users: readonly StoredUser[], context: ValidationContext): Promise<ValidationRun> {
  const run: ValidationRun = {entries: new Map(), connectionFailures: [], notes: []}
  const gate = new AccessGate(context.store.users)
  const now = () => (context.now?.() ?? new Date()).toISOString()
  let done = 0
  const finished = (user: StoredUser) => {
    run.entries.set(user.email, entryOf(user))
    context.onProgress?.(++done, users.length)
  }

  const apply = (user: StoredUser, outcome: ValidationOutcome): StoredUser => {
    const at = now()
    const cleared = {reasonCode: undefined, reason: undefined, fix: undefined, retryAt: undefined}
    if (outcome.result === 'valid') {
      if (outcome.primaryEmail) {
        run.notes.push(
          `${user.email} is an alias of ${outcome.primaryEmail}: hcal reads and writes ${outcome.primaryEmail}.`,
        )
      }
      return context.store.users.upsert({
        ...user,
        ...cleared,
        state: 'active',
        primaryEmail: outcome.primaryEmail,
        validatedAt: at,
      })
    }
    if (user.state === 'active' && TRANSIENT.has(outcome.reasonCode)) {
      run.notes.push(
        `${user.email} could not be validated now (${outcome.reasonCode}: ${outcome.reason}); it stays active.`,
      )
      return user
    }
    if (outcome.result === 'retry') {
      const retryAt = new Date(Date.parse(at) + outcome.retryAfterMs).toISOString()
      return context.store.users.upsert({
        ...user,
        state: 'pending',
        reasonCode: outcome.reasonCode,
        reason: `${outcome.reason}; validation is retried after ${retryAt}`,
        fix: `Run "hcal users validate ${user.email}" after ${retryAt}.`,
        retryAt,
        validatedAt: at,
      })
    }
    return context.store.users.upsert({
      ...user,
      ...cleared,
      state: 'error',
      reasonCode: outcome.reasonCode,
      reason: outcome.reason,
      fix: outcome.fix,
      validatedAt: at,
    })
  }

  /** A user the connection could not be used for: kept as it was; a pending one says why. */
  const unvalidated = (user: StoredUser, error: HcalError): StoredUser =>
    user.state !== 'pending'
      ? user
      : context.store.users.upsert({
          ...user,
          reasonCode: undefined,
          reason: `not validated yet: ${error.message}`,
          fix: error.suggestions.join(' ') || undefined,
        })

  async function validateGroup(module: ProviderModule, group: StoredUser[]): Promise<void> {
    let validator: MailboxValidator
    try {
      const input = await connectionInput(context.profile, module, context.secrets)
      validator = (await module.validator()).createValidator(input)
    } catch (error) {
      if (!isHcalError(error)) throw error
      run.connectionFailures.push({provider: module.id as ProviderId, error, users: group.length})
      for (const user of group) finished(unvalidated(user, error))
      return
    }
    const limit = pLimit(module.capabilities.limits.concurrencyPerAccount)
    let broken: HcalError | undefined
    let shared: ValidationOutcome | undefined
    let left = 0
    const one = async (user: StoredUser) => {
      if (context.signal?.aborted) return
      if (broken) {
        left += 1
        return finished(unvalidated(user, broken))
      }
      if (shared) return finished(apply(user, shared))
      try {
        const outcome = await validator.validate({
          grant: gate.grant(user.email, 'validation'),
          kind: user.kind,
          ...(context.signal ? {signal: context.signal} : {}),
        })
        if (outcome.result === 'invalid' && CONNECTION_WIDE.has(outcome.reasonCode)) shared ??= outcome
        finished(apply(user, outcome))
      } catch (error) {
        if (!isHcalError(error) || context.signal?.aborted) throw error
        broken ??= error
        left += 1
        finished(unvalidated(user, broken))
      }
    }
    try {
      await Promise.all(group.map((user) => limit(() => one(user))))
    } finally {
      await validator.close()
    }
    if (broken) {
      run.connectionFailures.push({provider: module.id as ProviderId, error: broken, users: left})
    }
  }

  const groups = new Map<ProviderId, StoredUser[]>()
  for (const user of users) {
    const group = groups.get(user.provider)
    if (group) group.push(user)
    else groups.set(user.provider, [user])
  }
  await Promise.all([...groups].map(([id, group]) => validateGroup(REGISTRY[id] as ProviderModule, group)))
  return run
}

/**
 * How hard the engine drives one connection: the limits its adapter declares (capabilities), with the
 * profile's `sync.limits.<provider>` overrides on top (a project's real Google quota varies; an Exchange
 * server's EWSMaxConcurrency may be raised). Validated here, so a typo fails the run with the fix named.
 */
import {ConfigError} from '../errors.js'
import type {ProviderLimits, RequestBudget} from '../ports/capabilities.js'

/** The profile's `sync.limits.<provider>` section. */
export interface SyncLimitOverrides {
  /** Requests per minute for the whole connection (replaces the declared account budget). */
  requestsPerMinute?: number
  /** Requests in flight for the whole connection, and mailboxes synced at once. */
  concurrencyPerAccount?: number
  /** Requests in flight to one mailbox. */
  concurrencyPerMailbox?: number
}

const BOUNDS: Record<keyof SyncLimitOverrides, [number, number]> = {
  requestsPerMinute: [1, 1_000_000],
  concurrencyPerAccount: [1, 256],
  concurrencyPerMailbox: [1, 64],
}

function invalid(path: string, problem: string): ConfigError {
  return new ConfigError('SYNC_LIMITS_INVALID', `The profile's ${path} ${problem}.`, {
    suggestions: [
      `Correct ${path} in the profile: sync.limits.<provider> takes requestsPerMinute (1-1000000), concurrencyPerAccount (1-256) and concurrencyPerMailbox (1-64), each a whole number.`,
    ],
    data: {path},
  })
}

/** The overrides for `provider` from a profile's `sync` section; SYNC_LIMITS_INVALID when malformed. */
export function limitOverrides(sync: unknown, provider: string): SyncLimitOverrides {
  if (sync === undefined) return {}
  if (typeof sync !== 'object' || sync === null || Array.isArray(sync)) throw invalid('sync', 'must be an object')
  const limits = (sync as {limits?: unknown}).limits
  if (limits === undefined) return {}
  if (typeof limits !== 'object' || limits === null || Array.isArray(limits)) {
    throw invalid('sync.limits', 'must be an object keyed by provider id')
  }
  const section = (limits as Record<string, unknown>)[provider]
  if (section === undefined) return {}
  if (typeof section !== 'object' || section === null || Array.isArray(section)) {
    throw invalid(`sync.limits.${provider}`, 'must be an object')
  }
  const overrides: SyncLimitOverrides = {}
  for (const [key, value] of Object.entries(section)) {
    const bounds = BOUNDS[key as keyof SyncLimitOverrides] as [number, number] | undefined
    const path = `sync.limits.${provider}.${key}`
    if (!bounds) throw invalid(path, 'is not a known limit')
    if (typeof value !== 'number' || !Number.isInteger(value) || value < bounds[0] || value > bounds[1]) {
      throw invalid(path, `must be a whole number from ${bounds[0]} to ${bounds[1]}`)
    }
    overrides[key as keyof SyncLimitOverrides] = value
  }
  return overrides
}

/** Every provider id named under `sync.limits` that is not a registered one (a typo would silently do nothing). */
export function unknownLimitProviders(sync: unknown, known: readonly string[]): string[] {
  const limits = (sync as {limits?: unknown} | undefined)?.limits
  if (typeof limits !== 'object' || limits === null) return []
  return Object.keys(limits).filter((id) => !known.includes(id))
}

/** The declared limits with the overrides applied. */
export function effectiveLimits(declared: ProviderLimits, overrides: SyncLimitOverrides): ProviderLimits {
  const budgets: RequestBudget[] =
    overrides.requestsPerMinute === undefined
      ? [...declared.budgets]
      : [
          ...declared.budgets.filter((budget) => budget.scope !== 'account'),
          {scope: 'account', requests: overrides.requestsPerMinute, windowMs: 60_000, source: 'profile sync.limits'},
        ]
  return {
    ...declared,
    concurrencyPerAccount: overrides.concurrencyPerAccount ?? declared.concurrencyPerAccount,
    concurrencyPerMailbox: overrides.concurrencyPerMailbox ?? declared.concurrencyPerMailbox,
    budgets,
  }
}

/**
 * A budget as p-throttle options, spread over one-second steps where the rate allows, so 10,000 a minute
 * goes out as ~166 a second rather than one burst (Google counts in a sliding minute).
 */
export function throttleOptions(budget: Pick<RequestBudget, 'requests' | 'windowMs'>): {
  limit: number
  interval: number
} {
  const perSecond = (budget.requests * 1000) / budget.windowMs
  if (budget.windowMs <= 1000 || perSecond < 1) return {limit: budget.requests, interval: budget.windowMs}
  return {limit: Math.floor(perSecond), interval: 1000}
}

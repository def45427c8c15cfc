/**
 * The lower bound a calendar system's declared limits (src/lib/providers/<id>/capabilities.ts) put on
 * validating a set of mailboxes, from the requests the validation actually sent (the sandbox's request log).
 * Two limits apply at once and the larger wins:
 * - rate: each request budget (per account or per mailbox) admits `requests` per sliding `windowMs`, so N
 *   requests need floor((N - 1) / requests) whole windows before the last may go; the sustained rate
 *   (N / (requests / windowMs)) is reported beside it, but a run that fits in one window is not held to it;
 * - concurrency: at most `concurrencyPerAccount` requests in flight, each one round trip of `latencyMs`, so
 *   roundTrips / concurrency x latency; and one mailbox's steps run one after the other, so its round trips
 *   x latency.
 */
import type {ProviderLimits, RequestBudget} from '../../src/lib/ports/capabilities.js'

export interface LoggedRequest {
  status: number
  operation: string
  mailbox?: string
}

export interface ProviderBound {
  users: number
  /** Every exchange the log holds for this provider (each one a round trip). */
  roundTrips: number
  /** Requests answered as throttled (429, or Exchange's ErrorServerBusy). */
  throttled: number
  /** Round trips that were not throttled, per user: what validating one user costs. */
  requestsPerUser: number
  /** Requests the budgets count (token requests are not API calls). */
  budgeted: number
  rateBoundMs: number
  sustainedRateMs: number
  concurrencyBoundMs: number
  /** Round trips of the busiest mailbox x latency: its steps are sequential. */
  chainBoundMs: number
  boundMs: number
  /** Which limit sets the bound. */
  limitedBy: 'rate' | 'concurrency' | 'chain'
}

const TOKEN_OPERATIONS = new Set(['token'])

export function isThrottled(request: LoggedRequest): boolean {
  return request.status === 429 || request.operation === 'Throttled'
}

function countByMailbox(requests: readonly LoggedRequest[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const request of requests) {
    if (request.mailbox) counts.set(request.mailbox, (counts.get(request.mailbox) ?? 0) + 1)
  }
  return counts
}

/** Requests one budget counts: the account's total, or the busiest mailbox's. */
function countedBy(budget: RequestBudget, budgeted: readonly LoggedRequest[]): number {
  if (budget.scope === 'account') return budgeted.length
  return Math.max(0, ...countByMailbox(budgeted).values())
}

export function providerBound(
  requests: readonly LoggedRequest[],
  users: number,
  limits: ProviderLimits,
  latencyMs: number,
): ProviderBound {
  const throttled = requests.filter(isThrottled).length
  const answered = requests.filter((request) => !isThrottled(request))
  const budgeted = answered.filter((request) => !TOKEN_OPERATIONS.has(request.operation))
  let rateBoundMs = 0
  let sustainedRateMs = 0
  for (const budget of limits.budgets) {
    const n = countedBy(budget, budgeted)
    if (n === 0) continue
    rateBoundMs = Math.max(rateBoundMs, Math.floor((n - 1) / budget.requests) * budget.windowMs)
    sustainedRateMs = Math.max(sustainedRateMs, (n * budget.windowMs) / budget.requests)
  }
  const concurrencyBoundMs = (requests.length / limits.concurrencyPerAccount) * latencyMs
  const chainBoundMs = Math.max(0, ...countByMailbox(answered).values()) * latencyMs
  const candidates = {rate: rateBoundMs, concurrency: concurrencyBoundMs, chain: chainBoundMs} as const
  const limitedBy = (Object.keys(candidates) as (keyof typeof candidates)[]).reduce((a, b) =>
    candidates[b] > candidates[a] ? b : a,
  )
  return {
    users,
    roundTrips: requests.length,
    throttled,
    requestsPerUser: users === 0 ? 0 : answered.length / users,
    budgeted: budgeted.length,
    rateBoundMs,
    sustainedRateMs,
    concurrencyBoundMs,
    chainBoundMs,
    boundMs: candidates[limitedBy],
    limitedBy,
  }
}

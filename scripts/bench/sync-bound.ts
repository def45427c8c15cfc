/**
 * The lower bound a provider's declared limits (src/lib/providers/<id>/capabilities.ts) and the round-trip
 * latency put on a sync run, from the requests it needed (the sandbox's request log, throttled answers left
 * out: a request the limits refused was not needed). The larger of:
 * - rate: each request budget admits `requests` per sliding `windowMs` (counted for the account, or for the
 *   busiest mailbox), so N requests need floor((N - 1) / requests) whole windows before the last may go.
 *   The sustained rate, N / (requests / windowMs), is given beside it: over a run much longer than the
 *   window the two meet, but a run that fits in one window is not held to it;
 * - concurrency: at most `concurrencyPerAccount` requests in flight, each one round trip, so
 *   roundTrips / concurrencyPerAccount x latency; and for the busiest mailbox, its round trips /
 *   concurrencyPerMailbox x latency.
 */
import type {ProviderLimits} from '../../src/lib/ports/capabilities.js'
import type {SandboxProviderId} from '../../src/sandbox/types.js'
import {isThrottled, type LoggedRequest} from './activation-bound.js'
import {purposeOf} from './request-purpose.js'

export interface SyncBound {
  /** Answered requests (each one round trip). */
  roundTrips: number
  /** Of those, what the budgets count. */
  budgeted: number
  rateBoundMs: number
  sustainedRateMs: number
  concurrencyBoundMs: number
  mailboxBoundMs: number
  boundMs: number
  limitedBy: 'rate' | 'concurrency' | 'mailbox'
}

function busiestMailbox(requests: readonly LoggedRequest[]): number {
  const counts = new Map<string, number>()
  let busiest = 0
  for (const request of requests) {
    if (!request.mailbox) continue
    const count = (counts.get(request.mailbox) ?? 0) + 1
    counts.set(request.mailbox, count)
    busiest = Math.max(busiest, count)
  }
  return busiest
}

export function syncBound(
  provider: SandboxProviderId,
  requests: readonly LoggedRequest[],
  limits: ProviderLimits,
  latencyMs: number,
): SyncBound {
  const answered = requests.filter((request) => !isThrottled(request))
  const budgeted = answered.filter((request) => purposeOf(provider, request.operation).budgeted)
  let rateBoundMs = 0
  let sustainedRateMs = 0
  for (const budget of limits.budgets) {
    const n = budget.scope === 'account' ? budgeted.length : busiestMailbox(budgeted)
    if (n === 0) continue
    rateBoundMs = Math.max(rateBoundMs, Math.floor((n - 1) / budget.requests) * budget.windowMs)
    sustainedRateMs = Math.max(sustainedRateMs, (n * budget.windowMs) / budget.requests)
  }
  const concurrencyBoundMs = (answered.length / limits.concurrencyPerAccount) * latencyMs
  const mailboxBoundMs = (busiestMailbox(answered) / limits.concurrencyPerMailbox) * latencyMs
  const candidates = {rate: rateBoundMs, concurrency: concurrencyBoundMs, mailbox: mailboxBoundMs} as const
  const limitedBy = (Object.keys(candidates) as (keyof typeof candidates)[]).reduce((a, b) =>
    candidates[b] > candidates[a] ? b : a,
  )
  return {
    roundTrips: answered.length,
    budgeted: budgeted.length,
    rateBoundMs,
    sustainedRateMs,
    concurrencyBoundMs,
    mailboxBoundMs,
    boundMs: candidates[limitedBy],
    limitedBy,
  }
}

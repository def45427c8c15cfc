/**
 * Every port call goes through here: the one retry policy (src/lib/retry/policy.ts) around the connection's
 * limits. Each attempt waits for a slot in the mailbox's concurrency, then for the request budgets (account
 * and mailbox), then for a slot in the account's concurrency, so a mailbox waiting on its own limits holds
 * nothing the others need, and a retry waiting out Retry-After holds no slot at all.
 */
import pLimit, {type LimitFunction} from 'p-limit'
import pThrottle from 'p-throttle'

import type {ProviderLimits, RequestBudget} from '../ports/capabilities.js'
import {DEFAULT_RETRY, providerRetryPolicy, type RetryOptions} from '../retry/policy.js'
import {throttleOptions} from './limits.js'

/** Runs one port call under the policy; the call gets the signal to pass to the adapter. */
export type PortCall = <T>(work: (signal: AbortSignal | undefined) => Promise<T>) => Promise<T>

export interface ConnectionPacer {
  /** A caller for one mailbox (its own concurrency and budgets, the connection's shared ones). */
  forMailbox(): PortCall
}

type Slot = () => Promise<void>

function budgetSlots(budgets: readonly RequestBudget[], scope: RequestBudget['scope'], signal?: AbortSignal): Slot[] {
  return budgets
    .filter((budget) => budget.scope === scope)
    .map((budget) => pThrottle({...throttleOptions(budget), ...(signal ? {signal} : {})})(async () => {}))
}

export function connectionPacer(
  limits: ProviderLimits,
  options: {signal?: AbortSignal; retry?: RetryOptions} = {},
): ConnectionPacer {
  const account: LimitFunction = pLimit(limits.concurrencyPerAccount)
  const accountBudgets = budgetSlots(limits.budgets, 'account', options.signal)
  const policy = providerRetryPolicy(options.retry ?? DEFAULT_RETRY)
  return {
    forMailbox() {
      const mailbox = pLimit(limits.concurrencyPerMailbox)
      const budgets = [...budgetSlots(limits.budgets, 'mailbox', options.signal), ...accountBudgets]
      return <T>(work: (signal: AbortSignal | undefined) => Promise<T>) =>
        policy.execute(
          ({signal}) =>
            mailbox(async () => {
              for (const slot of budgets) await slot()
              return account(() => work(signal))
            }),
          options.signal,
        )
    },
  }
}

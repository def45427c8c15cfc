/**
 * The one retry policy for provider calls (cockatiel): retry what a provider failure says is worth retrying
 * (rate limits, 5xx, resets), after the wait the provider asked for (Retry-After, BackOffMilliseconds) or
 * else an exponential backoff with full jitter, a bounded number of times. A provider asking for a longer
 * wait than the policy allows is not waited for: the failure goes to the caller, which records when to try
 * again (a throttled validation stays pending with that time).
 */
import {DelegateBackoff, handleWhen, type IRetryBackoffContext, retry, type RetryPolicy} from 'cockatiel'

import {isProviderFailure, isRetryable, retryAfterMs} from '../ports/failures.js'

export interface RetryOptions {
  /** Attempts in all, the first included. */
  maxAttempts: number
  /** Longest single wait. */
  maxDelayMs: number
  /** First backoff step when the provider named no wait; doubled per attempt, full jitter. */
  initialDelayMs: number
}

export const DEFAULT_RETRY: RetryOptions = {maxAttempts: 4, maxDelayMs: 30_000, initialDelayMs: 500}

/** The wait a provider failure asked for, when it is one and said. */
export function askedWaitMs(error: unknown): number | undefined {
  return isProviderFailure(error) ? retryAfterMs(error.failure) : undefined
}

/** True when the policy retries this error. */
export function isRetried(error: unknown, options: RetryOptions = DEFAULT_RETRY): boolean {
  if (!isProviderFailure(error) || !isRetryable(error.failure)) return false
  const asked = askedWaitMs(error)
  return asked === undefined || asked <= options.maxDelayMs
}

export function providerRetryPolicy(options: RetryOptions = DEFAULT_RETRY): RetryPolicy {
  const backoff = new DelegateBackoff<IRetryBackoffContext<unknown>>((context) => {
    const asked = 'error' in context.result ? askedWaitMs(context.result.error) : undefined
    if (asked !== undefined) return asked
    const ceiling = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** (context.attempt - 1))
    return Math.random() * ceiling
  })
  return retry(
    handleWhen((error) => isRetried(error, options)),
    {maxAttempts: options.maxAttempts - 1, backoff},
  )
}

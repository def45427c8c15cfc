/**
 * What every provider's validator (src/lib/providers/<id>/validate.ts) shares: running one provider call
 * under the retry policy, and turning a neutral provider failure into the reason code, reason and fix an
 * admin sees. A failure of the whole connection (credentials, a disabled API) is thrown, not turned into a
 * per-user outcome: no other mailbox of the connection would do better.
 */
import {isProviderFailure, type ProviderFailure} from '../ports/failures.js'
import type {ReasonCode, ValidationOutcome} from '../ports/validation.js'
import {askedWaitMs, DEFAULT_RETRY, providerRetryPolicy, type RetryOptions} from '../retry/policy.js'

/** When hcal may try a throttled mailbox again, if the provider did not say. */
export const DEFAULT_RETRY_AFTER_MS = 60_000

export type Step<T> = {ok: true; value: T} | {ok: false; failure: ProviderFailure}

/**
 * Runs one provider call with retries; its failure (mapped by `asFailure`) comes back as a value so the
 * validator can decide what it means for this mailbox.
 */
export async function step<T>(
  call: () => Promise<T>,
  asFailure: (error: unknown) => ProviderFailure,
  options: {retry?: RetryOptions; signal?: AbortSignal} = {},
): Promise<Step<T>> {
  const policy = providerRetryPolicy(options.retry ?? DEFAULT_RETRY)
  try {
    const value = await policy.execute(async () => {
      try {
        return await call()
      } catch (error) {
        throw asFailure(error)
      }
    }, options.signal)
    return {ok: true, value}
  } catch (error) {
    if (isProviderFailure(error)) return {ok: false, failure: error}
    throw error
  }
}

const FALLBACK_FIX: Record<ReasonCode, string> = {
  ADDRESS_INVALID: 'Correct the address (name@domain).',
  DOMAIN_NOT_VERIFIED: 'Add the domain with "hcal domains add DOMAIN --provider P", or correct the address.',
  MAILBOX_NOT_FOUND: 'Check the address: use the primary address of an existing mailbox.',
  USER_SUSPENDED: 'Restore the account in the admin console, then run "hcal users validate".',
  DELEGATION_SCOPE_MISSING: "Authorise hcal's scopes for its client ID in the admin console, then validate again.",
  CONSENT_MISSING: 'Grant admin consent for the app, then validate again.',
  ROLE_MISSING: 'Grant the permission hcal needs to its app, then validate again.',
  OUT_OF_MAILBOX_SCOPE: "Add the mailbox to hcal's mailbox scope, or deactivate it.",
  IMPERSONATION_DENIED: 'Give the service account impersonation rights over this mailbox, then validate again.',
  NOT_A_CALENDAR_USER: 'Activate only people with a calendar as users, and rooms with --room.',
  THROTTLED: 'Nothing to do: run "hcal users validate" after the time given.',
  PROVIDER_UNREACHABLE: 'Check the network path to the calendar system and its status, then validate again.',
}

export function invalid(reasonCode: ReasonCode, reason: string, fix?: string): ValidationOutcome {
  return {result: 'invalid', reasonCode, reason, fix: fix || FALLBACK_FIX[reasonCode]}
}

/**
 * The outcome a provider failure amounts to for one mailbox, by its neutral kind. `denied` (a refusal the
 * answer does not explain) is passed as the code the caller knows it means. Connection-wide failures
 * (credentials, a disabled API) are thrown.
 */
export function outcomeOfFailure(failure: ProviderFailure, denied: ReasonCode = 'ROLE_MISSING'): ValidationOutcome {
  const info = failure.failure
  const fix = failure.suggestions.join(' ')
  const reason = failure.message
  switch (info.kind) {
    case 'permission':
      switch (info.reason) {
        case 'delegationMissing':
        case 'scopeMissing':
          return invalid('DELEGATION_SCOPE_MISSING', reason, fix)
        case 'consentMissing':
          return invalid('CONSENT_MISSING', reason, fix)
        case 'roleMissing':
          return invalid('ROLE_MISSING', reason, fix)
        case 'outOfMailboxScope':
          return invalid('OUT_OF_MAILBOX_SCOPE', reason, fix)
        case 'impersonationDenied':
          return invalid('IMPERSONATION_DENIED', reason, fix)
        case 'denied':
          return invalid(denied, reason, fix)
        case 'apiDisabled':
          throw failure
      }
      break
    case 'auth':
      throw failure
    case 'notFound':
      return invalid('MAILBOX_NOT_FOUND', reason, fix)
    case 'rateLimited':
      return {
        result: 'retry',
        reasonCode: 'THROTTLED',
        reason: `${reason} (still throttled after ${DEFAULT_RETRY.maxAttempts} attempts)`,
        fix: FALLBACK_FIX.THROTTLED,
        retryAfterMs: askedWaitMs(failure) ?? DEFAULT_RETRY_AFTER_MS,
      }
    case 'transient':
    case 'cursorExpired':
    case 'conflict':
    case 'fatal':
      return invalid('PROVIDER_UNREACHABLE', reason, fix)
  }
}

/**
 * The neutral failure kinds every provider's errors are mapped to (src/lib/providers/<id>/errors.ts).
 * The sync engine decides on these alone: retry after a delay, refresh a token once, re-read the window,
 * re-read and re-decide, skip an item, or stop a mailbox or a whole connection.
 */
import {ExitCode, HcalError} from '../errors.js'

interface FailureBase {
  /** The calendar system that answered (for messages; never branched on). */
  provider: string
  /** HTTP status, when there was one. */
  status?: number
  /** The provider's own error code: `syncStateNotFound`, `ErrorServerBusy`, `invalid_grant`, `AADSTS7000215`. */
  providerCode?: string
  /** The provider's own words. */
  message: string
}

/**
 * Credentials or the token were not accepted. `tokenRejected` is worth one token refresh; the others
 * stop the whole connection (no mailbox of it will do better).
 */
export type AuthReason = 'credentialsRejected' | 'tokenRejected' | 'clockSkew' | 'accountUnknown'

/**
 * Authenticated, but not allowed. Connection-wide: `delegationMissing`, `scopeMissing`, `consentMissing`,
 * `roleMissing`, `apiDisabled`. Per mailbox: `outOfMailboxScope`, `impersonationDenied`, `denied`.
 */
export type PermissionReason =
  | 'delegationMissing'
  | 'scopeMissing'
  | 'consentMissing'
  | 'roleMissing'
  | 'apiDisabled'
  | 'outOfMailboxScope'
  | 'impersonationDenied'
  | 'denied'

export type ProviderFailureInfo = FailureBase &
  (
    | {kind: 'auth'; reason: AuthReason}
    | {kind: 'permission'; reason: PermissionReason}
    /** Over a limit; wait `retryAfterMs` when the provider said how long (Retry-After, BackOffMilliseconds). */
    | {kind: 'rateLimited'; retryAfterMs: number | undefined}
    /** Worth retrying with backoff: 5xx, a reset connection, a timeout. */
    | {kind: 'transient'; retryAfterMs: number | undefined}
    /** The change-feed cursor is gone (410 fullSyncRequired / syncStateNotFound, ErrorInvalidSyncStateData): read the window again. */
    | {kind: 'cursorExpired'}
    /** The mailbox or the item does not exist (any more). */
    | {kind: 'notFound'; target: 'mailbox' | 'item'}
    /** The concurrency token is stale (412, ErrorIrresolvableConflict): re-read and decide again. */
    | {kind: 'conflict'}
    /** Nothing a retry would change: a bad request, an unknown answer. */
    | {kind: 'fatal'}
  )

export type ProviderFailureKind = ProviderFailureInfo['kind']

const CONNECTION_WIDE_PERMISSIONS: ReadonlySet<PermissionReason> = new Set([
  'delegationMissing',
  'scopeMissing',
  'consentMissing',
  'roleMissing',
  'apiDisabled',
])

/** True when waiting and trying again may succeed. */
export function isRetryable(failure: ProviderFailureInfo): boolean {
  return failure.kind === 'rateLimited' || failure.kind === 'transient'
}

/** How long the provider asked us to wait, when it said. */
export function retryAfterMs(failure: ProviderFailureInfo): number | undefined {
  return failure.kind === 'rateLimited' || failure.kind === 'transient' ? failure.retryAfterMs : undefined
}

/** True when no other mailbox of the same connection can succeed either: stop the connection, exit 4. */
export function failsConnection(failure: ProviderFailureInfo): boolean {
  if (failure.kind === 'auth') return failure.reason !== 'tokenRejected'
  return failure.kind === 'permission' && CONNECTION_WIDE_PERMISSIONS.has(failure.reason)
}

function screamingSnake(value: string): string {
  return value.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()
}

/** A stable code for a failure: provider, then the most specific part (GOOGLE_DELEGATION_MISSING, EXCHANGE_RATE_LIMITED). */
export function failureCode(failure: ProviderFailureInfo): string {
  const detail =
    failure.kind === 'auth' || failure.kind === 'permission'
      ? failure.reason
      : failure.kind === 'notFound'
        ? `${failure.target}NotFound`
        : failure.kind
  return `${screamingSnake(failure.provider)}_${screamingSnake(detail)}`
}

export interface ProviderFailureOptions {
  cause?: unknown
  /** Overrides the derived code (see failureCode). */
  code?: string
  /** Overrides the provider's message with one that says what happened and why. */
  message?: string
  suggestions?: string[]
}

/**
 * The one error adapters throw. It is an HcalError (a code, a message, fixes, exit 4 for auth and
 * permission) so that a failure reaching the CLI is reported properly, and it carries the neutral failure
 * the engine acts on.
 */
export class ProviderFailure extends HcalError {
  readonly failure: ProviderFailureInfo

  constructor(failure: ProviderFailureInfo, options: ProviderFailureOptions = {}) {
    const auth = failure.kind === 'auth' || failure.kind === 'permission'
    super(options.code ?? failureCode(failure), options.message ?? failure.message, {
      cause: options.cause,
      exitCode: auth ? ExitCode.auth : ExitCode.failed,
      suggestions: options.suggestions,
      data: {failure},
    })
    this.failure = failure
  }
}

export function isProviderFailure(error: unknown): error is ProviderFailure {
  return error instanceof ProviderFailure
}

/**
 * Reads what Google said (token endpoint `{error, error_description}` or the API envelope
 * `{error: {code, errors: [{reason}]}}`, as the SDKs surface them in a GaxiosError) and turns it into a
 * classification the sync engine can act on. error-report.ts turns it into what the admin must fix.
 */
import type {ProviderFailureInfo} from '../../ports/failures.js'
import {isTransientNetworkError} from '../network-errors.js'
import {headerValue, parseRetryAfter} from '../retry-after.js'

export type GoogleErrorKind =
  | 'delegationMissing'
  | 'keyRejected'
  | 'keyRevoked'
  | 'serviceOff'
  | 'clockSkew'
  | 'unknownUser'
  | 'invalidScope'
  | 'unauthenticated'
  | 'insufficientScope'
  | 'notFound'
  | 'deleted'
  | 'conflict'
  | 'fullSyncRequired'
  | 'rateLimited'
  | 'transient'
  | 'apiDisabled'
  | 'forbidden'
  | 'badRequest'
  | 'unknown'

export interface GoogleErrorInfo {
  kind: GoogleErrorKind
  /** HTTP status, when Google answered. */
  status?: number
  /** OAuth `error` or the API's first `errors[].reason`. */
  reason?: string
  /** Google's own description. */
  detail: string
  /** Worth retrying with backoff (rate limits, 5xx, network). */
  retryable: boolean
}

interface ResponseLike {
  status?: number
  data?: unknown
  headers?: unknown
}

function tokenErrorKind(error: string, description: string): GoogleErrorKind {
  if (error === 'unauthorized_client') return 'delegationMissing'
  if (error === 'invalid_scope') return 'invalidScope'
  if (error === 'disabled_client') return 'keyRevoked'
  if (error === 'invalid_grant') {
    if (/Invalid email or User ID|Not a valid email/i.test(description)) return 'unknownUser'
    if (/short-lived|timeframe|iat|exp/i.test(description)) return 'clockSkew'
    // Google's words for a key that was deleted, disabled or expired (or is not this account's).
    if (/Invalid JWT Signature/i.test(description)) return 'keyRevoked'
    return 'keyRejected'
  }
  return 'unknown'
}

function apiErrorKind(status: number, reason: string | undefined, message: string): GoogleErrorKind {
  if (reason === 'fullSyncRequired' || reason === 'updatedMinTooLongAgo') return 'fullSyncRequired'
  if (reason === 'rateLimitExceeded' || reason === 'userRateLimitExceeded' || status === 429) return 'rateLimited'
  if (reason === 'insufficientPermissions') return 'insufficientScope'
  if (reason === 'accessNotConfigured' || reason === 'SERVICE_DISABLED') return 'apiDisabled'
  // Calendar or Gmail is turned off for the user's organisational unit.
  if (reason === 'notACalendarUser' || /Mail service not enabled/i.test(message)) return 'serviceOff'
  if (status === 401) return 'unauthenticated'
  if (status === 403) return 'forbidden'
  if (status === 404) return 'notFound'
  if (status === 410) return 'deleted'
  if (status === 412 || status === 409) return 'conflict'
  if (status >= 500) return 'transient'
  if (status === 400) return 'badRequest'
  return 'unknown'
}

export function describeGoogleError(error: unknown): GoogleErrorInfo {
  const response = (error as {response?: ResponseLike} | null)?.response
  const message = error instanceof Error ? error.message : String(error)
  if (!response?.status) {
    const transient = isTransientNetworkError(error)
    return {kind: transient ? 'transient' : 'unknown', detail: message, retryable: transient}
  }
  const status = response.status
  const data = (response.data ?? {}) as Record<string, unknown>
  if (typeof data.error === 'string') {
    const description = typeof data.error_description === 'string' ? data.error_description : ''
    return {
      kind: tokenErrorKind(data.error, description),
      status,
      reason: data.error,
      detail: description,
      retryable: false,
    }
  }
  const body = (data.error ?? {}) as {message?: unknown; errors?: {reason?: unknown}[]}
  const reason = typeof body.errors?.[0]?.reason === 'string' ? body.errors[0].reason : undefined
  const detail = typeof body.message === 'string' ? body.message : message
  const kind = apiErrorKind(status, reason, detail)
  return {
    kind,
    status,
    ...(reason ? {reason} : {}),
    detail,
    retryable: kind === 'rateLimited' || kind === 'transient',
  }
}

/** The neutral failure (src/lib/ports/failures.ts) a Google error amounts to, for the sync engine. */
export function classifyGoogleError(error: unknown): ProviderFailureInfo {
  const info = describeGoogleError(error)
  const base = {
    provider: 'google',
    message: info.detail,
    ...(info.status === undefined ? {} : {status: info.status}),
    ...(info.reason === undefined ? {} : {providerCode: info.reason}),
  }
  const retryAfterMs = () =>
    parseRetryAfter(headerValue((error as {response?: ResponseLike} | null)?.response?.headers, 'retry-after'))
  switch (info.kind) {
    case 'delegationMissing':
      return {...base, kind: 'permission', reason: 'delegationMissing'}
    case 'invalidScope':
    case 'insufficientScope':
      return {...base, kind: 'permission', reason: 'scopeMissing'}
    case 'apiDisabled':
      return {...base, kind: 'permission', reason: 'apiDisabled'}
    case 'forbidden':
      return {...base, kind: 'permission', reason: 'denied'}
    case 'keyRejected':
    case 'keyRevoked':
      return {...base, kind: 'auth', reason: 'credentialsRejected'}
    case 'serviceOff':
      return {...base, kind: 'permission', reason: 'denied'}
    case 'clockSkew':
      return {...base, kind: 'auth', reason: 'clockSkew'}
    case 'unauthenticated':
      return {...base, kind: 'auth', reason: 'tokenRejected'}
    case 'unknownUser':
      return {...base, kind: 'notFound', target: 'mailbox'}
    case 'notFound':
    case 'deleted':
      return {...base, kind: 'notFound', target: 'item'}
    case 'conflict':
      return {...base, kind: 'conflict'}
    case 'fullSyncRequired':
      return {...base, kind: 'cursorExpired'}
    case 'rateLimited':
      return {...base, kind: 'rateLimited', retryAfterMs: retryAfterMs()}
    case 'transient':
      return {...base, kind: 'transient', retryAfterMs: retryAfterMs()}
    case 'badRequest':
    case 'unknown':
      return {...base, kind: 'fatal'}
  }
}

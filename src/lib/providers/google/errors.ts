/**
 * Reads what Google said (token endpoint `{error, error_description}` or the API envelope
 * `{error: {code, errors: [{reason}]}}`, as the SDKs surface them in a GaxiosError) and turns it into a
 * classification the sync engine can act on, or an HcalError that tells the admin what to fix.
 */
import {AuthError, type HcalError, ProviderError} from '../../errors.js'
import {ProviderFailure, type ProviderFailureInfo} from '../../ports/failures.js'
import {isTransientNetworkError} from '../network-errors.js'
import {headerValue, parseRetryAfter} from '../retry-after.js'

export type GoogleErrorKind =
  | 'delegationMissing'
  | 'keyRejected'
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
  if (error === 'invalid_grant') {
    if (/Invalid email or User ID/i.test(description)) return 'unknownUser'
    if (/short-lived|timeframe|iat|exp/i.test(description)) return 'clockSkew'
    return 'keyRejected'
  }
  return 'unknown'
}

function apiErrorKind(status: number, reason: string | undefined): GoogleErrorKind {
  if (reason === 'fullSyncRequired' || reason === 'updatedMinTooLongAgo') return 'fullSyncRequired'
  if (reason === 'rateLimitExceeded' || reason === 'userRateLimitExceeded' || status === 429) return 'rateLimited'
  if (reason === 'insufficientPermissions') return 'insufficientScope'
  if (reason === 'accessNotConfigured' || reason === 'SERVICE_DISABLED') return 'apiDisabled'
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
  const kind = apiErrorKind(status, reason)
  return {
    kind,
    status,
    ...(reason ? {reason} : {}),
    detail: typeof body.message === 'string' ? body.message : message,
    retryable: kind === 'rateLimited' || kind === 'transient',
  }
}

export interface GoogleErrorContext {
  /** The impersonated user. */
  subject?: string
  /** The service account's numeric client ID (for the delegation fix). */
  clientId?: string
  scopes?: string[]
}

const DELEGATION_PAGE = 'Admin console > Security > Access and data control > API controls > Domain-wide delegation'

/** The error an hcal command reports, with the cause and the fix. */
export function googleErrorToHcal(error: unknown, context: GoogleErrorContext = {}): HcalError {
  const info = describeGoogleError(error)
  const who = context.subject ?? 'the user'
  const scopes = (context.scopes ?? []).join(',')
  const options = {cause: error, data: {kind: info.kind, status: info.status, reason: info.reason}}
  switch (info.kind) {
    case 'delegationMissing':
      return new AuthError(
        'GOOGLE_DELEGATION_MISSING',
        `Google refused a token for ${who}: the service account is not authorised for these scopes (domain-wide delegation).`,
        {
          ...options,
          suggestions: [
            `In the ${DELEGATION_PAGE}, add client ID ${context.clientId ?? '<client ID>'} with the scopes ${scopes || '<scopes>'}.`,
            'Changes there can take a few minutes (sometimes hours) to apply.',
          ],
        },
      )
    case 'keyRejected':
      return new AuthError('GOOGLE_KEY_REJECTED', `Google rejected the service account key: ${info.detail}`, {
        ...options,
        suggestions: [
          'Check that the service account still exists and the key was not deleted or disabled.',
          'Create a new JSON key and store it again with `hcal provision google`.',
        ],
      })
    case 'clockSkew':
      return new AuthError('GOOGLE_CLOCK_SKEW', 'Google refused the token request because of the time in it.', {
        ...options,
        suggestions: ["Synchronise this machine's clock (NTP) and retry."],
      })
    case 'unknownUser':
      return new AuthError('GOOGLE_USER_UNKNOWN', `Google does not know the user ${who}.`, {
        ...options,
        suggestions: ['Use the primary address of an existing user in the Workspace domain (not an alias or a group).'],
      })
    case 'invalidScope':
      return new AuthError('GOOGLE_SCOPE_INVALID', `Google refused the requested scopes: ${info.detail}`, {
        ...options,
        suggestions: ['Request only the scopes hcal documents (calendar, gmail.settings.basic).'],
      })
    case 'insufficientScope':
      return new AuthError('GOOGLE_SCOPE_INSUFFICIENT', `The token for ${who} lacks a scope this call needs.`, {
        ...options,
        suggestions: [
          `Authorise the missing scope for client ID ${context.clientId ?? '<client ID>'} in the ${DELEGATION_PAGE}.`,
        ],
      })
    case 'unauthenticated':
      return new AuthError('GOOGLE_UNAUTHENTICATED', 'Google did not accept the access token.', {
        ...options,
        suggestions: ['Retry; if it persists, check the service account key with `hcal provision google --test-user`.'],
      })
    case 'apiDisabled':
      return new AuthError('GOOGLE_API_DISABLED', `Google refused the call: the API is not enabled for the project.`, {
        ...options,
        suggestions: [
          "Enable the Google Calendar API and the Gmail API for the service account's project (Cloud console > APIs & Services > Library).",
        ],
      })
    case 'rateLimited':
      return new ProviderError(
        'google',
        'GOOGLE_RATE_LIMITED',
        `Google rate-limited the request (${info.reason ?? info.status}).`,
        {
          ...options,
          status: info.status,
          suggestions: [
            'Retry later with exponential backoff.',
            'Charge quota per user (quotaUser) instead of to the service account, and spread periodic syncs.',
          ],
        },
      )
    default:
      return new ProviderError('google', `GOOGLE_${screamingSnake(info.kind)}`, `Google answered: ${info.detail}`, {
        ...options,
        status: info.status,
      })
  }
}

function screamingSnake(kind: string): string {
  return kind.replace(/([A-Z])/g, '_$1').toUpperCase()
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
      return {...base, kind: 'auth', reason: 'credentialsRejected'}
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

/** The error a Google adapter throws: the neutral failure, with the code, message and fix of googleErrorToHcal. */
export function googleFailure(error: unknown, context: GoogleErrorContext = {}): ProviderFailure {
  const reported = googleErrorToHcal(error, context)
  return new ProviderFailure(classifyGoogleError(error), {
    cause: error,
    code: reported.code,
    message: reported.message,
    suggestions: reported.suggestions,
  })
}

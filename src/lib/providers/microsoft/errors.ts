/**
 * Reads what Microsoft said and maps it to the neutral failure kinds (src/lib/ports/failures.ts). Two SDKs
 * raise the errors:
 * - msal-node (token requests): an AuthError subclass with `errorCode` (`invalid_client`), `errorNo`
 *   (the AADSTS number) and `status`;
 * - the Graph client: a GraphError with `statusCode`, Graph's `code` (`syncStateNotFound`) and the response
 *   `headers`. When the token request inside a Graph call fails, the Graph client wraps MSAL's error into a
 *   GraphError with statusCode -1, its name as `code` and its text as `message`; that is read too.
 * Light on purpose: no SDK import, only the shapes.
 */
import {ProviderFailure, type ProviderFailureInfo} from '../../ports/failures.js'
import {isTransientNetworkError} from '../network-errors.js'
import {headerValue, parseRetryAfter} from '../retry-after.js'

interface GraphErrorLike {
  statusCode: number
  code: string | null
  message: string
  headers?: unknown
}

interface MsalErrorLike {
  errorCode: string
  errorMessage?: string
  errorNo?: string | number
  status?: number
  message: string
}

const MSAL_ERROR_NAMES = new Set([
  'AuthError',
  'ServerError',
  'ClientAuthError',
  'ClientConfigurationError',
  'InteractionRequiredAuthError',
])

function isGraphError(error: unknown): error is GraphErrorLike {
  return typeof (error as GraphErrorLike | null)?.statusCode === 'number' && 'code' in (error as object)
}

function isMsalError(error: unknown): error is MsalErrorLike {
  return typeof (error as MsalErrorLike | null)?.errorCode === 'string'
}

/** AADSTS numbers that mean: the app's credential (secret, certificate, assertion) was not accepted. */
const CREDENTIAL_REJECTED = new Set([7000215, 7000222, 7000218, 700027, 50027, 700023, 700021])

function aadstsNumber(error: {errorNo?: string | number; message: string}): number | undefined {
  const number = Number(error.errorNo ?? /AADSTS(\d+)/.exec(error.message)?.[1])
  return Number.isFinite(number) && number > 0 ? number : undefined
}

/** Token endpoint answers (msal-node), by MSAL error code and AADSTS number. */
function classifyTokenError(error: {errorCode: string; errorNo?: string | number; message: string; status?: number}) {
  const aadsts = aadstsNumber(error)
  const base = {
    provider: 'microsoft',
    message: error.message,
    providerCode: aadsts ? `AADSTS${aadsts}` : error.errorCode,
    ...(error.status ? {status: error.status} : {}),
  }
  if (aadsts === 7000229 || aadsts === 65001 || error.errorCode === 'consent_required') {
    return {...base, kind: 'permission', reason: 'consentMissing'} as const
  }
  if (aadsts === 700024) return {...base, kind: 'auth', reason: 'clockSkew'} as const
  if (aadsts === 700016 || aadsts === 90002 || aadsts === 90023) {
    return {...base, kind: 'auth', reason: 'accountUnknown'} as const
  }
  if ((aadsts && CREDENTIAL_REJECTED.has(aadsts)) || error.errorCode === 'invalid_client') {
    return {...base, kind: 'auth', reason: 'credentialsRejected'} as const
  }
  // Discovery or the token POST never got an answer (MSAL reports both as these codes).
  if (['network_error', 'endpoints_resolution_error', 'openid_config_error'].includes(error.errorCode)) {
    return {...base, kind: 'transient', retryAfterMs: undefined} as const
  }
  if (error.status !== undefined && (error.status === 429 || error.status >= 500)) {
    return {...base, kind: error.status === 429 ? 'rateLimited' : 'transient', retryAfterMs: undefined} as const
  }
  return {...base, kind: 'fatal'} as const
}

/** Least wait after a throttling answer, and the spread added to every wait. */
export const THROTTLE_FLOOR_MS = 1500
export const THROTTLE_JITTER_MS = 1000

/**
 * The wait a Retry-After asks for, at least THROTTLE_FLOOR_MS, plus up to THROTTLE_JITTER_MS at random: Graph
 * was seen answering `Retry-After: 1` to every 429 (msgraph-sdk-javascript #297), and clients all retrying
 * after exactly that second meet the limit again together.
 */
export function throttleDelay(retryAfterMs: number, random: () => number = Math.random): number {
  return Math.max(retryAfterMs, THROTTLE_FLOOR_MS) + Math.floor(random() * THROTTLE_JITTER_MS)
}

/** Graph codes (with 410) that mean the delta token is gone: start a new round. */
const CURSOR_EXPIRED = new Set(['syncStateNotFound', 'resyncRequired', 'syncStateInvalid'])
const MAILBOX_NOT_FOUND = new Set(['ErrorInvalidUser', 'MailboxNotEnabledForRESTAPI', 'ErrorNonExistentMailbox'])

function classifyGraphAnswer(error: GraphErrorLike): ProviderFailureInfo {
  const status = error.statusCode
  const code = error.code ?? undefined
  const base = {provider: 'microsoft', message: error.message, status, ...(code ? {providerCode: code} : {})}
  const retryAfter = parseRetryAfter(headerValue(error.headers, 'retry-after'))
  const retryAfterMs = retryAfter === undefined ? undefined : throttleDelay(retryAfter)
  // A 503 that says how long to wait is Outlook shedding load, as a 429 is.
  if (status === 429 || (status === 503 && retryAfterMs !== undefined)) {
    return {...base, kind: 'rateLimited', retryAfterMs}
  }
  if (status >= 500) return {...base, kind: 'transient', retryAfterMs}
  if (status === 410 && code && CURSOR_EXPIRED.has(code)) return {...base, kind: 'cursorExpired'}
  if (status === 401) {
    return code === 'NoPermissionsInAccessToken'
      ? {...base, kind: 'permission', reason: 'roleMissing'}
      : {...base, kind: 'auth', reason: 'tokenRejected'}
  }
  if (status === 403) {
    // An application access policy words its refusal "[RAOP]"; an RBAC scope and a missing role both say
    // "Access is denied".
    return /\[RAOP\]/.test(error.message)
      ? {...base, kind: 'permission', reason: 'outOfMailboxScope'}
      : {...base, kind: 'permission', reason: 'denied'}
  }
  if (status === 404 || status === 410) {
    return {...base, kind: 'notFound', target: code && MAILBOX_NOT_FOUND.has(code) ? 'mailbox' : 'item'}
  }
  if (status === 409 || status === 412) return {...base, kind: 'conflict'}
  return {...base, kind: 'fatal'}
}

/** The neutral failure a Microsoft error amounts to, for the sync engine. */
export function classifyMicrosoftError(error: unknown): ProviderFailureInfo {
  if (isMsalError(error)) return classifyTokenError(error)
  if (isGraphError(error)) {
    if (error.statusCode > 0) return classifyGraphAnswer(error)
    // statusCode -1: no HTTP answer. Either the token request failed (MSAL's error, wrapped) or the network did.
    if (error.code && MSAL_ERROR_NAMES.has(error.code)) {
      const errorCode = /^([a-z_]+):/.exec(error.message)?.[1] ?? error.code
      return classifyTokenError({errorCode, message: error.message})
    }
  }
  const message = error instanceof Error ? error.message : String(error)
  if (isTransientNetworkError(error) || /fetch failed/i.test(message)) {
    return {provider: 'microsoft', message, kind: 'transient', retryAfterMs: undefined}
  }
  return {provider: 'microsoft', message, kind: 'fatal'}
}

const PERMISSIONS_PAGE = 'Entra admin center > App registrations > (the app) > API permissions'

/** What to do about a failure, where the admin can do something. */
function fixFor(failure: ProviderFailureInfo): string[] {
  switch (failure.kind) {
    case 'auth':
      if (failure.reason === 'clockSkew') return ["Synchronise this machine's clock (NTP) and retry."]
      if (failure.reason === 'accountUnknown')
        return ['Check microsoft.tenantId and microsoft.clientId in the profile ("hcal profile show").']
      if (failure.reason === 'credentialsRejected')
        return [
          'Store the current client secret value or certificate key ("hcal secrets set microsoft.clientSecret" or microsoft.certificateKey).',
        ]
      return ['Retry; the access token will be renewed.']
    case 'permission':
      if (failure.reason === 'consentMissing')
        return ['Grant admin consent for the app in the tenant (Entra admin center > Enterprise applications).']
      if (failure.reason === 'roleMissing' || failure.reason === 'denied')
        return [
          `Add the application permissions Calendars.ReadWrite and MailboxSettings.ReadWrite in the ${PERMISSIONS_PAGE} and grant admin consent; if the mailbox is outside an RBAC management scope, widen the scope.`,
        ]
      if (failure.reason === 'outOfMailboxScope')
        return ['Add the mailbox to the group of the application access policy, or remove the mailbox from hcal.']
      return []
    case 'notFound':
      return failure.target === 'mailbox' ? ['Check the address: the tenant has no such mailbox.'] : []
    case 'rateLimited':
    case 'transient':
    case 'cursorExpired':
    case 'conflict':
    case 'fatal':
      return []
  }
}

/** The error a Microsoft adapter throws: the neutral failure with a code (MICROSOFT_ROLE_MISSING...) and a fix. */
export function microsoftFailure(error: unknown): ProviderFailure {
  const failure = classifyMicrosoftError(error)
  return new ProviderFailure(failure, {cause: error, suggestions: fixFor(failure)})
}

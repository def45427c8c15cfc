/**
 * Reads what Exchange said and maps it to the neutral failure kinds (src/lib/ports/failures.ts).
 * ews-javascript-api rejects with one of two shapes (neither is an Error):
 * - SoapFaultDetails: a SOAP fault (HTTP 500: `ResponseCode`, `FaultCode` "a:ErrorServerBusy",
 *   `ErrorDetails` with BackOffMilliseconds) or an HTTP error (`HttpStatusCode` 401, 429, 503, with
 *   ResponseCode left at ErrorInternalServerError), or a network failure (no status, Node's message);
 * - ServiceResponseException: an error response message (`ErrorCode`: ErrorItemNotFound,
 *   ErrorInvalidSyncStateData, ErrorIrresolvableConflict...).
 * Codes are compared by name through the SDK's ServiceError enum.
 */
import {ServiceError} from 'ews-javascript-api'

import {ProviderFailure, type ProviderFailureInfo} from '../../ports/failures.js'
import {isTransientNetworkError} from '../network-errors.js'
import {parseRetryAfter} from '../retry-after.js'

/** Where createExchangeService keeps the Retry-After header of an HTTP error (the SDK drops headers). */
export const RETRY_AFTER = Symbol('hcal.retryAfter')

interface EwsErrorLike {
  message?: string
  HttpStatusCode?: number
  ResponseCode?: number
  ErrorCode?: number
  FaultCode?: string | null
  ErrorDetails?: {get?(key: string): unknown}
  [RETRY_AFTER]?: string
}

/** BackOffMilliseconds of an ErrorServerBusy fault as ews-javascript-api reports it (SoapFaultDetails.ErrorDetails). */
export function backOffMilliseconds(error: unknown): number | undefined {
  const details = (error as EwsErrorLike | undefined)?.ErrorDetails
  const value = Number(details?.get?.('BackOffMilliseconds'))
  return Number.isFinite(value) && value >= 0 ? value : undefined
}

/** The EWS response code by name, from whichever shape carried it; undefined for a bare HTTP or network error. */
export function ewsResponseCode(error: unknown): string | undefined {
  const e = (error ?? {}) as EwsErrorLike
  const fault = e.FaultCode ? /(?:^|:)(Error\w+)$/.exec(e.FaultCode)?.[1] : undefined
  if (fault) return fault
  for (const code of [e.ErrorCode, e.ResponseCode]) {
    if (typeof code !== 'number') continue
    const name = ServiceError[code]
    if (name && name !== 'NoError' && name !== 'ErrorInternalServerError') return name
  }
  return undefined
}

const TRANSIENT_CODES = new Set([
  'ErrorInternalServerTransientError',
  'ErrorMailboxStoreUnavailable',
  'ErrorMailboxMoveInProgress',
  'ErrorTimeoutExpired',
  'ErrorConnectionFailed',
])
const RATE_LIMITED_CODES = new Set(['ErrorServerBusy', 'ErrorTooManyObjectsOpened', 'ErrorExceededConnectionCount'])
// Exchange answers ErrorFolderNotFound for a calendar the account may not see, hiding whether it exists.
const MAILBOX_NOT_FOUND_CODES = new Set(['ErrorNonExistentMailbox', 'ErrorMailboxNotFound', 'ErrorFolderNotFound'])

function classifyResponseCode(code: string, base: ExchangeBase, error: unknown): ProviderFailureInfo | undefined {
  if (RATE_LIMITED_CODES.has(code)) return {...base, kind: 'rateLimited', retryAfterMs: backOffMilliseconds(error)}
  if (TRANSIENT_CODES.has(code)) return {...base, kind: 'transient', retryAfterMs: backOffMilliseconds(error)}
  switch (code) {
    case 'ErrorInvalidSyncStateData':
      return {...base, kind: 'cursorExpired'}
    case 'ErrorIrresolvableConflict':
      return {...base, kind: 'conflict'}
    case 'ErrorItemNotFound':
      return {...base, kind: 'notFound', target: 'item'}
    case 'ErrorImpersonateUserDenied':
    case 'ErrorImpersonationFailed':
      return {...base, kind: 'permission', reason: 'impersonationDenied'}
    case 'ErrorAccessDenied':
      return {...base, kind: 'permission', reason: 'denied'}
    default:
      return MAILBOX_NOT_FOUND_CODES.has(code) ? {...base, kind: 'notFound', target: 'mailbox'} : undefined
  }
}

interface ExchangeBase {
  provider: string
  message: string
  status?: number
  providerCode?: string
}

function classifyHttpStatus(status: number, base: ExchangeBase, retryAfterMs: number | undefined): ProviderFailureInfo {
  if (status === 401) return {...base, kind: 'auth', reason: 'credentialsRejected'}
  if (status === 403) return {...base, kind: 'permission', reason: 'denied'}
  if (status === 429) return {...base, kind: 'rateLimited', retryAfterMs}
  if (status >= 500) return {...base, kind: 'transient', retryAfterMs}
  return {...base, kind: 'fatal'}
}

/** The neutral failure an EWS error amounts to, for the sync engine. */
export function classifyExchangeError(error: unknown): ProviderFailureInfo {
  const e = (error ?? {}) as EwsErrorLike
  const code = ewsResponseCode(error)
  const status = typeof e.HttpStatusCode === 'number' && e.HttpStatusCode > 0 ? e.HttpStatusCode : undefined
  const base: ExchangeBase = {
    provider: 'exchange',
    message: String(e.message ?? error),
    ...(status === undefined ? {} : {status}),
    ...(code ? {providerCode: code} : {}),
  }
  const byCode = code ? classifyResponseCode(code, base, error) : undefined
  if (byCode) return byCode
  if (status !== undefined && status !== 200 && !(status === 500 && code)) {
    return classifyHttpStatus(status, base, parseRetryAfter(e[RETRY_AFTER]))
  }
  if (status === undefined && isTransientNetworkError(error))
    return {...base, kind: 'transient', retryAfterMs: undefined}
  return {...base, kind: 'fatal'}
}

/** What to do about a failure, where the admin can do something. */
function fixFor(failure: ProviderFailureInfo, context: {account?: string}): string[] {
  if (failure.kind === 'permission' && failure.reason === 'impersonationDenied') {
    const account = context.account ?? '<service account>'
    return [
      `Give the service account the ApplicationImpersonation role (Exchange Management Shell): New-ManagementRoleAssignment -Name "hcal-impersonation" -Role ApplicationImpersonation -User "${account}"; with a management scope, add -CustomRecipientWriteScope <scope> and include this mailbox in it.`,
    ]
  }
  if (failure.kind === 'auth') {
    return [
      'Check the service account name (exchange.username) and its password ("hcal secrets set exchange.password"), and whether the server expects Basic or NTLM (exchange.auth).',
    ]
  }
  return []
}

/** The error an Exchange adapter throws: the neutral failure with a code (EXCHANGE_IMPERSONATION_DENIED...) and a fix. */
export function exchangeFailure(error: unknown, context: {account?: string} = {}): ProviderFailure {
  const failure = classifyExchangeError(error)
  return new ProviderFailure(failure, {cause: error, suggestions: fixFor(failure, context)})
}

/**
 * The failure for an EWS response code hcal read off the wire itself (the streaming connection), mapped as
 * the SDK's errors are: the same code gives the same kind, code and fix.
 */
export function ewsCodeFailure(
  code: string,
  message: string,
  details: {status?: number; backOffMs?: number; account?: string} = {},
): ProviderFailure {
  const backOff = details.backOffMs === undefined ? [] : [['BackOffMilliseconds', String(details.backOffMs)]]
  const error: EwsErrorLike = {
    FaultCode: code,
    message,
    ErrorDetails: new Map(backOff as [string, string][]),
    ...(details.status === undefined ? {} : {HttpStatusCode: details.status}),
  }
  return exchangeFailure(error, {account: details.account})
}

/**
 * The production EWS client: an ews-javascript-api ExchangeService for the impersonation service account
 * (Basic or NTLM, a trusted CA, ExchangeImpersonation + X-AnchorMailbox), and POX Autodiscover.
 */
import type {Agent} from 'node:https'

import {
  ConnectingIdType,
  ExchangeService,
  ExchangeVersion,
  ImpersonatedUserId,
  Uri,
  WebCredentials,
} from 'ews-javascript-api'
import {XMLParser} from 'fast-xml-parser'

import {AuthError, ConfigError, ProviderError} from '../../errors.js'
import {assertCaPem} from '../ca.js'
import {RETRY_AFTER} from './errors.js'
import {TrustedXhrApi} from './xhr.js'

export {backOffMilliseconds} from './errors.js'

export type ExchangeAuth = 'basic' | 'ntlm'
export type ExchangeVersionName = 'Exchange2010_SP2' | 'Exchange2013' | 'Exchange2013_SP1' | 'Exchange2016'

export interface ExchangeServiceOptions {
  ewsUrl: string
  /** `DOMAIN\user` or a UPN. */
  username: string
  password: string
  auth: ExchangeAuth
  /** PEM of the CA that issued the server certificate (on-prem Exchange often has a private CA). */
  caPem?: string
  /** SMTP address of the mailbox to act as (ApplicationImpersonation). */
  impersonate?: string
  version?: ExchangeVersionName
  /** Accept an http EWS URL (credentials in clear text on the wire): only when the admin asked for it. */
  allowInsecureHttp?: boolean
  /** Shared by the services of one adapter (one per mailbox and call), so they reuse connections. */
  httpsAgent?: Agent
}

const VERSIONS: Record<ExchangeVersionName, ExchangeVersion> = {
  Exchange2010_SP2: ExchangeVersion.Exchange2010_SP2,
  Exchange2013: ExchangeVersion.Exchange2013,
  Exchange2013_SP1: ExchangeVersion.Exchange2013_SP1,
  Exchange2016: ExchangeVersion.Exchange2016,
}

function xhrApi(
  options: Pick<ExchangeServiceOptions, 'auth' | 'username' | 'password' | 'caPem' | 'httpsAgent'>,
): TrustedXhrApi {
  return new TrustedXhrApi({
    caPem: options.caPem,
    ...(options.httpsAgent ? {httpsAgent: options.httpsAgent} : {}),
    ...(options.auth === 'ntlm' ? {ntlm: {username: options.username, password: options.password}} : {}),
  })
}

/**
 * Input the admin can fix fails here as a coded HcalError naming the setting or secret, not later in the SDK
 * (also for the streaming connection, which the SDK does not make).
 */
export function assertUsable(
  options: Pick<ExchangeServiceOptions, 'ewsUrl' | 'username' | 'password' | 'caPem' | 'allowInsecureHttp'>,
): void {
  let url: URL | undefined
  try {
    url = new URL(options.ewsUrl)
  } catch {
    url = undefined
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new ConfigError('EXCHANGE_URL_INVALID', 'The EWS URL is not an absolute https URL.', {
      suggestions: ['Set exchange.ewsUrl in the profile to https://<server>/EWS/Exchange.asmx.'],
    })
  }
  if (url.protocol === 'http:' && !options.allowInsecureHttp) {
    throw new ConfigError(
      'EXCHANGE_URL_INSECURE',
      'The EWS URL is http: the password would cross the network in clear.',
      {
        suggestions: ['Use the https URL of the EWS endpoint (with caFile in the profile for a private CA).'],
      },
    )
  }
  if (options.username.trim() === '' || options.password === '') {
    throw new AuthError('EXCHANGE_CREDENTIALS_MISSING', 'The Exchange service account name or password is empty.', {
      suggestions: [
        'Set exchange.username in the profile and store the password with "hcal secrets set exchange.password".',
      ],
    })
  }
  if (options.caPem) assertCaPem(options.caPem)
}

interface HttpErrorHook {
  ProcessHttpErrorResponse(response: {getResponseHeader?(name: string): unknown}, fault: unknown): void
}

/**
 * ews-javascript-api turns a non-500 HTTP answer into a SoapFaultDetails without its headers; this keeps
 * Retry-After on it (see RETRY_AFTER) through the one hook the SDK calls with both.
 */
function keepRetryAfter(service: ExchangeService): void {
  const hooked = service as unknown as HttpErrorHook
  const original = hooked.ProcessHttpErrorResponse.bind(service)
  hooked.ProcessHttpErrorResponse = (response, fault) => {
    const value = response.getResponseHeader?.('retry-after')
    if (typeof value === 'string' && fault && typeof fault === 'object') {
      Object.assign(fault, {[RETRY_AFTER]: value})
    }
    original(response, fault)
  }
}

/**
 * One ExchangeService with its own XhrApi. Create a separate service for every streaming connection:
 * an XhrApi tracks a single stream.
 */
export function createExchangeService(options: ExchangeServiceOptions): ExchangeService {
  assertUsable(options)
  const service = new ExchangeService(VERSIONS[options.version ?? 'Exchange2013_SP1'])
  keepRetryAfter(service)
  // WebCredentials makes the Basic header; with NTLM the XhrApi's provider replaces it.
  service.Credentials = new WebCredentials(options.username, options.password)
  service.Url = new Uri(options.ewsUrl)
  service.XHRApi = xhrApi(options)
  if (options.impersonate) {
    service.ImpersonatedUserId = new ImpersonatedUserId(ConnectingIdType.SmtpAddress, options.impersonate)
    // Routes the request to the mailbox's server (and keeps streaming affinity) as Exchange recommends.
    service.HttpHeaders.Add('X-AnchorMailbox', options.impersonate)
  }
  return service
}

export interface DiscoverOptions {
  autodiscoverUrl: string
  email: string
  username: string
  password: string
  auth: ExchangeAuth
  caPem?: string
}

export interface DiscoveredEndpoint {
  ewsUrl: string
  displayName?: string
  /** The protocol section the URL came from (EXCH = internal, EXPR = external). */
  protocol: 'EXCH' | 'EXPR'
}

const POX_REQUEST_SCHEMA = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006'
const POX_RESPONSE_SCHEMA = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a'

const ENTITIES: Record<string, string> = {'<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;'}

function escapeXml(value: string): string {
  return value.replace(/[<>&"']/g, (c) => ENTITIES[c] ?? c)
}

interface PoxResponse {
  Autodiscover?: {
    Response?: {
      User?: {DisplayName?: string}
      Account?: {Protocol?: {Type?: string; EwsUrl?: string}[]}
      Error?: {ErrorCode?: string | number; Message?: string}
    }
  }
}

/** Finds the EWS URL for a mailbox with POX Autodiscover (same credentials and CA as EWS). */
export async function discoverEwsUrl(options: DiscoverOptions): Promise<DiscoveredEndpoint> {
  const body =
    `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="${POX_REQUEST_SCHEMA}"><Request>` +
    `<EMailAddress>${escapeXml(options.email)}</EMailAddress><AcceptableResponseSchema>${POX_RESPONSE_SCHEMA}</AcceptableResponseSchema>` +
    `</Request></Autodiscover>`
  const headers: Record<string, string> = {'Content-Type': 'text/xml; charset=utf-8'}
  if (options.auth === 'basic') {
    headers.Authorization = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`
  }
  let text: string
  try {
    const response = await xhrApi(options).xhr({type: 'POST', url: options.autodiscoverUrl, data: body, headers})
    text = String(response.responseText ?? response.response ?? '')
  } catch (error) {
    const status = (error as {status?: number}).status
    if (status === 401) {
      throw new AuthError('EXCHANGE_AUTH_FAILED', 'Autodiscover rejected the service account credentials (HTTP 401).', {
        cause: error,
        suggestions: [
          'Check the service account user name (DOMAIN\\user or UPN) and password.',
          'Check whether the server expects Basic or NTLM.',
        ],
      })
    }
    throw new ProviderError(
      'exchange',
      'EXCHANGE_AUTODISCOVER_FAILED',
      `Autodiscover request failed${status ? ` (HTTP ${status})` : ''}.`,
      {
        cause: error,
        status,
        suggestions: ['Check the Autodiscover URL and that the server certificate is issued by the configured CA.'],
      },
    )
  }
  const parsed = new XMLParser({removeNSPrefix: true, isArray: (name) => name === 'Protocol'}).parse(
    text,
  ) as PoxResponse
  const response = parsed.Autodiscover?.Response
  if (response?.Error) {
    throw new ProviderError(
      'exchange',
      'EXCHANGE_AUTODISCOVER_ERROR',
      `Autodiscover answered error ${String(response.Error.ErrorCode)}: ${response.Error.Message ?? ''}`,
      {
        suggestions: [`Check that ${options.email} has a mailbox on this Exchange organisation.`],
      },
    )
  }
  const protocols = response?.Account?.Protocol ?? []
  for (const type of ['EXPR', 'EXCH'] as const) {
    const found = protocols.find((p) => p.Type === type && p.EwsUrl)
    if (found?.EwsUrl) return {ewsUrl: found.EwsUrl, displayName: response?.User?.DisplayName, protocol: type}
  }
  throw new ProviderError('exchange', 'EXCHANGE_AUTODISCOVER_NO_EWS', 'Autodiscover answered without an EWS URL.', {
    suggestions: ['Set the EWS URL explicitly (…/EWS/Exchange.asmx).'],
  })
}

/**
 * ews-javascript-api writes property values into the SOAP body verbatim (gautamsi/ews-javascript-api#358,
 * #368): free text (Subject, Body, Location, extended property values) must be XML-escaped by the caller,
 * or Exchange drops the markup (an empty body) or fails the request on a bare `&`.
 */
export function ewsText(value: string): string {
  return escapeXml(value)
}

/**
 * Builds the Microsoft SDK clients hcal uses: an msal-node ConfidentialClientApplication (client
 * credentials with a secret or a certificate) and a Graph client whose requests carry its token.
 *
 * Pointing them at another origin (the sandbox, or a private endpoint):
 * - MSAL requires an https authority; a custom host goes into `knownAuthorities`, so MSAL reads the
 *   tenant's OpenID configuration from that host instead of asking login.microsoftonline.com about it.
 * - The Graph client attaches the token only to Graph hosts and `customHosts` (bare host names), so the
 *   custom host is listed there; an http baseUrl would silently send no token and is refused here.
 * A custom CA is trusted through an undici Agent used by these clients only (MSAL's `networkClient`,
 * Graph's `fetchOptions.dispatcher`); nothing global changes and TLS checks stay on.
 */
import {
  AuthError,
  ConfidentialClientApplication,
  type Configuration,
  type INetworkModule,
  type NetworkRequestOptions,
  type NetworkResponse,
} from '@azure/msal-node'
import {Client} from '@microsoft/microsoft-graph-client'
import {Agent, fetch} from 'undici'

import {ConfigError} from '../../errors.js'
import {assertCaPem, secureContextTrusting} from '../ca.js'
import {httpsEndpoint} from '../endpoint.js'
import {type MicrosoftCertificateCredential, resolveCertificateCredential} from './certificate.js'

export type {MicrosoftCertificateCredential} from './certificate.js'

export const MICROSOFT_AUTHORITY_ORIGIN = 'https://login.microsoftonline.com'
export const GRAPH_ORIGIN = 'https://graph.microsoft.com'
/** App-only Graph calls always ask for the resource's `.default` scope (the consented app roles). */
export const GRAPH_DEFAULT_SCOPE = 'https://graph.microsoft.com/.default'

export interface MicrosoftClientOptions {
  tenantId: string
  clientId: string
  /** Exactly one of clientSecret and certificate. */
  clientSecret?: string
  certificate?: MicrosoftCertificateCredential
  /** Replaces https://login.microsoftonline.com (sandbox, national clouds). Must be https. */
  authorityOrigin?: string
  /** Replaces https://graph.microsoft.com. Must be https. */
  graphOrigin?: string
  /**
   * The Graph resource tokens are asked for (`<resource>/.default`): the cloud's Graph host, which a
   * national cloud's tenant requires even when `graphOrigin` points elsewhere. Default https://graph.microsoft.com.
   */
  graphResource?: string
  /** Extra CA (PEM) to trust for these clients only, on top of the system roots. */
  caPem?: string
  /**
   * Called once per HTTP exchange with the identity platform (discovery, token), with its status (0 when no
   * answer came): the sync engine counts token requests with the calendar's.
   */
  onIdentityExchange?(status: number): void
}

export interface MicrosoftClients {
  msal: ConfidentialClientApplication
  graph: Client
  /** An app-only Graph access token (MSAL's cache answers until it nears expiry). Single-flight. */
  getToken(): Promise<string>
  /**
   * A new token past MSAL's cache, after Graph refused the cached one. Single-flight: callers that ask while
   * a refresh is under way share it, so many mailboxes refused at once cause one token request.
   */
  refreshToken(): Promise<string>
  /** How many refreshes have completed; a caller compares it to skip refreshing a token already replaced. */
  tokenGeneration(): number
  /** Releases the connection pool of the custom CA agent (no-op without one). */
  close(): Promise<void>
}

/**
 * MSAL's network module over undici: with a dispatcher that trusts the extra CA (when there is one), and
 * reporting each exchange (when asked to).
 */
function networkClientFor(agent: Agent | undefined, onExchange?: (status: number) => void): INetworkModule {
  const send = async <T>(url: string, method: 'GET' | 'POST', options?: NetworkRequestOptions, timeout?: number) => {
    let response: Awaited<ReturnType<typeof fetch>>
    try {
      response = await fetch(url, {
        method,
        headers: options?.headers,
        body: method === 'POST' ? (options?.body ?? '') : undefined,
        ...(agent ? {dispatcher: agent} : {}),
        signal: timeout ? AbortSignal.timeout(timeout) : undefined,
      })
    } catch (error) {
      onExchange?.(0)
      throw new AuthError('network_error', `Network request failed: ${(error as Error).message}`)
    }
    onExchange?.(response.status)
    const headers: Record<string, string> = {}
    response.headers.forEach((value, key) => {
      headers[key] = value
    })
    try {
      return {headers, body: (await response.json()) as T, status: response.status} satisfies NetworkResponse<T>
    } catch (error) {
      throw new AuthError('token_parsing_error', `Failed to parse response: ${(error as Error).message}`)
    }
  }
  return {
    sendGetRequestAsync: (url, options, timeout) => send(url, 'GET', options, timeout),
    sendPostRequestAsync: (url, options) => send(url, 'POST', options),
  }
}

export function createMicrosoftClients(options: MicrosoftClientOptions): MicrosoftClients {
  // Input the admin can fix (a certificate without its key, an http origin, a bad CA file) fails here as a
  // coded HcalError naming the setting or secret, not later inside MSAL.
  if (Boolean(options.clientSecret) === Boolean(options.certificate)) {
    throw new ConfigError(
      'MICROSOFT_CREDENTIALS_INVALID',
      `The Microsoft connection needs exactly one of a client secret and a certificate; ${options.clientSecret ? 'both were' : 'neither was'} given.`,
      {
        suggestions: [
          'Set microsoft.auth in the profile to "secret" or "certificate" and store microsoft.clientSecret or microsoft.certificateKey accordingly ("hcal secrets set NAME").',
        ],
      },
    )
  }
  const origin = (value: string, setting: string) => httpsEndpoint(value, setting, 'MICROSOFT_ORIGIN_INVALID')
  const authorityOrigin = origin(
    options.authorityOrigin ?? MICROSOFT_AUTHORITY_ORIGIN,
    'endpoints.microsoft.authorityOrigin',
  )
  const graphOrigin = origin(options.graphOrigin ?? GRAPH_ORIGIN, 'endpoints.microsoft.graphOrigin')
  const certificate = options.certificate && resolveCertificateCredential(options.certificate)
  if (options.caPem) assertCaPem(options.caPem)
  const agent = options.caPem ? new Agent({connect: {secureContext: secureContextTrusting(options.caPem)}}) : undefined
  const customAuthority = authorityOrigin.origin !== MICROSOFT_AUTHORITY_ORIGIN

  const configuration: Configuration = {
    auth: {
      clientId: options.clientId,
      authority: `${authorityOrigin.origin}/${options.tenantId}`,
      ...(customAuthority ? {knownAuthorities: [authorityOrigin.host]} : {}),
      ...(options.clientSecret ? {clientSecret: options.clientSecret} : {}),
      ...(certificate
        ? {clientCertificate: {privateKey: certificate.privateKeyPem, thumbprintSha256: certificate.thumbprintSha256}}
        : {}),
    },
    ...(agent || options.onIdentityExchange
      ? {system: {networkClient: networkClientFor(agent, options.onIdentityExchange)}}
      : {}),
  }
  const msal = new ConfidentialClientApplication(configuration)
  const scope = options.graphResource ? `${options.graphResource.replace(/\/$/, '')}/.default` : GRAPH_DEFAULT_SCOPE

  const acquire = async (skipCache: boolean): Promise<string> => {
    const result = await msal.acquireTokenByClientCredential({scopes: [scope], ...(skipCache ? {skipCache} : {})})
    if (!result?.accessToken) throw new AuthError('no_token', 'The identity platform returned no access token.')
    return result.accessToken
  }
  // One token request at a time for this app (its one subject): concurrent misses of MSAL's cache would
  // each ask the identity platform otherwise.
  let pending: Promise<string> | undefined
  let refreshing: Promise<string> | undefined
  let generation = 0
  const getToken = (): Promise<string> =>
    refreshing ??
    (pending ??= acquire(false).finally(() => {
      pending = undefined
    }))
  const refreshToken = (): Promise<string> =>
    (refreshing ??= acquire(true).finally(() => {
      refreshing = undefined
      generation += 1
    }))

  const graph = Client.initWithMiddleware({
    authProvider: {getAccessToken: getToken},
    baseUrl: graphOrigin.origin,
    defaultVersion: 'v1.0',
    ...(graphOrigin.origin !== GRAPH_ORIGIN ? {customHosts: new Set([graphOrigin.hostname])} : {}),
    // Graph's HTTPMessageHandler calls fetch(request, options); undici's fetch honours `dispatcher`.
    ...(agent ? {fetchOptions: {dispatcher: agent} as unknown as RequestInit} : {}),
  })

  return {msal, graph, getToken, refreshToken, tokenGeneration: () => generation, close: async () => agent?.close()}
}

/**
 * One adapter's connection to Graph: the SDK clients (built as the validators build them: certificate or
 * secret, the profile's endpoints and national cloud, its CA, the SDK's RetryHandler off), one record per
 * HTTP exchange for the engine's counts, the mapping of every error to a ProviderFailure, and the one token
 * refresh a 401 is worth. Nothing here retries anything else: the engine's policy does.
 */
import type {Client, GraphRequest} from '@microsoft/microsoft-graph-client'

import type {CalendarProviderHooks, RequestRecord} from '../../../ports/calendar.js'
import type {ConnectionInput} from '../../connection.js'
import type {MicrosoftClients} from '../client.js'
import {microsoftClientsFor, withoutSdkRetry} from '../connect.js'
import {classifyMicrosoftError, microsoftFailure} from '../errors.js'
import type {MicrosoftConnection} from '../index.js'
import {endpointsFor} from '../provisioning/target.js'

type Purpose = Exclude<RequestRecord['purpose'], 'token'>

/** GraphError's statusCode for "no HTTP answer" (the token request failed, or the network did). */
const NO_ANSWER = -1
const MSAL_ERROR_NAMES = new Set(['AuthError', 'ServerError', 'ClientAuthError', 'ClientConfigurationError'])

function statusOf(error: unknown): number {
  const status = (error as {statusCode?: unknown} | null)?.statusCode
  return typeof status === 'number' && status > 0 ? status : 0
}

/** True when a Graph call failed inside its token request: MSAL's exchange was recorded as a token request. */
function failedGettingToken(error: unknown): boolean {
  const {statusCode, code} = (error ?? {}) as {statusCode?: unknown; code?: unknown}
  return statusCode === NO_ANSWER && typeof code === 'string' && MSAL_ERROR_NAMES.has(code)
}

export function isThrottled(status: number): boolean {
  return status === 429 || status === 503
}

export class GraphSession {
  private clients: Promise<MicrosoftClients> | undefined

  constructor(
    private readonly input: ConnectionInput<MicrosoftConnection>,
    private readonly hooks: CalendarProviderHooks = {},
  ) {}

  record(purpose: RequestRecord['purpose'], status: number): void {
    this.hooks.onRequest?.({purpose, status, throttled: isThrottled(status)})
  }

  private connect(): Promise<MicrosoftClients> {
    return (this.clients ??= microsoftClientsFor(this.input, {
      onIdentityExchange: (status) => this.record('token', status),
    }))
  }

  /** The Graph origin requests go to (nextLinks and deltaLinks must point there, or they would carry no token). */
  graphOrigin(): string {
    const {connection, endpoints} = this.input
    return new URL(endpointsFor(connection.cloud ?? 'global', endpoints).graphOrigin).origin
  }

  /**
   * Sends one Graph request built by `build` (the SDK's retries off, `signal` attached) and returns its
   * parsed answer. A 401 refreshes the token once (unless another call already did) and sends it again;
   * every other failure, and a second 401, is thrown as a ProviderFailure.
   */
  async send<T>(
    purpose: Purpose,
    signal: AbortSignal | undefined,
    build: (graph: Client) => GraphRequest,
    method: (request: GraphRequest) => Promise<unknown>,
  ): Promise<T> {
    const clients = await this.connect()
    for (let attempt = 0; ; attempt++) {
      signal?.throwIfAborted()
      const generation = clients.tokenGeneration()
      const request = build(clients.graph).middlewareOptions(withoutSdkRetry())
      if (signal) request.option('signal', signal)
      try {
        const value = (await method(request)) as T
        this.record(purpose, 200)
        return value
      } catch (error) {
        if (signal?.aborted) throw signal.reason
        if (!failedGettingToken(error)) this.record(purpose, statusOf(error))
        const failure = classifyMicrosoftError(error)
        if (attempt === 0 && failure.kind === 'auth' && failure.reason === 'tokenRejected') {
          if (clients.tokenGeneration() === generation) await this.refresh(clients)
          continue
        }
        throw microsoftFailure(error)
      }
    }
  }

  private async refresh(clients: MicrosoftClients): Promise<void> {
    try {
      await clients.refreshToken()
    } catch (error) {
      throw microsoftFailure(error)
    }
  }

  async close(): Promise<void> {
    const clients = this.clients
    this.clients = undefined
    if (clients) await (await clients).close()
  }
}

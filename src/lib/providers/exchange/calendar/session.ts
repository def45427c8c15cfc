/**
 * EWS services for the calendar adapter: one ExchangeService per call and mailbox (impersonation and
 * X-AnchorMailbox are per service), all sharing one kept-alive HTTPS agent and the service account's password
 * (read once). Every HTTP exchange is reported to the engine's hook with its purpose, and every SDK rejection
 * leaves here as a ProviderFailure. The SDK does not retry; neither does this module.
 */
import {Agent} from 'node:https'

import type {ExchangeService} from 'ews-javascript-api'

import {mailboxFor} from '../../../access/gate.js'
import type {MailboxGrant} from '../../../ports/access.js'
import type {CalendarProviderHooks, RequestRecord} from '../../../ports/calendar.js'
import {isProviderFailure, ProviderFailure} from '../../../ports/failures.js'
import type {ConnectionInput} from '../../connection.js'
import {assertUsable, createExchangeService} from '../client.js'
import {exchangeFailure} from '../errors.js'
import {EXCHANGE_PASSWORD, type ExchangeConnection} from '../index.js'

type Purpose = RequestRecord['purpose']

interface XhrAnswer {
  status?: number
  responseText?: string
  response?: string
}

/** 503 from IIS, or ErrorServerBusy in a fault (500) or wrapped in a 200 response message. */
function isThrottled(answer: XhrAnswer | undefined): boolean {
  if (!answer) return false
  if (answer.status === 503) return true
  const text = answer.responseText ?? answer.response
  return typeof text === 'string' && text.includes('ErrorServerBusy')
}

/** Reports each HTTP exchange of one service to the hook (the NTLM handshake's first leg is not an EWS exchange). */
function observe(service: ExchangeService, purpose: Purpose, hooks: CalendarProviderHooks | undefined): void {
  const onRequest = hooks?.onRequest
  if (!onRequest) return
  const api = service.XHRApi as unknown as {xhr(...args: unknown[]): Promise<XhrAnswer>}
  const send = api.xhr.bind(api)
  api.xhr = async (...args: unknown[]) => {
    try {
      const answer = await send(...args)
      onRequest({purpose, status: answer.status ?? 200, throttled: isThrottled(answer)})
      return answer
    } catch (error) {
      const answer = error as XhrAnswer | undefined
      const status = typeof answer?.status === 'number' ? answer.status : 0
      onRequest({purpose, status, throttled: isThrottled(answer)})
      throw error
    }
  }
}

export interface EwsCall {
  /** The impersonated mailbox. */
  mailbox: string
  service: ExchangeService
  /** Runs one SDK request: stops first when the signal is aborted, maps any rejection to a ProviderFailure. */
  run<T>(request: () => Promise<T>): Promise<T>
}

/** What a hand-built EWS request (the streaming connection) needs: where, who, and the CA to trust. */
export interface EwsEndpoint {
  ewsUrl: string
  username: string
  password: string
  auth: ExchangeConnection['auth']
  caPem?: string
}

export interface Sessions {
  /** A service acting as the grant's mailbox, for calendar requests or settings (out-of-office) requests. */
  open(grant: MailboxGrant, purpose: Purpose, signal?: AbortSignal): Promise<EwsCall>
  /**
   * A service acting as a subscription's owner, for Unsubscribe only. Its address is the one `mailboxFor` gave
   * when the subscription was made (kept in the subscription): ending a subscription reads and changes nothing
   * in the mailbox, and must work when the gate no longer admits the mailbox (deactivation is when it is needed).
   */
  openAsSubscriptionOwner(owner: string, signal?: AbortSignal): Promise<EwsCall>
  /** The EWS endpoint and service account, checked as createExchangeService checks them. */
  endpoint(): Promise<EwsEndpoint>
  /** Reports one HTTP exchange made outside the SDK. */
  record(record: RequestRecord): void
  close(): void
}

export function aborted(signal: AbortSignal): ProviderFailure {
  return new ProviderFailure(
    {provider: 'exchange', kind: 'transient', retryAfterMs: undefined, message: 'The call was stopped (shutdown).'},
    {code: 'EXCHANGE_ABORTED', cause: signal.reason},
  )
}

export function createSessions(
  input: ConnectionInput<ExchangeConnection>,
  hooks: CalendarProviderHooks | undefined,
): Sessions {
  const {connection} = input
  const agent = new Agent({keepAlive: true, ...(input.caPem ? {ca: input.caPem} : {})})
  let password: Promise<string> | undefined
  const context = {account: connection.username}

  const serve = async (mailbox: string, purpose: Purpose, signal: AbortSignal | undefined): Promise<EwsCall> => {
    if (signal?.aborted) throw aborted(signal)
    password ??= input.secret(EXCHANGE_PASSWORD)
    const service = createExchangeService({
      ewsUrl: connection.ewsUrl,
      username: connection.username,
      password: await password,
      auth: connection.auth,
      impersonate: mailbox,
      httpsAgent: agent,
      ...(connection.allowInsecureHttp ? {allowInsecureHttp: true} : {}),
      ...(input.caPem ? {caPem: input.caPem} : {}),
    })
    observe(service, purpose, hooks)
    return {
      mailbox,
      service,
      async run(request) {
        if (signal?.aborted) throw aborted(signal)
        try {
          return await request()
        } catch (error) {
          if (isProviderFailure(error)) throw error
          throw exchangeFailure(error, context)
        }
      },
    }
  }

  return {
    // The address comes from the gate, checked at this moment (a user deactivated since is refused here).
    open: async (grant, purpose, signal) => serve(mailboxFor(grant), purpose, signal),
    openAsSubscriptionOwner: async (owner, signal) => serve(owner, 'calendar', signal),
    async endpoint() {
      password ??= input.secret(EXCHANGE_PASSWORD)
      const endpoint: EwsEndpoint = {
        ewsUrl: connection.ewsUrl,
        username: connection.username,
        password: await password,
        auth: connection.auth,
        ...(input.caPem ? {caPem: input.caPem} : {}),
      }
      assertUsable({...endpoint, ...(connection.allowInsecureHttp ? {allowInsecureHttp: true} : {})})
      return endpoint
    },
    record(record) {
      hooks?.onRequest?.(record)
    },
    close() {
      agent.destroy()
    },
  }
}

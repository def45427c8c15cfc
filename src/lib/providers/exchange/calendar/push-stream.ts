/**
 * One GetStreamingEvents connection (PushPort.openStream): up to 200 subscriptions on one hanging HTTP
 * response, read envelope by envelope as the server writes them.
 *
 * hcal sends this request itself over undici rather than through ews-javascript-api's
 * StreamingSubscriptionConnection, which does work in Node (library-feasibility.md) but hides what watch mode
 * needs: keep-alives are swallowed (no watchdog can tell a live stream from a hung one, gautamsi/
 * ews-javascript-api #271), ErrorSubscriptionNotFound surfaces as an event without the ids in a form to act on,
 * a parse error is printed with console.log, Open() never resolves, and Disconnect() only works once connected.
 * Here every envelope is a sign of life, the end is a value (closed / lost) or a ProviderFailure, and aborting
 * destroys the socket at once.
 *
 * Each connection gets its own undici Client (one socket): the stream holds it for up to 30 minutes, and NTLM
 * authenticates a socket, so the Type 1/Type 3 handshake must run on the very socket that then streams. TLS
 * trusts the profile's CA exactly as the SDK's agent does (only that CA when one is set).
 */
import {Client, type Dispatcher} from 'undici'

import {mailboxFor} from '../../../access/gate.js'
import type {StreamEnd, StreamRequest} from '../../../ports/calendar.js'
import {isProviderFailure, ProviderFailure} from '../../../ports/failures.js'
import {isTransientNetworkError} from '../../network-errors.js'
import {exchangeFailure, ewsCodeFailure, RETRY_AFTER} from '../errors.js'
import {ntlmAuthenticate, ntlmNegotiate} from '../xhr.js'
import {EnvelopeSplitter, getStreamingEventsRequest, readFault, readStreamEnvelope} from './push-soap.js'
import type {EwsEndpoint, Sessions} from './session.js'

/** GetStreamingEvents takes 1 to 200 subscription ids and a ConnectionTimeout of 1 to 30 minutes. */
export const MAX_PER_STREAM = 200
const MAX_CONNECTION_MINUTES = 30

/** How much of an error answer is read to find its SOAP fault. */
const MAX_ERROR_BODY = 256 * 1024

/** Throttling codes: the record says throttled, as session.ts does for SDK requests. */
const THROTTLING_CODES = new Set(['ErrorServerBusy', 'ErrorExceededConnectionCount'])

function invalid(message: string): ProviderFailure {
  return new ProviderFailure({provider: 'exchange', kind: 'fatal', message}, {code: 'EXCHANGE_STREAM_INVALID'})
}

/** The stream ended without ConnectionStatus Closed: transient, the service reconnects (and catches up). */
function cut(cause: unknown): ProviderFailure {
  return new ProviderFailure(
    {
      provider: 'exchange',
      kind: 'transient',
      retryAfterMs: undefined,
      message: 'The streaming connection ended without ConnectionStatus Closed.',
    },
    {code: 'EXCHANGE_STREAM_CUT', cause},
  )
}

function header(headers: Dispatcher.ResponseData['headers'], name: string): string[] {
  const value = headers[name]
  return value === undefined ? [] : Array.isArray(value) ? value : [value]
}

async function textOf(body: Dispatcher.ResponseData['body']): Promise<string> {
  let text = ''
  body.setEncoding('utf8')
  for await (const chunk of body as AsyncIterable<string>) {
    text += chunk
    if (text.length > MAX_ERROR_BODY) break
  }
  body.destroy()
  return text
}

/** Sends the request on `client`, authenticating as the service account (Basic, or NTLM on this socket). */
async function send(
  client: Client,
  endpoint: EwsEndpoint,
  options: {path: string; headers: Record<string, string>; body: string; signal: AbortSignal},
): Promise<Dispatcher.ResponseData> {
  const post = (authorization: string) =>
    client.request({method: 'POST', ...options, headers: {...options.headers, authorization}})
  if (endpoint.auth === 'basic')
    return post(`Basic ${Buffer.from(`${endpoint.username}:${endpoint.password}`).toString('base64')}`)
  const negotiate = await client.request({
    method: 'GET',
    path: options.path,
    headers: {authorization: ntlmNegotiate(endpoint.username)},
    signal: options.signal,
  })
  await negotiate.body.dump()
  const challenge = header(negotiate.headers, 'www-authenticate').find((value) => value.startsWith('NTLM '))
  if (negotiate.statusCode !== 401 || !challenge) {
    // The server offered no NTLM challenge: that answer is the one to report (a 401 is auth, as for the SDK).
    return negotiate
  }
  return post(ntlmAuthenticate(endpoint.username, endpoint.password, challenge))
}

/** The failure an answer other than a 200 stream amounts to: its SOAP fault's code, or its HTTP status. */
async function failureOfAnswer(answer: Dispatcher.ResponseData, account: string): Promise<ProviderFailure> {
  const text = answer.statusCode === 401 ? '' : await textOf(answer.body)
  const fault = readFault(text)
  if (fault) {
    const details = {status: answer.statusCode, account, backOffMs: fault.backOffMs}
    return ewsCodeFailure(fault.code, fault.message, details)
  }
  const retryAfter = header(answer.headers, 'retry-after')[0]
  return exchangeFailure(
    {
      HttpStatusCode: answer.statusCode,
      message: `GetStreamingEvents answered HTTP ${answer.statusCode}.`,
      ...(retryAfter === undefined ? {} : {[RETRY_AFTER]: retryAfter}),
    },
    {account},
  )
}

/** Reads the stream until its last envelope: `closed`, `lost`, or a failure for any other error. */
async function readStream(
  body: Dispatcher.ResponseData['body'],
  request: StreamRequest,
  account: string,
): Promise<StreamEnd> {
  const requested = new Set(request.subscriptions.map((s) => s.id))
  const splitter = new EnvelopeSplitter()
  body.setEncoding('utf8')
  const chunks = (async function* () {
    try {
      yield* body as AsyncIterable<string>
    } catch (error) {
      // A reset or a chunked body ending early: the connection was cut under the stream.
      if (isTransientNetworkError(error)) throw cut(error)
      throw error
    }
  })()
  for await (const chunk of chunks) {
    for (const envelope of splitter.push(chunk)) {
      request.onAlive()
      for (const message of readStreamEnvelope(envelope)) {
        if (message.code === 'ErrorSubscriptionNotFound') {
          const named = message.errorSubscriptionIds.filter((id) => requested.has(id))
          const failure = ewsCodeFailure(message.code, message.message, {account}).failure
          return {kind: 'lost', subscriptionIds: named.length > 0 ? named : [...requested], failure}
        }
        if (message.code !== 'NoError') throw ewsCodeFailure(message.code, message.message, {account})
        for (const subscriptionId of message.changed) request.onNotification({subscriptionId, signal: 'changed'})
        if (message.status === 'Closed') return {kind: 'closed'}
      }
    }
  }
  // The body ended without ConnectionStatus Closed: the connection was cut (a proxy, a server restart).
  throw cut(undefined)
}

/** PushPort.openStream: one hanging GetStreamingEvents as the request's (anchor) mailbox. */
export async function openStream(sessions: Sessions, request: StreamRequest): Promise<StreamEnd> {
  const anchor = mailboxFor(request.grant)
  const ids = request.subscriptions.map((s) => s.id)
  if (ids.length === 0 || ids.length > MAX_PER_STREAM)
    throw invalid(`A streaming connection serves 1 to ${MAX_PER_STREAM} subscriptions, not ${ids.length}.`)
  const minutes = request.connectionMinutes
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_CONNECTION_MINUTES)
    throw invalid(`ConnectionTimeout is 1 to ${MAX_CONNECTION_MINUTES} minutes, not ${minutes}.`)
  if (request.signal.aborted) return {kind: 'closed'}
  const endpoint = await sessions.endpoint()
  const url = new URL(endpoint.ewsUrl)
  // No body timeout: the stream is silent between keep-alives by design; the watch service's watchdog
  // (fed by onAlive) decides when silence means a hung connection, and aborts.
  const client = new Client(url.origin, {bodyTimeout: 0, ...(endpoint.caPem ? {connect: {ca: endpoint.caPem}} : {})})
  const record = {status: 0, throttled: false}
  try {
    const answer = await send(client, endpoint, {
      path: `${url.pathname}${url.search}`,
      headers: {
        'content-type': 'text/xml; charset=utf-8',
        // Routes the connection to the anchor's mailbox server, where its group's subscriptions live.
        'x-anchormailbox': anchor,
        'x-preferserveraffinity': 'true',
      },
      body: getStreamingEventsRequest(anchor, ids, minutes),
      signal: request.signal,
    })
    record.status = answer.statusCode
    if (answer.statusCode !== 200) throw await failureOfAnswer(answer, endpoint.username)
    return await readStream(answer.body, request, endpoint.username)
  } catch (error) {
    if (request.signal.aborted) return {kind: 'closed'}
    const failure = isProviderFailure(error) ? error : exchangeFailure(error, {account: endpoint.username})
    const code = failure.failure.providerCode
    record.throttled = record.status === 503 || (code !== undefined && THROTTLING_CODES.has(code))
    throw failure
  } finally {
    sessions.record({purpose: 'calendar', ...record})
    // Tears the socket down at once (an abort, or a stream that ended): nothing is left reading.
    await client.destroy()
  }
}

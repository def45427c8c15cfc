/**
 * The watch service's inbound HTTP(S) endpoint: providers' webhook notifications, a readiness probe and
 * Prometheus metrics. It answers every notification at once (Graph throttles, then drops, an endpoint that
 * takes over 3 s) and only hands the genuine ones on; the work itself is queued by the service.
 *
 * TLS: with `tls` it serves HTTPS with that certificate. Without it, it serves plain HTTP and must run behind
 * a TLS-terminating reverse proxy (providers deliver only to https:// URLs); then set `trustProxy` so the
 * per-source rate limit keys on the address the proxy saw rather than the proxy's own.
 *
 * Nothing here logs a body, a header value, a clientState or a token: only provider, status and reason.
 */
import {createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import {createServer as createHttpsServer} from 'node:https'
import type {AddressInfo} from 'node:net'

import {RateLimiterMemory, RateLimiterRes} from 'rate-limiter-flexible'

import type {ProviderId} from '../core/model.js'
import type {Logger} from '../log/logger.js'
import type {PushNotification, WebhookReading, WebhookRequest} from '../ports/calendar.js'
import type {Admitter} from './admit.js'
import type {WatchMetrics} from './metrics.js'

export type WebhookReader = (request: WebhookRequest) => WebhookReading

export interface ListenerOptions {
  host: string
  port: number
  /** PEM certificate (chain) and key; absent = plain HTTP behind a TLS-terminating proxy. */
  tls?: {cert: string; key: string}
  /** provider.push.decodeWebhook of each webhook provider; a provider without one gets 404. */
  readers: Partial<Record<ProviderId, WebhookReader>>
  admitter: Admitter
  /** Accepted notifications; must return at once (the service queues the work). */
  onNotification(provider: ProviderId, mailbox: string, notification: PushNotification): void
  metrics: WatchMetrics
  /** True once the first sync is done: GET /healthz answers 200 from then on, 503 before. */
  ready(): boolean
  /** Larger bodies get 413 (default 256 KiB). */
  maxBodyBytes?: number
  /** Requests per source address (default 500 per second); beyond it 429 with Retry-After. */
  rateLimit?: {points: number; durationSeconds: number}
  /** Behind a proxy: key the rate limit on the last X-Forwarded-For address (the one the proxy appended). */
  trustProxy?: boolean
  /** Against slow clients (slowloris): all headers within headersMs (default 10 s), the whole request within requestMs (default 20 s). */
  timeouts?: {headersMs?: number; requestMs?: number}
  log?: Logger
}

export interface Listener {
  /** e.g. https://127.0.0.1:PORT (the port actually bound, when 0 was asked). */
  origin: string
  close(): Promise<void>
}

const DEFAULT_MAX_BODY_BYTES = 256 * 1024
const DEFAULT_RATE_LIMIT = {points: 500, durationSeconds: 1}
const DEFAULT_HEADERS_TIMEOUT_MS = 10_000
const DEFAULT_REQUEST_TIMEOUT_MS = 20_000
const NOTIFY_PREFIX = '/notify/'
/** After a 413, how long and how much more of the body is read and thrown away before the connection is cut. */
const LINGER_MS = 1000
const LINGER_BYTES = 1024 * 1024

class BodyTooLarge extends Error {}

function send(
  response: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string | number> = {},
): void {
  const type = headers['content-type'] ?? 'text/plain; charset=utf-8'
  response.writeHead(status, {...headers, 'content-type': type, 'content-length': Buffer.byteLength(body)})
  response.end(body)
}

function sendJson(
  response: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  send(response, status, JSON.stringify(value), {...headers, 'content-type': 'application/json'})
}

/**
 * Reads the body up to `limit` bytes. Past the limit it stops at once (rejects with BodyTooLarge) and keeps
 * nothing more: a declared Content-Length over the limit is refused before reading a byte.
 */
function readBody(request: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(request.headers['content-length'])
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new BodyTooLarge())
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        request.off('data', onData)
        request.pause()
        chunks.length = 0
        reject(new BodyTooLarge())
        return
      }
      chunks.push(chunk)
    }
    request.on('data', onData)
    request.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    request.once('error', reject)
  })
}

function headersOf(request: IncomingMessage): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {}
  for (const [name, value] of Object.entries(request.headers)) {
    headers[name] = Array.isArray(value) ? value.join(', ') : value
  }
  return headers
}

function sourceOf(request: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = request.headers['x-forwarded-for']
    const last = (Array.isArray(forwarded) ? forwarded.join(',') : forwarded)?.split(',').pop()?.trim()
    if (last) return last
  }
  return request.socket.remoteAddress ?? 'unknown'
}

/** Admits each notification, counts it, and hands the accepted ones on; never throws. */
function dispatch(options: ListenerOptions, provider: ProviderId, notifications: PushNotification[]): void {
  const {metrics, admitter} = options
  for (const notification of notifications) {
    metrics.notificationsReceived.inc({provider})
    const admission = admitter.admit(provider, notification)
    if (admission.kind === 'rejected') {
      metrics.notificationsRejected.inc({provider, reason: admission.reason})
      options.log?.debug({provider, reason: admission.reason}, 'push notification rejected')
      continue
    }
    try {
      options.onNotification(provider, admission.mailbox, notification)
    } catch (error) {
      options.log?.error({provider, err: error}, 'push notification could not be queued')
    }
  }
}

async function handleNotify(
  options: ListenerOptions,
  provider: ProviderId,
  reader: WebhookReader,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const body = await readBody(request, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES)
  let reading: WebhookReading
  try {
    reading = reader({method: request.method ?? 'POST', url: request.url ?? '/', headers: headersOf(request), body})
  } catch {
    reading = {kind: 'invalid', reason: 'the request could not be decoded'}
  }
  switch (reading.kind) {
    case 'handshake':
      send(response, 200, reading.body)
      return
    case 'invalid':
      options.metrics.notificationsRejected.inc({provider, reason: 'invalid'})
      options.log?.debug({provider, reason: reading.reason}, 'push request invalid')
      send(response, 400, 'Bad Request')
      return
    case 'notifications':
      // Queued, not awaited: the answer goes out now whatever the work will take.
      dispatch(options, provider, reading.notifications)
      send(response, 202, '')
  }
}

/**
 * 413, then a bounded lingering close: closing a socket that still has unread input makes the kernel send a
 * reset that can destroy the 413 before the client reads it, so what keeps arriving is read and dropped
 * (never kept) for up to LINGER_MS or LINGER_BYTES, and then the connection is cut.
 */
function refuseTooLarge(request: IncomingMessage, response: ServerResponse): void {
  let dropped = 0
  const cut = setTimeout(() => request.destroy(), LINGER_MS)
  cut.unref()
  request.once('end', () => clearTimeout(cut))
  request.once('close', () => clearTimeout(cut))
  request.removeAllListeners('data')
  request.on('data', (chunk: Buffer) => {
    dropped += chunk.length
    if (dropped > LINGER_BYTES) request.destroy()
  })
  request.resume()
  send(response, 413, 'Payload Too Large')
}

function allowOnly(response: ServerResponse, method: string): void {
  send(response, 405, 'Method Not Allowed', {allow: method})
}

async function route(
  options: ListenerOptions,
  limiter: RateLimiterMemory,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  try {
    await limiter.consume(sourceOf(request, options.trustProxy ?? false))
  } catch (error) {
    if (!(error instanceof RateLimiterRes)) throw error
    send(response, 429, 'Too Many Requests', {
      'retry-after': Math.max(1, Math.ceil(error.msBeforeNext / 1000)),
      connection: 'close',
    })
    return
  }
  const path = new URL(request.url ?? '/', 'http://listener').pathname
  const method = request.method ?? 'GET'
  if (path === '/healthz') {
    if (method !== 'GET') return allowOnly(response, 'GET')
    const ready = options.ready()
    return sendJson(response, ready ? 200 : 503, {status: ready ? 'ready' : 'starting'}, {'cache-control': 'no-store'})
  }
  if (path === '/metrics') {
    if (method !== 'GET') return allowOnly(response, 'GET')
    const {registry} = options.metrics
    return send(response, 200, await registry.metrics(), {'content-type': registry.contentType})
  }
  if (path.startsWith(NOTIFY_PREFIX)) {
    const id = path.slice(NOTIFY_PREFIX.length)
    const reader = Object.hasOwn(options.readers, id) ? options.readers[id as ProviderId] : undefined
    if (!reader) return send(response, 404, 'Not Found')
    if (method !== 'POST') return allowOnly(response, 'POST')
    return handleNotify(options, id as ProviderId, reader, request, response)
  }
  send(response, 404, 'Not Found')
}

function handler(options: ListenerOptions) {
  const rate = options.rateLimit ?? DEFAULT_RATE_LIMIT
  const limiter = new RateLimiterMemory({points: rate.points, duration: rate.durationSeconds})
  return (request: IncomingMessage, response: ServerResponse) => {
    route(options, limiter, request, response).catch((error: unknown) => {
      if (error instanceof BodyTooLarge) return refuseTooLarge(request, response)
      options.log?.error({err: error}, 'listener request failed')
      if (!response.headersSent) send(response, 500, 'Internal Server Error')
      else response.destroy()
    })
  }
}

export async function startListener(options: ListenerOptions): Promise<Listener> {
  const serverOptions = {
    headersTimeout: options.timeouts?.headersMs ?? DEFAULT_HEADERS_TIMEOUT_MS,
    requestTimeout: options.timeouts?.requestMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    // How often those two are enforced (Node checks every 30 s by default: too coarse for short timeouts).
    connectionsCheckingInterval: Math.min(1000, options.timeouts?.headersMs ?? DEFAULT_HEADERS_TIMEOUT_MS),
  }
  const server: Server = options.tls
    ? createHttpsServer({...serverOptions, cert: options.tls.cert, key: options.tls.key}, handler(options))
    : createHttpServer(serverOptions, handler(options))
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const {address, port} = server.address() as AddressInfo
  const host = address.includes(':') ? `[${address}]` : address
  return {
    origin: `${options.tls ? 'https' : 'http'}://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeIdleConnections()
      }),
  }
}

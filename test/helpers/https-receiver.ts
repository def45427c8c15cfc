import {createServer, type Server} from 'node:https'
import type {ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'

import type {WebhookRequest} from '../../src/lib/ports/calendar.js'

export interface ReceivedRequest {
  url: string
  headers: Record<string, string | string[] | undefined>
  body: string
}

/** A received request as the watch listener hands it to an adapter's decodeWebhook (one value per header). */
export function webhookRequestOf(request: ReceivedRequest, method = 'POST'): WebhookRequest {
  const headers = Object.fromEntries(
    Object.entries(request.headers).map(([name, value]) => [name, [value].flat().join(',')]),
  )
  return {method, url: request.url, headers, body: request.body}
}

export interface HttpsReceiver {
  origin: string
  /** Requests recorded so far (those `intercept` did not answer itself). */
  received: ReceivedRequest[]
  /** Resolves once `count` requests were recorded; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<void>
  close(): Promise<void>
}

export interface ReceiverOptions {
  /** Status for recorded requests (Google channels expect 200, Graph subscriptions 202). */
  status?: number
  /** Answers a request itself (e.g. a validation handshake) and returns true to keep it out of `received`. */
  intercept?: (request: ReceivedRequest, response: ServerResponse) => boolean
}

/**
 * An HTTPS endpoint with a leaf certificate from the sandbox CA, standing in for hcal's notification
 * receiver: the emulators deliver to it over verified TLS, and tests read what arrived.
 */
export async function startHttpsReceiver(
  leaf: {certPem: string; keyPem: string},
  options: ReceiverOptions = {},
): Promise<HttpsReceiver> {
  const received: ReceivedRequest[] = []
  const waiters: {count: number; resolve: () => void}[] = []
  const server: Server = createServer({cert: leaf.certPem, key: leaf.keyPem}, (req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const request = {url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8')}
      if (options.intercept?.(request, res)) return
      received.push(request)
      res.writeHead(options.status ?? 200).end()
      for (const waiter of [...waiters]) {
        if (received.length >= waiter.count) {
          waiters.splice(waiters.indexOf(waiter), 1)
          waiter.resolve()
        }
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as AddressInfo
  return {
    origin: `https://127.0.0.1:${port}`,
    received,
    waitFor(count, timeoutMs = 5000) {
      if (received.length >= count) return Promise.resolve()
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`only ${received.length} of ${count} requests arrived`)),
          timeoutMs,
        )
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer)
            resolve()
          },
        })
      })
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

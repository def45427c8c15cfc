import {rootCertificates} from 'node:tls'

import {Agent, request} from 'undici'

const DELIVERY_TIMEOUT_MS = 5000

export interface Deliverer {
  deliver(url: string, init: {method: string; headers: Record<string, string>; body?: string}): Promise<number>
  close(): Promise<void>
}

/**
 * Push-notification client: trusts the sandbox CA plus the public roots (a notification URL may be a
 * listener the test runs behind the sandbox CA, or a real HTTPS endpoint). Answers the HTTP status,
 * or 0 when nothing answered (refused, reset, timed out), and never throws.
 */
export function createDeliverer(caPem: string): Deliverer {
  const agent = new Agent({
    connect: {ca: [caPem, ...rootCertificates]},
    headersTimeout: DELIVERY_TIMEOUT_MS,
    bodyTimeout: DELIVERY_TIMEOUT_MS,
  })
  return {
    async deliver(url, init) {
      try {
        const response = await request(url, {
          method: init.method as 'POST',
          headers: init.headers,
          body: init.body,
          dispatcher: agent,
          signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
        })
        await response.body.dump()
        return response.statusCode
      } catch {
        return 0
      }
    },
    close: () => agent.close(),
  }
}

/**
 * One signed POST to a webhook sink, as the Standard Webhooks spec says: `webhook-id` (the outbox
 * message id, the same on every retry: receivers dedupe on it), `webhook-timestamp` (seconds, the time
 * of this attempt, so a retry is not refused as stale) and `webhook-signature` ("v1,<base64 HMAC-SHA256>"
 * over "id.timestamp.body", from the `standardwebhooks` package).
 */
import {randomBytes} from 'node:crypto'
import {rootCertificates} from 'node:tls'

import {Webhook} from 'standardwebhooks'
import {Agent, request} from 'undici'

export interface WebhookTarget {
  url: string
  secret: string
}

export interface WebhookAttempt {
  /** HTTP status, or null when no answer came (refused, reset, timed out). */
  status: number | null
  ok: boolean
  /** Why it failed, in words safe to store and show (no payload). */
  error: string | null
  /** The receiver's Retry-After, when it sent one (429/503). */
  retryAfterMs: number | null
}

/** The connection pool for webhook sinks; trusts the profile's extra CA (caFile) besides the system roots. */
export function webhookAgent(caPem?: string): Agent {
  return new Agent({
    connect: caPem ? {ca: [...rootCertificates, caPem]} : {},
    // A receiver that keeps a connection open must not keep the process alive.
    keepAliveTimeout: 1000,
  })
}

/** A fresh message id ("msg_" and 24 random base64url characters). */
export function newMessageId(): string {
  return `msg_${randomBytes(18).toString('base64url')}`
}

/** A new signing secret: "whsec_" and base64 of 32 random bytes. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`
}

export async function sendWebhook(
  target: WebhookTarget,
  message: {id: string; body: string},
  options: {agent: Agent; timeoutMs: number; now?: Date; signal?: AbortSignal},
): Promise<WebhookAttempt> {
  const now = options.now ?? new Date()
  const signature = new Webhook(target.secret).sign(message.id, now, message.body)
  const signals = [AbortSignal.timeout(options.timeoutMs), ...(options.signal ? [options.signal] : [])]
  try {
    const response = await request(target.url, {
      method: 'POST',
      dispatcher: options.agent,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'hcal-webhooks',
        'webhook-id': message.id,
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': signature,
      },
      body: message.body,
      signal: AbortSignal.any(signals),
    })
    // The body is not needed; reading it frees the connection.
    await response.body.dump()
    const ok = response.statusCode >= 200 && response.statusCode < 300
    return {
      status: response.statusCode,
      ok,
      error: ok ? null : `HTTP ${response.statusCode}`,
      retryAfterMs: retryAfter(response.headers['retry-after'], now),
    }
  } catch (error) {
    return {status: null, ok: false, error: transportError(error, options.timeoutMs), retryAfterMs: null}
  }
}

function retryAfter(header: string | string[] | undefined, now: Date): number | null {
  const value = Array.isArray(header) ? header[0] : header
  if (!value) return null
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const at = Date.parse(value)
  return Number.isNaN(at) ? null : Math.max(0, at - now.getTime())
}

function transportError(error: unknown, timeoutMs: number): string {
  const err = error as {name?: string; code?: string; message?: string; cause?: {code?: string; message?: string}}
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return `no answer within ${timeoutMs} ms`
  const code = err.code ?? err.cause?.code
  const message = err.cause?.message ?? err.message ?? 'request failed'
  return code ? `${code}: ${message}` : message
}

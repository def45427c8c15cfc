/**
 * Delivers what the outbox holds, sink by sink, bounded in time: `hcal sync` calls it after its run, watch
 * mode every little while. It never throws for a sink's trouble (a receiver down, a secret missing): that is
 * recorded on the messages and reported, and the next call tries again. Retries are persistent: each
 * message carries its attempt count and next attempt time (exponential backoff with jitter, or the
 * receiver's Retry-After), and is dead-lettered after `maxAttempts`.
 */
import type {ProfileConfig} from '../config/profiles.js'
import {readProfileCa} from '../providers/ca.js'
import {publishSecretName} from '../secrets/names.js'
import type {SecretStore} from '../secrets/index.js'
import type {StateStore} from '../store/index.js'
import type {WebhookSinkConfig} from './config.js'
import {sendWebhook, webhookAgent} from './webhook.js'

export interface BackoffOptions {
  /** Wait before the second attempt; doubled per attempt. */
  initialMs: number
  maxMs: number
}

export const DELIVERY_DEFAULTS = {
  budgetMs: 10_000,
  requestTimeoutMs: 5_000,
  maxAttempts: 12,
  batch: 50,
  // 30 s, 1 min, 2 min ... capped at 1 h: twelve attempts span about a day.
  backoff: {initialMs: 30_000, maxMs: 3_600_000} satisfies BackoffOptions,
}

export interface DeliverOptions {
  store: Pick<StateStore, 'outbox'>
  profile: Pick<ProfileConfig, 'publish' | 'caFile'>
  secrets: Pick<SecretStore, 'get'>
  /** No new request starts after this long; a request never outlives it. */
  budgetMs?: number
  requestTimeoutMs?: number
  maxAttempts?: number
  backoff?: BackoffOptions
  signal?: AbortSignal
}

export interface SinkDelivery {
  sink: string
  delivered: number
  /** Attempts that failed this run (the messages stay pending, or went dead). */
  failed: number
  deadLettered: number
  /** Why the sink was not tried at all (its signing secret is missing, say), else null. */
  skipped: string | null
}

export interface DeliveryReport {
  delivered: number
  failed: number
  deadLettered: number
  sinks: SinkDelivery[]
}

/** The wait before attempt `attempt + 1`: half the exponential step plus up to as much again (jitter). */
export function backoffMs(attempt: number, backoff: BackoffOptions): number {
  const step = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.max(0, attempt - 1))
  return step / 2 + Math.random() * (step / 2)
}

export async function deliverOutbox(options: DeliverOptions): Promise<DeliveryReport> {
  const sinks = options.profile.publish?.sinks ?? []
  const deadline = Date.now() + (options.budgetMs ?? DELIVERY_DEFAULTS.budgetMs)
  let caPem: string | undefined
  try {
    caPem = await readProfileCa(options.profile.caFile)
  } catch (error) {
    const skipped = (error as Error).message
    return summarise(sinks.map((sink) => ({...emptyDelivery(sink.name), skipped})))
  }
  const agent = webhookAgent(caPem)
  try {
    return summarise(await Promise.all(sinks.map((sink) => deliverToSink(sink, options, deadline, agent))))
  } finally {
    await agent.close()
  }
}

function emptyDelivery(sink: string): SinkDelivery {
  return {sink, delivered: 0, failed: 0, deadLettered: 0, skipped: null}
}

function summarise(sinks: SinkDelivery[]): DeliveryReport {
  const total = (key: 'delivered' | 'failed' | 'deadLettered') => sinks.reduce((sum, s) => sum + s[key], 0)
  return {delivered: total('delivered'), failed: total('failed'), deadLettered: total('deadLettered'), sinks}
}

async function deliverToSink(
  sink: WebhookSinkConfig,
  options: DeliverOptions,
  deadline: number,
  agent: ReturnType<typeof webhookAgent>,
): Promise<SinkDelivery> {
  const result = emptyDelivery(sink.name)
  const {outbox} = options.store
  const maxAttempts = options.maxAttempts ?? DELIVERY_DEFAULTS.maxAttempts
  const backoff = options.backoff ?? DELIVERY_DEFAULTS.backoff
  let secret: string | undefined
  try {
    secret = await options.secrets.get(publishSecretName(sink.name))
  } catch (error) {
    return {...result, skipped: (error as Error).message}
  }
  if (!secret) return {...result, skipped: `its signing secret ${publishSecretName(sink.name)} is missing`}
  for (;;) {
    const now = new Date()
    if (now.getTime() >= deadline || options.signal?.aborted) return result
    const batch = outbox.due(sink.name, now, DELIVERY_DEFAULTS.batch)
    if (batch.length === 0) return result
    for (const message of batch) {
      const started = new Date()
      const remaining = deadline - started.getTime()
      if (remaining <= 0 || options.signal?.aborted) return result
      const attempt = message.attempts + 1
      const retryAt = new Date(started.getTime() + backoffMs(attempt, backoff))
      if (!outbox.claim(message.messageId, started, retryAt)) continue
      const sent = await sendWebhook(
        {url: sink.url, secret},
        {id: message.messageId, body: message.payload},
        {
          agent,
          timeoutMs: Math.min(options.requestTimeoutMs ?? DELIVERY_DEFAULTS.requestTimeoutMs, remaining),
          ...(options.signal ? {signal: options.signal} : {}),
        },
      )
      if (sent.ok) {
        outbox.delivered(message.messageId)
        result.delivered++
        continue
      }
      const asked = sent.retryAfterMs === null ? retryAt : new Date(Date.now() + sent.retryAfterMs)
      outbox.failed(message.messageId, sent.error ?? 'failed', asked, maxAttempts)
      result.failed++
      if (attempt >= maxAttempts) result.deadLettered++
      // A receiver that failed once this run is left alone until the next: the others wait, uncounted.
      return result
    }
  }
}

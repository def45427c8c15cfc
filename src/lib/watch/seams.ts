/**
 * What the service needs of the listener, admitter and metrics (admit.ts, listener.ts, metrics.ts; the seam is
 * fixed in WATCH.md), as structural types, so the service compiles and runs (polling, EWS streaming) without
 * them and uses them as soon as they are present. prom-client's Counter, Gauge and Histogram satisfy these.
 */
import type {ProviderId} from '../core/model.js'
import type {Logger} from '../log/logger.js'
import type {PushNotification, WebhookReading, WebhookRequest} from '../ports/calendar.js'

type Labels<L extends string> = Partial<Record<L, string | number>>

export interface CounterLike<L extends string> {
  inc(labels: Labels<L>, value?: number): void
}
export interface GaugeLike<L extends string> {
  set(labels: Labels<L>, value: number): void
}
export interface HistogramLike<L extends string> {
  observe(labels: Labels<L>, value: number): void
}

export interface WatchMetricsLike {
  notificationsReceived: CounterLike<'provider'>
  syncs: CounterLike<'provider' | 'trigger'>
  writes: CounterLike<'provider'>
  conflicts: CounterLike<'provider'>
  throttled: CounterLike<'provider'>
  renewals: CounterLike<'provider' | 'result'>
  changeToWrite: HistogramLike<'provider'>
  pushFallbacks: GaugeLike<'provider'>
}

export interface SubscriptionRecordView {
  mailbox: string
  clientState: string
  state: 'active' | 'superseded' | 'stopped'
}

export interface SubscriptionLookup {
  find(provider: ProviderId, subscriptionId: string): SubscriptionRecordView | undefined
}

export type Admission =
  {kind: 'accepted'; mailbox: string} | {kind: 'rejected'; reason: 'unknown' | 'forged' | 'stopped' | 'replayed'}

export interface Admitter {
  admit(provider: ProviderId, notification: PushNotification): Admission
}

export interface ListenerOptionsLike {
  host: string
  port: number
  tls?: {cert: string; key: string}
  readers: Partial<Record<ProviderId, (request: WebhookRequest) => WebhookReading>>
  admitter: Admitter
  onNotification(provider: ProviderId, mailbox: string, notification: PushNotification): void
  metrics: WatchMetricsLike
  ready(): boolean
  maxBodyBytes?: number
  /** Behind a proxy: the rate limit keys on the address the proxy appended to X-Forwarded-For. */
  trustProxy?: boolean
  log?: Logger
}

export interface ListenerLike {
  origin: string
  close(): Promise<void>
}

/** The listener side as one bundle the command loads (watch-listener's modules). */
export interface ListenerKit {
  createAdmitter(lookup: SubscriptionLookup): Admitter
  startListener(options: ListenerOptionsLike): Promise<ListenerLike>
}

const noop = {inc() {}, set() {}, observe() {}}

/** Metrics that record nothing, while metrics.ts is absent. */
export function silentMetrics(): WatchMetricsLike {
  return {
    notificationsReceived: noop,
    syncs: noop,
    writes: noop,
    conflicts: noop,
    throttled: noop,
    renewals: noop,
    changeToWrite: noop,
    pushFallbacks: noop,
  }
}

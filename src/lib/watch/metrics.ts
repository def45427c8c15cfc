/**
 * The watch service's Prometheus metrics (served by the listener's GET /metrics). Each call makes its own
 * registry: prom-client's global default registry would make a second service (or a second test) in the
 * same process fail on duplicate names.
 */
import {collectDefaultMetrics, Counter, Gauge, Histogram, Registry} from 'prom-client'

export interface WatchMetrics {
  registry: Registry
  /** Every notification a provider delivered (before admission). */
  notificationsReceived: Counter<'provider'>
  /** reason: unknown | forged | stopped | replayed (admission), invalid (not the provider's shape). */
  notificationsRejected: Counter<'provider' | 'reason'>
  /** trigger: initial | push | poll | safety | lifecycle | catchup */
  syncs: Counter<'provider' | 'trigger'>
  writes: Counter<'provider'>
  conflicts: Counter<'provider'>
  throttled: Counter<'provider'>
  /** result: ok | failed | replaced */
  renewals: Counter<'provider' | 'result'>
  /** Seconds from the event's lastModified to our write. */
  changeToWrite: Histogram<'provider'>
  /** Mailboxes polled because push keeps failing for them. */
  pushFallbacks: Gauge<'provider'>
}

export interface WatchMetricsOptions {
  /** Process metrics (CPU, memory, event-loop lag, GC); on by default. */
  processMetrics?: boolean
}

// From a fraction of a second (push plus one sync) to minutes (polling, throttling).
const CHANGE_TO_WRITE_BUCKETS = [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900]

export function createWatchMetrics(options: WatchMetricsOptions = {}): WatchMetrics {
  const registry = new Registry()
  const registers = [registry]
  if (options.processMetrics ?? true) collectDefaultMetrics({register: registry})
  return {
    registry,
    notificationsReceived: new Counter({
      name: 'hcal_notifications_received_total',
      help: 'Push notifications received, before admission.',
      labelNames: ['provider'],
      registers,
    }),
    notificationsRejected: new Counter({
      name: 'hcal_notifications_rejected_total',
      help: 'Push notifications rejected: unknown, forged, stopped, replayed or invalid.',
      labelNames: ['provider', 'reason'],
      registers,
    }),
    syncs: new Counter({
      name: 'hcal_syncs_total',
      help: 'Mailbox syncs run, by what triggered them.',
      labelNames: ['provider', 'trigger'],
      registers,
    }),
    writes: new Counter({
      name: 'hcal_writes_total',
      help: 'Events written (join blocks added, updated or removed).',
      labelNames: ['provider'],
      registers,
    }),
    conflicts: new Counter({
      name: 'hcal_conflicts_total',
      help: 'Writes refused because the event changed meanwhile.',
      labelNames: ['provider'],
      registers,
    }),
    throttled: new Counter({
      name: 'hcal_throttled_total',
      help: 'Provider responses that asked to slow down.',
      labelNames: ['provider'],
      registers,
    }),
    renewals: new Counter({
      name: 'hcal_renewals_total',
      help: 'Push subscription renewals, by result (ok, failed, replaced).',
      labelNames: ['provider', 'result'],
      registers,
    }),
    changeToWrite: new Histogram({
      name: 'hcal_change_to_write_seconds',
      help: "Seconds from an event's last modification to hcal's write of its join block.",
      labelNames: ['provider'],
      buckets: CHANGE_TO_WRITE_BUCKETS,
      registers,
    }),
    pushFallbacks: new Gauge({
      name: 'hcal_push_fallback_mailboxes',
      help: 'Mailboxes polled because push keeps failing for them.',
      labelNames: ['provider'],
      registers,
    }),
  }
}

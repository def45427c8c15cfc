/**
 * Push that keeps failing for a mailbox must not leave it unwatched: after FAILURE_LIMIT failures in a row the
 * mailbox falls back to polling (and the log and the hcal_push_fallback_mailboxes gauge say so); push is tried
 * again later, and the first success puts the mailbox back on push.
 */
import type {ProviderId} from '../core/model.js'
import type {Logger} from '../log/logger.js'
import type {SyncScheduler} from './scheduler.js'
import type {WatchMetricsLike} from './seams.js'

export const FAILURE_LIMIT = 3
/** Backoff between attempts: 5 s, 10 s, 20 s... capped at RETRY_CAP_MS. */
const FIRST_RETRY_MS = 5_000
export const RETRY_CAP_MS = 15 * 60_000

export class PushHealth {
  private readonly failures = new Map<string, number>()
  private readonly fallen = new Set<string>()

  constructor(
    private readonly provider: ProviderId,
    private readonly scheduler: SyncScheduler,
    private readonly metrics: WatchMetricsLike,
    private readonly log: Logger,
  ) {}

  /** Push works for the mailbox: its timer becomes the safety net. */
  succeeded(mailbox: string): void {
    this.failures.delete(mailbox)
    if (this.fallen.delete(mailbox)) {
      this.log.info({provider: this.provider, mailbox}, 'push works again; polling stopped for this mailbox')
      this.gauge()
    }
    this.scheduler.setMode(mailbox, 'push')
  }

  /** Counts a failure; returns how long to wait before trying push again. */
  failed(mailbox: string, error: unknown): number {
    const count = (this.failures.get(mailbox) ?? 0) + 1
    this.failures.set(mailbox, count)
    const message = (error as Error)?.message ?? String(error)
    if (count >= FAILURE_LIMIT && !this.fallen.has(mailbox)) {
      this.fallen.add(mailbox)
      this.scheduler.setMode(mailbox, 'poll')
      this.gauge()
      this.log.warn(
        {provider: this.provider, mailbox, failures: count, error: message},
        'push keeps failing for this mailbox: falling back to polling (push is retried later)',
      )
    } else {
      this.log.warn({provider: this.provider, mailbox, failures: count, error: message}, 'push failed')
    }
    return Math.min(RETRY_CAP_MS, FIRST_RETRY_MS * 2 ** (count - 1))
  }

  /** The mailbox left the service. */
  forget(mailbox: string): void {
    this.failures.delete(mailbox)
    if (this.fallen.delete(mailbox)) this.gauge()
  }

  isFallenBack(mailbox: string): boolean {
    return this.fallen.has(mailbox)
  }

  private gauge(): void {
    this.metrics.pushFallbacks.set({provider: this.provider}, this.fallen.size)
  }
}

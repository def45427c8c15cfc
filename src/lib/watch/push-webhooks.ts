/**
 * Webhook push (capabilities.push.kind 'webhook': Google channels, Graph subscriptions) for one connection: one
 * subscription per mailbox posting to `<public URL>/notify/<provider>`, renewed before it expires. A renewal
 * that replaces (Google cannot extend a channel) leaves both live for a moment: the old one is stopped once the
 * new one confirmed itself (its `sync` message) or after CONFIRM_MS, and stays in the registry (superseded, then
 * stopped) until it would have expired, so its late notifications are recognised and dropped. Every new or
 * renewed subscription is followed by a catch-up sync, so nothing changed in a gap is lost.
 */
import type {Logger} from '../log/logger.js'
import type {PushNotification, PushPort, PushSubscription, RenewOptions} from '../ports/calendar.js'
import type {StateStore, StoredSubscription, StoredUser} from '../store/index.js'
import type {SyncSession} from '../sync/session.js'
import {PushHealth} from './push-health.js'
import {asPortSubscription, keepUntil, newClientState, recordActive} from './registry.js'
import type {SyncScheduler} from './scheduler.js'
import type {WatchMetricsLike} from './seams.js'

export interface PushContext {
  session: SyncSession
  store: StateStore
  scheduler: SyncScheduler
  metrics: WatchMetricsLike
  log: Logger
  now: () => Date
}

/** What the service asks of a connection's push, whichever kind it is. */
export interface PushKeeper {
  add(user: StoredUser): void
  remove(mailbox: string): Promise<void>
  /** An admitted notification for one of this connection's subscriptions. */
  notify(mailbox: string, notification: PushNotification): void
  /** Stops timers and streams; stops the subscriptions too unless `keep`. */
  close(keep: boolean): Promise<void>
}

const CONFIRM_MS = 60_000
/** Handle key (hcal's, beside the adapter's own) recording the notification URL. */
const URL_KEY = 'hcal.notificationUrl'
/** Longest single timer (setTimeout holds at most ~24.8 days). */
const MAX_TIMER_MS = 86_400_000

/** Renew when this much of the granted lifetime is left: 15 %, between 30 s and 1 h. */
export function renewLeadMs(subscription: Pick<StoredSubscription, 'createdAt' | 'expiresAt'>): number {
  const lifetime = Date.parse(subscription.expiresAt) - Date.parse(subscription.createdAt)
  return Math.min(3_600_000, Math.max(30_000, lifetime * 0.15))
}

interface Entry {
  user: StoredUser
  current: StoredSubscription | undefined
  superseded: StoredSubscription | undefined
  timer: NodeJS.Timeout | undefined
  confirmTimer: NodeJS.Timeout | undefined
  busy: boolean
}

export class WebhookKeeper implements PushKeeper {
  private readonly entries = new Map<string, Entry>()
  private readonly health: PushHealth
  private closed = false

  constructor(
    private readonly context: PushContext,
    private readonly push: PushPort,
    private readonly notificationUrl: string,
  ) {
    this.health = new PushHealth(context.session.id, context.scheduler, context.metrics, context.log)
  }

  add(user: StoredUser): void {
    const mailbox = user.primaryEmail ?? user.email
    if (this.entries.has(mailbox)) return
    const entry: Entry = {
      user,
      current: undefined,
      superseded: undefined,
      timer: undefined,
      confirmTimer: undefined,
      busy: false,
    }
    this.entries.set(mailbox, entry)
    void this.establish(mailbox, entry)
  }

  notify(mailbox: string, notification: PushNotification): void {
    const entry = this.entries.get(mailbox)
    const scheduler = this.context.scheduler
    switch (notification.signal) {
      case 'changed':
        return scheduler.request(mailbox, 'push')
      case 'missed':
        return scheduler.request(mailbox, 'lifecycle')
      case 'sync':
        // The new channel confirmed itself: the one it replaced can go.
        if (entry?.current?.id === notification.subscriptionId && entry.superseded) void this.stopSuperseded(entry)
        return
      case 'reauthorizationRequired':
        if (entry?.current?.id === notification.subscriptionId) void this.renew(mailbox, entry, 'lifecycle')
        return
      case 'removed':
        scheduler.request(mailbox, 'lifecycle')
        if (entry?.current?.id === notification.subscriptionId) {
          this.retire(entry.current, 'stopped')
          entry.current = undefined
          this.context.log.info({provider: this.context.session.id, mailbox}, 'subscription removed: subscribing again')
          void this.subscribe(mailbox, entry)
        }
        return
    }
  }

  async remove(mailbox: string): Promise<void> {
    const entry = this.entries.get(mailbox)
    if (!entry) return
    this.entries.delete(mailbox)
    this.health.forget(mailbox)
    clearTimeout(entry.timer)
    clearTimeout(entry.confirmTimer)
    await Promise.all([entry.current, entry.superseded].flatMap((s) => (s ? [this.stopQuietly(s)] : [])))
  }

  async close(keep: boolean): Promise<void> {
    this.closed = true
    for (const entry of this.entries.values()) {
      clearTimeout(entry.timer)
      clearTimeout(entry.confirmTimer)
    }
    await Promise.all(
      [...this.entries.values()].flatMap((entry) => [
        ...(entry.superseded ? [this.stopQuietly(entry.superseded)] : []),
        ...(entry.current && !keep ? [this.stopQuietly(entry.current)] : []),
      ]),
    )
  }

  /** Reuses the stored subscription when it has life left (a restart), else subscribes. */
  private async establish(mailbox: string, entry: Entry): Promise<void> {
    const {store, session, now} = this.context
    const stored = store.subscriptions.list({provider: session.id, mailbox, state: 'active'})
    // Reused only while it has life left and posts where this service listens (the public URL may have changed).
    const usable = stored.find(
      (s) => Date.parse(s.expiresAt) - now().getTime() > renewLeadMs(s) && s.handle[URL_KEY] === this.notificationUrl,
    )
    for (const stale of stored.filter((s) => s !== usable)) await this.stopQuietly(stale)
    if (usable) {
      entry.current = usable
      this.context.log.info({provider: session.id, mailbox, subscription: usable.id}, 'push subscription reused')
      this.health.succeeded(mailbox)
      this.arm(mailbox, entry)
      return
    }
    await this.subscribe(mailbox, entry)
  }

  private async subscribe(mailbox: string, entry: Entry): Promise<void> {
    if (this.closed || this.entries.get(mailbox) !== entry) return
    const {session, now} = this.context
    const clientState = newClientState()
    try {
      const grant = session.gate.grant(entry.user.email, 'sync')
      const subscription = await session.callFor()((signal) =>
        this.push.subscribe({
          grant,
          notificationUrl: this.notificationUrl,
          lifecycleUrl: this.notificationUrl,
          clientState,
          expiresAt: new Date(now().getTime() + session.provider.capabilities.push.maxLifetimeMs).toISOString(),
          ...(signal ? {signal} : {}),
        }),
      )
      entry.current = recordActive(this.context.store, session.id, this.tagged(subscription), clientState, now())
      if (this.closed || this.entries.get(mailbox) !== entry) return void this.stopQuietly(entry.current)
      this.context.log.info(
        {provider: session.id, mailbox, subscription: subscription.id, expiresAt: subscription.expiresAt},
        'push subscription created',
      )
      this.health.succeeded(mailbox)
      this.arm(mailbox, entry)
      // Whatever changed before the subscription was live.
      this.context.scheduler.request(mailbox, 'catchup')
    } catch (error) {
      if (this.closed) return
      const wait = this.health.failed(mailbox, error)
      this.later(entry, wait, () => this.subscribe(mailbox, entry))
    }
  }

  private async renew(mailbox: string, entry: Entry, why: 'timer' | 'lifecycle'): Promise<void> {
    const old = entry.current
    if (!old || entry.busy || this.closed) return
    entry.busy = true
    const {session, store, now, metrics, log} = this.context
    try {
      const grant = session.gate.grant(entry.user.email, 'sync')
      const expiresAt = new Date(now().getTime() + session.provider.capabilities.push.maxLifetimeMs).toISOString()
      // Providers that renew by replacing give the new subscription the same secret (RenewOptions.clientState).
      const renewed = await session.callFor()((signal) => {
        const options: RenewOptions = {clientState: old.clientState, ...(signal ? {signal} : {})}
        return this.push.renew(grant, asPortSubscription(old), expiresAt, options)
      })
      if (renewed.id === old.id) {
        entry.current = {...old, expiresAt: renewed.expiresAt, handle: this.tagged(renewed).handle}
        store.subscriptions.save(entry.current)
        metrics.renewals.inc({provider: session.id, result: 'ok'})
      } else {
        entry.current = recordActive(store, session.id, this.tagged(renewed), old.clientState, now())
        this.retire(old, 'superseded')
        entry.superseded = old
        clearTimeout(entry.confirmTimer)
        entry.confirmTimer = setTimeout(() => void this.stopSuperseded(entry), CONFIRM_MS)
        metrics.renewals.inc({provider: session.id, result: 'replaced'})
      }
      log.info(
        {provider: session.id, mailbox, subscription: entry.current.id, expiresAt: entry.current.expiresAt, why},
        'push subscription renewed',
      )
      this.health.succeeded(mailbox)
      this.arm(mailbox, entry)
      this.context.scheduler.request(mailbox, 'catchup')
    } catch (error) {
      metrics.renewals.inc({provider: session.id, result: 'failed'})
      const wait = this.health.failed(mailbox, error)
      if (Date.parse(old.expiresAt) - now().getTime() > wait) {
        this.later(entry, wait, () => this.renew(mailbox, entry, why))
      } else {
        // It will be gone before another try: replace it.
        this.retire(old, 'stopped')
        entry.current = undefined
        this.later(entry, 0, () => this.subscribe(mailbox, entry))
      }
    } finally {
      entry.busy = false
    }
  }

  /** The registry remembers where a subscription posts, so a restart with another public URL replaces it. */
  private tagged(subscription: PushSubscription): PushSubscription {
    return {...subscription, handle: {...subscription.handle, [URL_KEY]: this.notificationUrl}}
  }

  private async stopSuperseded(entry: Entry): Promise<void> {
    clearTimeout(entry.confirmTimer)
    const old = entry.superseded
    entry.superseded = undefined
    if (old) await this.stopQuietly(old)
  }

  /** Stops it at the provider (failures only logged: it expires anyway) and keeps it as stopped. */
  private async stopQuietly(subscription: StoredSubscription): Promise<void> {
    const {session, log} = this.context
    this.retire(subscription, 'stopped')
    try {
      await session.callFor()((signal) => this.push.stop(asPortSubscription(subscription), signal ? {signal} : {}))
    } catch (error) {
      log.warn(
        {provider: session.id, subscription: subscription.id, error: (error as Error)?.message},
        'could not stop a push subscription; it ends at its expiry',
      )
    }
  }

  private retire(subscription: StoredSubscription, state: 'superseded' | 'stopped'): void {
    const {store, session, now} = this.context
    store.subscriptions.retire(session.id, subscription.id, state, keepUntil(subscription, now()))
  }

  private arm(mailbox: string, entry: Entry): void {
    const current = entry.current
    if (!current) return
    const due = Date.parse(current.expiresAt) - renewLeadMs(current) - this.context.now().getTime()
    this.later(entry, Math.max(0, due), () =>
      due > MAX_TIMER_MS ? Promise.resolve(this.arm(mailbox, entry)) : this.renew(mailbox, entry, 'timer'),
    )
  }

  private later(entry: Entry, ms: number, work: () => Promise<void>): void {
    clearTimeout(entry.timer)
    if (this.closed) return
    entry.timer = setTimeout(() => void work(), Math.min(ms, MAX_TIMER_MS))
  }
}

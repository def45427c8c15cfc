/**
 * The watch service's connections: one sync session per calendar system with active mailboxes, opened when its
 * first mailbox appears and kept open, each with the push keeper its capabilities call for: webhook push needs a
 * public URL, stream push needs nothing inbound, and without either (or without an adapter `push`) its
 * mailboxes are polled. Nothing here asks which provider it is: capabilities.push.kind and provider.push decide.
 */
import type {ProviderId} from '../core/model.js'
import {isHcalError} from '../errors.js'
import type {Logger} from '../log/logger.js'
import type {StateStore} from '../store/index.js'
import {openSyncSession, type SessionOptions, type SyncSession} from '../sync/session.js'
import {StreamKeeper} from './push-streams.js'
import {WebhookKeeper, type PushKeeper} from './push-webhooks.js'
import type {SyncScheduler} from './scheduler.js'
import type {WatchMetricsLike} from './seams.js'

/** After a connection failed to open, wait this long before trying again. */
const REOPEN_MS = 60_000

export interface Connection {
  session: SyncSession
  push: PushKeeper | undefined
}

export interface ConnectionsOptions {
  session: Omit<SessionOptions, 'onRequest'>
  store: StateStore
  scheduler: SyncScheduler
  metrics: WatchMetricsLike
  log: Logger
  now: () => Date
  /** `${publicUrl}/notify/<provider>` when --public-url was given. */
  notificationUrl?: (provider: ProviderId) => string
  /** Test hooks for the stream watchdog and connection length. */
  stream?: {watchdogMs?: number; streamMinutes?: number}
}

export class Connections {
  private readonly open = new Map<ProviderId, Connection>()
  private readonly failedAt = new Map<ProviderId, number>()

  constructor(private readonly options: ConnectionsOptions) {}

  get(provider: ProviderId): Connection | undefined {
    return this.open.get(provider)
  }

  all(): Connection[] {
    return [...this.open.values()]
  }

  /** The provider's connection, opened now if needed; undefined while it cannot be opened (logged). */
  async ensure(provider: ProviderId): Promise<Connection | undefined> {
    const existing = this.open.get(provider)
    if (existing) return existing
    const failed = this.failedAt.get(provider)
    if (failed !== undefined && this.options.now().getTime() - failed < REOPEN_MS) return undefined
    const {metrics, log} = this.options
    try {
      const session = await openSyncSession(provider, {
        ...this.options.session,
        onRequest: (record) => {
          if (record.throttled) metrics.throttled.inc({provider})
        },
      })
      const connection: Connection = {session, push: this.keeperFor(session)}
      this.open.set(provider, connection)
      this.failedAt.delete(provider)
      return connection
    } catch (error) {
      if (!isHcalError(error)) throw error
      this.failedAt.set(provider, this.options.now().getTime())
      log.error(
        {provider, code: error.code, error: error.message, fix: error.suggestions.join(' ')},
        'cannot open the connection; its mailboxes wait (tried again in a minute)',
      )
      return undefined
    }
  }

  async close(keepSubscriptions: boolean): Promise<void> {
    await Promise.all(this.all().map((c) => c.push?.close(keepSubscriptions) ?? Promise.resolve()))
    await Promise.all(this.all().map((c) => c.session.close()))
    this.open.clear()
  }

  private keeperFor(session: SyncSession): PushKeeper | undefined {
    const {provider} = session
    const context = {
      session,
      store: this.options.store,
      scheduler: this.options.scheduler,
      metrics: this.options.metrics,
      log: this.options.log,
      now: this.options.now,
    }
    const kind = provider.capabilities.push.kind
    const interval = 'mailboxes are polled'
    if (kind === 'none' || !provider.push) {
      this.options.log.info({provider: session.id, push: kind}, `no push for this calendar system: ${interval}`)
      return undefined
    }
    if (kind === 'stream') {
      if (!provider.push.openStream) return undefined
      const openStream = provider.push.openStream.bind(provider.push)
      return new StreamKeeper(context, provider.push, openStream, this.options.stream ?? {})
    }
    if (!this.options.notificationUrl) {
      this.options.log.info(
        {provider: session.id, push: kind},
        `webhook push needs --public-url: ${interval} at --interval`,
      )
      return undefined
    }
    return new WebhookKeeper(context, provider.push, this.options.notificationUrl(session.id))
  }
}

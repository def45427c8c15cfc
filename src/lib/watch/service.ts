/**
 * `hcal sync --watch`: the long-running service. It takes the profile's lock, opens one connection per calendar
 * system, starts the listener when asked (webhooks, /healthz, /metrics), syncs every active mailbox once (ready
 * after that), then keeps them current: push where the provider has it, polling where not, a safety-net resync
 * for pushed mailboxes, users activated or deactivated picked up as they change, Join buttons and out-of-office
 * edges published at their time, the outbox delivered periodically. On the shutdown signal it stops accepting,
 * lets the syncs in flight finish their writes, stops its subscriptions (unless kept) and releases the lock;
 * a restart resumes from the stored cursors and subscriptions.
 */
import type {ProfileConfig} from '../config/profiles.js'
import type {ProviderId} from '../core/model.js'
import type {MeetingSettings} from '../core/settings.js'
import type {Logger} from '../log/logger.js'
import type {WebhookReading, WebhookRequest} from '../ports/calendar.js'
import {deliverOutbox, openEventSink} from '../publish/index.js'
import type {RetryOptions} from '../retry/policy.js'
import type {SecretStore} from '../secrets/index.js'
import type {StateStore, StoredUser} from '../store/index.js'
import {checkSyncSection, groupByProvider} from '../sync/run.js'
import {emptyTally, mailboxOf} from '../sync/session.js'
import {Connections} from './connections.js'
import {acquireWatchLock} from './lock.js'
import {MomentKeeper} from './moments.js'
import {lookupIn} from './registry.js'
import {SyncScheduler, type SyncTrigger} from './scheduler.js'
import type {ListenerKit, ListenerLike, WatchMetricsLike} from './seams.js'

export const WATCH_DEFAULTS = {
  pollMs: 5 * 60_000,
  /** Pushed mailboxes still sync this often: a dropped notification is caught within it. */
  safetyMs: 60 * 60_000,
  /** How often the users table is looked at for activations and deactivations. */
  usersMs: 5_000,
  /** How often the outbox is delivered to the publishing sinks. */
  deliverMs: 15_000,
  /** How long syncs in flight may take to finish after the shutdown signal. */
  drainMs: 20_000,
  retentionMs: 3_600_000,
} as const

export interface WatchOptions {
  profileName: string
  profile: ProfileConfig
  store: StateStore
  secrets: SecretStore
  settings: MeetingSettings
  log: Logger
  /** Aborted on SIGINT/SIGTERM. */
  signal: AbortSignal
  metrics: WatchMetricsLike
  pollMs?: number
  safetyMs?: number
  usersMs?: number
  deliverMs?: number
  publicUrl?: string
  listen?: {host: string; port: number; tls?: {cert: string; key: string}}
  /** The listener's modules, when present. */
  kit?: ListenerKit
  keepSubscriptions?: boolean
  retry?: RetryOptions
  now?: () => Date
  /** Called once the first sync of every mailbox finished (the service is ready). */
  onReady?: (info: {mailboxes: number; listener: string | undefined}) => void
  stream?: {watchdogMs?: number; streamMinutes?: number}
}

export interface WatchSummary {
  mailboxes: number
  syncs: number
  failedSyncs: number
  keptSubscriptions: boolean
}

export async function runWatch(options: WatchOptions): Promise<WatchSummary> {
  checkSyncSection(options.profile)
  const lock = await acquireWatchLock(options.profileName, {
    onCompromised: (error) => options.log.error({error: error.message}, 'the watch lock was lost'),
  })
  try {
    return await new WatchService(options).run()
  } finally {
    await lock.release()
  }
}

class WatchService {
  private readonly log: Logger
  private readonly now: () => Date
  /** Aborted only after the drain time: syncs in flight at shutdown finish their writes. */
  private readonly hardStop = new AbortController()
  private readonly scheduler: SyncScheduler
  private readonly connections: Connections
  private readonly moments: MomentKeeper
  private readonly users = new Map<string, StoredUser>()
  private readonly summary: WatchSummary
  private ready = false
  private listener: ListenerLike | undefined
  private readonly timers: NodeJS.Timeout[] = []
  private delivering: Promise<unknown> | undefined
  private readonly readers: Partial<Record<ProviderId, (request: WebhookRequest) => WebhookReading>> = {}

  constructor(private readonly options: WatchOptions) {
    this.log = options.log
    this.now = options.now ?? (() => new Date())
    this.summary = {mailboxes: 0, syncs: 0, failedSyncs: 0, keptSubscriptions: options.keepSubscriptions ?? false}
    const sink = openEventSink(options.store, options.profile)
    this.scheduler = new SyncScheduler({
      pollMs: options.pollMs ?? WATCH_DEFAULTS.pollMs,
      safetyMs: options.safetyMs ?? WATCH_DEFAULTS.safetyMs,
      run: (mailbox, trigger) => this.syncOne(mailbox, trigger),
    })
    const publicUrl = options.publicUrl?.replace(/\/+$/, '')
    this.connections = new Connections({
      session: {
        profile: options.profile,
        store: options.store,
        secrets: options.secrets,
        settings: options.settings,
        sink,
        signal: this.hardStop.signal,
        now: this.now,
        ...(options.retry ? {retry: options.retry} : {}),
      },
      store: options.store,
      scheduler: this.scheduler,
      metrics: options.metrics,
      log: this.log,
      now: this.now,
      ...(publicUrl ? {notificationUrl: (provider: ProviderId) => `${publicUrl}/notify/${provider}`} : {}),
      ...(options.stream ? {stream: options.stream} : {}),
    })
    this.moments = new MomentKeeper({
      store: options.store,
      sink,
      settings: options.settings,
      log: this.log,
      now: this.now,
    })
  }

  async run(): Promise<WatchSummary> {
    const {signal} = this.options
    try {
      const active = this.activeUsers()
      for (const provider of groupByProvider(active).keys()) await this.connections.ensure(provider)
      await this.startListener()
      for (const user of active) await this.addUser(user, 'initial')
      this.every(this.options.usersMs ?? WATCH_DEFAULTS.usersMs, () => this.followUsers())
      this.every(this.options.deliverMs ?? WATCH_DEFAULTS.deliverMs, () => this.deliver())
      this.every(WATCH_DEFAULTS.retentionMs, () => this.retain())
      this.moments.start()
      await Promise.race([this.scheduler.idle(), aborted(signal)])
      if (!signal.aborted) {
        this.ready = true
        this.log.info({mailboxes: this.users.size, listener: this.listener?.origin}, 'watch ready')
        this.options.onReady?.({mailboxes: this.users.size, listener: this.listener?.origin})
      }
      await aborted(signal)
    } finally {
      await this.shutdown()
    }
    return this.summary
  }

  private async startListener(): Promise<void> {
    const {listen, kit} = this.options
    if (!listen || !kit) return
    for (const connection of this.connections.all()) this.addReader(connection.session.id)
    this.listener = await kit.startListener({
      host: listen.host,
      port: listen.port,
      ...(listen.tls ? {tls: listen.tls} : {}),
      readers: this.readers,
      admitter: kit.createAdmitter(lookupIn(this.options.store)),
      onNotification: (provider, mailbox, notification) => {
        if (this.users.has(mailbox)) this.connections.get(provider)?.push?.notify(mailbox, notification)
      },
      metrics: this.options.metrics,
      ready: () => this.ready,
      // Plain HTTP is only reachable by the calendar systems through a TLS-terminating proxy.
      trustProxy: !listen.tls,
      log: this.log,
    })
    this.log.info({origin: this.listener.origin}, 'listening')
  }

  private addReader(provider: ProviderId): void {
    const push = this.connections.get(provider)?.session.provider.push
    if (push?.decodeWebhook) this.readers[provider] = push.decodeWebhook.bind(push)
  }

  private activeUsers(): StoredUser[] {
    return [...groupByProvider(this.options.store.users.list({state: 'active'})).values()].flat()
  }

  private async addUser(user: StoredUser, trigger: SyncTrigger): Promise<void> {
    const mailbox = mailboxOf(user)
    const connection = await this.connections.ensure(user.provider)
    if (!connection || this.options.signal.aborted) return
    this.addReader(user.provider)
    this.users.set(mailbox, user)
    this.summary.mailboxes = Math.max(this.summary.mailboxes, this.users.size)
    this.scheduler.add(mailbox)
    connection.push?.add(user)
    this.scheduler.request(mailbox, trigger)
    if (trigger !== 'initial') this.log.info({mailbox, provider: user.provider}, 'mailbox activated: now watched')
  }

  private async removeUser(mailbox: string): Promise<void> {
    const user = this.users.get(mailbox)
    if (!user) return
    this.users.delete(mailbox)
    this.scheduler.remove(mailbox)
    await this.connections.get(user.provider)?.push?.remove(mailbox)
    this.log.info({mailbox, provider: user.provider}, 'mailbox no longer active: not watched any more')
  }

  /** Activations and deactivations since the last look (another hcal process changes the users table). */
  private async followUsers(): Promise<void> {
    const active = new Map(this.activeUsers().map((user) => [mailboxOf(user), user]))
    for (const mailbox of [...this.users.keys()]) if (!active.has(mailbox)) await this.removeUser(mailbox)
    for (const [mailbox, user] of active) if (!this.users.has(mailbox)) await this.addUser(user, 'initial')
  }

  private async syncOne(mailbox: string, trigger: SyncTrigger): Promise<void> {
    const user = this.users.get(mailbox)
    const connection = user && this.connections.get(user.provider)
    if (!user || !connection) return
    const tally = emptyTally()
    const started = this.now().getTime()
    try {
      const outcome = await connection.session.syncUser(user, tally)
      const provider = user.provider
      const {joinBlocks, meetingsRead, conflicts} = tally.counts
      const writes = joinBlocks.written + joinBlocks.updated + joinBlocks.removed
      this.summary.syncs++
      this.options.metrics.syncs.inc({provider, trigger})
      if (writes > 0) this.options.metrics.writes.inc({provider}, writes)
      if (conflicts > 0) this.options.metrics.conflicts.inc({provider}, conflicts)
      const fields = {mailbox, provider, trigger, ms: this.now().getTime() - started}
      if (outcome.status === 'failed') {
        this.summary.failedSyncs++
        const {error} = outcome
        this.log.warn(
          {...fields, code: error.code, error: error.message, fix: error.suggestions.join(' ')},
          'mailbox sync failed',
        )
        return
      }
      for (const problem of tally.problems)
        this.log.warn({mailbox, eventId: problem.eventId, code: problem.code}, problem.problem)
      const detail = {...fields, round: outcome.round, read: meetingsRead, joinBlocks, conflicts}
      if (writes > 0 || outcome.round === 'full' || trigger === 'initial') this.log.info(detail, 'mailbox synced')
      else this.log.debug(detail, 'mailbox synced')
      this.moments.replan()
    } catch (error) {
      // Only an abort (the hard stop) gets here.
      this.log.debug({mailbox, error: (error as Error)?.message}, 'sync stopped by shutdown')
    }
  }

  private deliver(): Promise<unknown> {
    if ((this.options.profile.publish?.sinks ?? []).length === 0) return Promise.resolve()
    this.delivering ??= deliverOutbox({
      store: this.options.store,
      profile: this.options.profile,
      secrets: this.options.secrets,
      budgetMs: 10_000,
      signal: this.hardStop.signal,
    })
      .then((report) => {
        if (report.delivered + report.failed > 0) this.log.info({...report, sinks: undefined}, 'outbox delivered')
        for (const sink of report.sinks.filter((s) => s.skipped !== null || s.failed > 0))
          this.log.warn({sink: sink.sink, skipped: sink.skipped, failed: sink.failed}, 'publishing to a sink failed')
      })
      .catch((error: unknown) => this.log.error({error: (error as Error)?.message}, 'outbox delivery failed'))
      .finally(() => (this.delivering = undefined))
    return this.delivering
  }

  private retain(): void {
    const removed = this.options.store.applyRetention(this.now())
    const dropped = this.options.store.subscriptions.dropRetired(this.now())
    this.log.debug({meetings: removed, subscriptions: dropped}, 'retention')
  }

  /** Runs `work` every `ms`, never two at once; errors are logged, the timer goes on. */
  private every(ms: number, work: () => unknown): void {
    let running = false
    const timer = setInterval(() => {
      if (running) return
      running = true
      void Promise.resolve()
        .then(work)
        .catch((error: unknown) => this.log.error({error: (error as Error)?.message}, 'periodic task failed'))
        .finally(() => (running = false))
    }, ms)
    this.timers.push(timer)
  }

  private async shutdown(): Promise<void> {
    this.log.info({keepSubscriptions: this.summary.keptSubscriptions}, 'shutting down')
    for (const timer of this.timers) clearInterval(timer)
    this.moments.stop()
    this.scheduler.stop()
    await this.listener?.close().catch(() => undefined)
    // Writes in flight finish (each is one request); after the drain time they are cut off.
    const cut = setTimeout(() => this.hardStop.abort(), WATCH_DEFAULTS.drainMs)
    await this.scheduler.idle()
    clearTimeout(cut)
    await this.connections.close(this.summary.keptSubscriptions)
    await this.delivering
    // What the last syncs enqueued goes out if it can, briefly.
    if ((this.options.profile.publish?.sinks ?? []).length > 0) {
      await deliverOutbox({
        store: this.options.store,
        profile: this.options.profile,
        secrets: this.options.secrets,
        budgetMs: 3_000,
      }).catch(() => undefined)
    }
    this.log.info({syncs: this.summary.syncs}, 'stopped')
  }
}

function aborted(signal: AbortSignal): Promise<void> {
  return signal.aborted
    ? Promise.resolve()
    : new Promise((resolve) => signal.addEventListener('abort', () => resolve(), {once: true}))
}

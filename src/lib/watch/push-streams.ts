/**
 * Stream push (capabilities.push.kind 'stream': EWS streaming notifications) for one connection: a subscription
 * per mailbox, carried by connections of at most capabilities.push.maxPerStream subscriptions each, opened as
 * the group's first mailbox. A connection is asked to last STREAM_MINUTES (under EWS's 30-minute limit) and is
 * reopened when it closes; a watchdog reopens one that shows no sign of life for WATCHDOG_MS (a hung stream) and
 * catches its mailboxes up; `lost` subscriptions (ErrorSubscriptionNotFound, an invalid watermark) are made
 * again and their mailboxes caught up. Membership changes (users activated or deactivated) regroup the streams.
 */
import type {PushNotification, PushPort, RenewOptions, StreamEnd, StreamRequest} from '../ports/calendar.js'
import type {StoredSubscription, StoredUser} from '../store/index.js'
import {PushHealth} from './push-health.js'
import type {PushContext, PushKeeper} from './push-webhooks.js'
import {asPortSubscription, keepUntil, newClientState, recordActive} from './registry.js'

export const STREAM_MINUTES = 25
/** EWS sends a keep-alive every minute or so; three missed mean the stream hangs. */
export const WATCHDOG_MS = 150_000
const REGROUP_DELAY_MS = 500

interface Member {
  user: StoredUser
  subscription: StoredSubscription | undefined
  retry: NodeJS.Timeout | undefined
}

interface Group {
  mailboxes: string[]
  controller: AbortController
  done: Promise<void>
}

export class StreamKeeper implements PushKeeper {
  private readonly members = new Map<string, Member>()
  private groups: Group[] = []
  private regroupTimer: NodeJS.Timeout | undefined
  private readonly health: PushHealth
  private closed = false

  constructor(
    private readonly context: PushContext,
    private readonly push: PushPort,
    private readonly openStream: (request: StreamRequest) => Promise<StreamEnd>,
    private readonly options: {watchdogMs?: number; streamMinutes?: number} = {},
  ) {
    this.health = new PushHealth(context.session.id, context.scheduler, context.metrics, context.log)
  }

  add(user: StoredUser): void {
    const mailbox = user.primaryEmail ?? user.email
    if (this.members.has(mailbox)) return
    const member: Member = {user, subscription: undefined, retry: undefined}
    this.members.set(mailbox, member)
    const {store, session, now} = this.context
    const stored = store.subscriptions.list({provider: session.id, mailbox, state: 'active'})
    // A streaming subscription lives as long as a connection serves it: one kept over a restart is worth trying.
    const kept = stored.find((s) => Date.parse(s.expiresAt) > now().getTime())
    for (const stale of stored.filter((s) => s !== kept)) void this.stopQuietly(stale)
    if (kept) {
      member.subscription = kept
      this.health.succeeded(mailbox)
      this.regroup()
    } else void this.subscribe(mailbox, member)
  }

  notify(mailbox: string, notification: PushNotification): void {
    if (notification.signal === 'changed' || notification.signal === 'missed')
      this.context.scheduler.request(mailbox, notification.signal === 'changed' ? 'push' : 'lifecycle')
  }

  async remove(mailbox: string): Promise<void> {
    const member = this.members.get(mailbox)
    if (!member) return
    this.members.delete(mailbox)
    this.health.forget(mailbox)
    clearTimeout(member.retry)
    if (member.subscription) await this.stopQuietly(member.subscription)
    this.regroup()
  }

  async close(keep: boolean): Promise<void> {
    this.closed = true
    clearTimeout(this.regroupTimer)
    for (const member of this.members.values()) clearTimeout(member.retry)
    for (const group of this.groups) group.controller.abort()
    await Promise.all(this.groups.map((group) => group.done))
    if (!keep) {
      await Promise.all(
        [...this.members.values()].flatMap((m) => (m.subscription ? [this.stopQuietly(m.subscription)] : [])),
      )
    }
  }

  private async subscribe(mailbox: string, member: Member): Promise<void> {
    if (this.closed || this.members.get(mailbox) !== member) return
    const {session, store, now, log} = this.context
    try {
      const grant = session.gate.grant(member.user.email, 'sync')
      const clientState = newClientState()
      const subscription = await session.callFor()((signal) =>
        this.push.subscribe({
          grant,
          clientState,
          expiresAt: new Date(now().getTime() + session.provider.capabilities.push.maxLifetimeMs).toISOString(),
          ...(signal ? {signal} : {}),
        }),
      )
      member.subscription = recordActive(store, session.id, subscription, clientState, now())
      log.info({provider: session.id, mailbox, subscription: subscription.id}, 'streaming subscription created')
      this.health.succeeded(mailbox)
      this.regroup()
      this.context.scheduler.request(mailbox, 'catchup')
    } catch (error) {
      if (this.closed) return
      const wait = this.health.failed(mailbox, error)
      member.retry = setTimeout(() => void this.subscribe(mailbox, member), wait)
    }
  }

  /** Rebuilds the connections from the current subscriptions (debounced: activations come in bursts). */
  private regroup(): void {
    if (this.closed) return
    clearTimeout(this.regroupTimer)
    this.regroupTimer = setTimeout(() => void this.restartGroups(), REGROUP_DELAY_MS)
  }

  private async restartGroups(): Promise<void> {
    const old = this.groups
    this.groups = []
    for (const group of old) group.controller.abort()
    await Promise.all(old.map((group) => group.done))
    if (this.closed) return
    const ready = [...this.members].filter(([, m]) => m.subscription).map(([mailbox]) => mailbox)
    const size = Math.max(1, this.context.session.provider.capabilities.push.maxPerStream)
    for (let i = 0; i < ready.length; i += size) {
      const mailboxes = ready.slice(i, i + size)
      const controller = new AbortController()
      const group: Group = {mailboxes, controller, done: Promise.resolve()}
      group.done = this.run(group)
      this.groups.push(group)
    }
  }

  /** Holds the group's connection open, reopening it, until the group is aborted (regroup or shutdown). */
  private async run(group: Group): Promise<void> {
    const {session, log} = this.context
    const watchdogMs = this.options.watchdogMs ?? WATCHDOG_MS
    let caughtUp = true
    while (!group.controller.signal.aborted) {
      const members = group.mailboxes.flatMap((mailbox) => {
        const member = this.members.get(mailbox)
        return member?.subscription ? [{mailbox, member, subscription: member.subscription}] : []
      })
      const [anchor] = members
      if (!anchor) return
      await this.extend(members)
      const connection = new AbortController()
      const abort = () => connection.abort()
      group.controller.signal.addEventListener('abort', abort, {once: true})
      let lastAlive = Date.now()
      let hung = false
      let alive = false
      // The first sign of life shows the connection works: its mailboxes are on push (again).
      const sawLife = () => {
        lastAlive = Date.now()
        if (alive) return
        alive = true
        for (const m of members) this.health.succeeded(m.mailbox)
      }
      const watchdog = setInterval(
        () => {
          if (Date.now() - lastAlive <= watchdogMs) return
          hung = true
          log.warn({provider: session.id, mailboxes: members.length}, 'stream silent too long: reopening it')
          connection.abort()
        },
        Math.min(watchdogMs, 10_000),
      )
      try {
        const end: StreamEnd = await this.openStream({
          grant: session.gate.grant(anchor.member.user.email, 'sync'),
          subscriptions: members.map((m) => asPortSubscription(m.subscription)),
          connectionMinutes: this.options.streamMinutes ?? STREAM_MINUTES,
          signal: connection.signal,
          onNotification: (notification) => {
            sawLife()
            const owner = members.find((m) => m.subscription.id === notification.subscriptionId)
            if (owner) this.notify(owner.mailbox, notification)
          },
          onAlive: sawLife,
        })
        // After a failure or a hang, changes may have happened while no connection listened.
        if (!caughtUp || hung) for (const m of members) this.context.scheduler.request(m.mailbox, 'catchup')
        caughtUp = true
        if (end.kind === 'lost') {
          log.warn(
            {provider: session.id, subscriptions: end.subscriptionIds.length, reason: end.failure.message},
            'streaming subscriptions lost: subscribing again and catching up',
          )
          for (const id of end.subscriptionIds) {
            const lost = members.find((m) => m.subscription.id === id)
            if (!lost) continue
            this.retire(lost.subscription)
            lost.member.subscription = undefined
            this.context.scheduler.request(lost.mailbox, 'catchup')
            void this.subscribe(lost.mailbox, lost.member)
          }
        }
      } catch (error) {
        if (group.controller.signal.aborted) return
        caughtUp = false
        let wait = 0
        for (const m of members) wait = this.health.failed(m.mailbox, error)
        await pause(wait, group.controller.signal)
      } finally {
        clearInterval(watchdog)
        group.controller.signal.removeEventListener('abort', abort)
      }
    }
  }

  /**
   * Moves the stored expiry of subscriptions near it (a streaming subscription lives while connections serve
   * it; `renew` sends nothing), so a restart knows they are current and reuses them.
   */
  private async extend(members: {mailbox: string; member: Member; subscription: StoredSubscription}[]): Promise<void> {
    const {session, store, now} = this.context
    const lifetime = session.provider.capabilities.push.maxLifetimeMs
    for (const m of members) {
      if (Date.parse(m.subscription.expiresAt) - now().getTime() > lifetime / 2) continue
      try {
        const grant = session.gate.grant(m.member.user.email, 'sync')
        const expiresAt = new Date(now().getTime() + lifetime).toISOString()
        const options: RenewOptions = {clientState: m.subscription.clientState}
        const renewed = await this.push.renew(grant, asPortSubscription(m.subscription), expiresAt, options)
        m.member.subscription = {...m.subscription, expiresAt: renewed.expiresAt}
        m.subscription = m.member.subscription
        store.subscriptions.save(m.subscription)
      } catch (error) {
        this.context.log.debug({mailbox: m.mailbox, error: (error as Error)?.message}, 'subscription not extended')
      }
    }
  }

  private retire(subscription: StoredSubscription): void {
    const {store, session, now} = this.context
    store.subscriptions.retire(session.id, subscription.id, 'stopped', keepUntil(subscription, now()))
  }

  private async stopQuietly(subscription: StoredSubscription): Promise<void> {
    this.retire(subscription)
    try {
      await this.context.session.callFor()((signal) =>
        this.push.stop(asPortSubscription(subscription), signal ? {signal} : {}),
      )
    } catch (error) {
      this.context.log.warn(
        {provider: this.context.session.id, subscription: subscription.id, error: (error as Error)?.message},
        'could not stop a streaming subscription; it ends when no connection serves it',
      )
    }
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms)
    function done() {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, {once: true})
  })
}

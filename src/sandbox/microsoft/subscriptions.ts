/**
 * Graph change notifications for Outlook events: subscription registry with the validationToken handshake
 * (notification and lifecycle URLs, 10 s, HTTPS only), the 4,230-minute lifetime cap, clientState echo,
 * change notifications through the host's delivery client, and lifecycle notifications
 * (reauthorizationRequired, missed, subscriptionRemoved — the last one also at expiry).
 */
import {randomUUID} from 'node:crypto'
import {rootCertificates} from 'node:tls'

import {Agent, fetch} from 'undici'

import type {SandboxContext} from '../types.js'
import type {Directory} from './directory.js'
import type {ChangeType, Mailbox, StoredEvent} from './model.js'
import {etagOf} from './render.js'

export const MAX_LIFETIME_MINUTES = 4230
export const VALIDATION_TIMEOUT_MS = 10_000
const SWEEP_INTERVAL_MS = 1000

export type LifecycleEvent = 'reauthorizationRequired' | 'missed' | 'subscriptionRemoved'

export interface Subscription {
  id: string
  resource: string
  changeType: string
  clientState: string | null
  notificationUrl: string
  lifecycleNotificationUrl: string | null
  expirationDateTime: string
  applicationId: string
  creatorId: string
  /** Lower-cased address of the mailbox the resource names. */
  mailbox: string
  mailboxId: string
}

export function renderSubscription(subscription: Subscription, origin: string): Record<string, unknown> {
  return {
    '@odata.context': `${origin}/v1.0/$metadata#subscriptions/$entity`,
    id: subscription.id,
    resource: subscription.resource,
    applicationId: subscription.applicationId,
    changeType: subscription.changeType,
    clientState: subscription.clientState,
    notificationUrl: subscription.notificationUrl,
    notificationQueryOptions: null,
    lifecycleNotificationUrl: subscription.lifecycleNotificationUrl,
    expirationDateTime: subscription.expirationDateTime,
    creatorId: subscription.creatorId,
    includeResourceData: null,
    latestSupportedTlsVersion: 'v1_2',
    encryptionCertificate: null,
    encryptionCertificateId: null,
    notificationUrlAppId: null,
  }
}

export class SubscriptionHub {
  readonly subscriptions = new Map<string, Subscription>()
  private readonly pending = new Set<Promise<unknown>>()
  private readonly agent: Agent
  private readonly sweeper: NodeJS.Timeout

  constructor(
    private readonly ctx: SandboxContext,
    private readonly directory: Directory,
    /** Graph's 10 s; a test may pass less to see an endpoint that answers too late refused. */
    private readonly validationTimeoutMs = VALIDATION_TIMEOUT_MS,
  ) {
    this.agent = new Agent({connect: {ca: [...rootCertificates, ctx.caPem]}})
    this.sweeper = setInterval(() => this.expire(Date.now()), SWEEP_INTERVAL_MS)
    this.sweeper.unref()
  }

  /**
   * Graph's handshake: POST `url?validationToken=...` (text/plain) and expect 200, Content-Type text/plain
   * and the decoded token as the body, within 10 s. Needs the body, so it uses its own CA-trusting client, not ctx.deliver.
   */
  async validate(url: string): Promise<boolean> {
    const token = `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()}`
    const target = new URL(url)
    target.searchParams.set('validationToken', token)
    try {
      const response = await fetch(target, {
        method: 'POST',
        headers: {'content-type': 'text/plain; charset=utf-8'},
        body: '',
        dispatcher: this.agent,
        signal: AbortSignal.timeout(this.validationTimeoutMs),
      })
      const text = await response.text()
      const plain = (response.headers.get('content-type') ?? '').toLowerCase().startsWith('text/plain')
      return response.status === 200 && plain && text === token
    } catch {
      return false
    }
  }

  add(subscription: Subscription): void {
    this.subscriptions.set(subscription.id, subscription)
  }

  /** Called by the store on every change: one notification per matching subscription. */
  notifyChange(mailbox: Mailbox, event: StoredEvent, change: ChangeType): void {
    for (const subscription of this.subscriptions.values()) {
      if (subscription.mailbox !== mailbox.address) continue
      if (!subscription.changeType.split(',').includes(change)) continue
      const resource = `Users/${mailbox.id}/Events/${event.id}`
      this.post(subscription.notificationUrl, {
        value: [
          {
            subscriptionId: subscription.id,
            subscriptionExpirationDateTime: subscription.expirationDateTime,
            changeType: change,
            resource,
            resourceData: {
              '@odata.type': '#Microsoft.Graph.Event',
              '@odata.id': resource,
              '@odata.etag': etagOf(event),
              id: event.id,
            },
            clientState: subscription.clientState,
            tenantId: this.directory.tenantId,
          },
        ],
      })
    }
  }

  /** Sends a lifecycle notification; false when the subscription has no lifecycle URL. */
  lifecycle(subscription: Subscription, event: LifecycleEvent): boolean {
    if (!subscription.lifecycleNotificationUrl) return false
    this.post(subscription.lifecycleNotificationUrl, {
      value: [
        {
          subscriptionId: subscription.id,
          subscriptionExpirationDateTime: subscription.expirationDateTime,
          tenantId: this.directory.tenantId,
          clientState: subscription.clientState,
          lifecycleEvent: event,
        },
      ],
    })
    return true
  }

  /**
   * Removes subscriptions whose expiration is at or before `now` (every one with `all`), of one mailbox or
   * all, each with a subscriptionRemoved lifecycle notification. Returns how many went.
   */
  expire(now: number, options: {mailbox?: string; all?: boolean} = {}): number {
    let removed = 0
    for (const subscription of [...this.subscriptions.values()]) {
      if (options.mailbox !== undefined && options.mailbox !== subscription.mailbox) continue
      if (!options.all && Date.parse(subscription.expirationDateTime) > now) continue
      this.subscriptions.delete(subscription.id)
      this.lifecycle(subscription, 'subscriptionRemoved')
      removed++
    }
    return removed
  }

  private post(url: string, body: unknown): void {
    if (this.ctx.faults.shouldDropNotification('microsoft')) return
    const delivery = this.ctx
      .deliver(url, {
        method: 'POST',
        headers: {'content-type': 'application/json; charset=utf-8'},
        body: JSON.stringify(body),
      })
      .catch(() => 0)
      .finally(() => this.pending.delete(delivery))
    this.pending.add(delivery)
  }

  /** Resolves once every notification posted so far was delivered (or failed). */
  async flush(): Promise<number> {
    const pending = [...this.pending]
    await Promise.allSettled(pending)
    return pending.length
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper)
    await Promise.allSettled([...this.pending])
    await this.agent.close()
  }

  static newId(): string {
    return randomUUID()
  }
}

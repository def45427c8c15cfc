/**
 * Streaming subscriptions and their hanging GetStreamingEvents connections. Events are queued per
 * subscription until a connection carries them; each event travels in its own unprefixed
 * `<Envelope xmlns="...soap/envelope/">` chunk (several may share one TCP write), keep-alives report
 * `ConnectionStatus OK`, and the connection ends with `ConnectionStatus Closed` at its timeout.
 */
import {randomBytes} from 'node:crypto'
import type {ServerResponse} from 'node:http'

import {folderId} from './ids.js'
import type {ChangeKind, ExItem, ExMailbox} from './model.js'
import {ewsDate} from './render.js'
import type {ServerVersion} from './policy.js'
import {escapeXml, NS} from './xml.js'

export const EVENT_TYPES = [
  'CopiedEvent',
  'CreatedEvent',
  'DeletedEvent',
  'ModifiedEvent',
  'MovedEvent',
  'NewMailEvent',
  'FreeBusyChangedEvent',
] as const

const KIND_EVENT: Record<ChangeKind, string> = {
  created: 'CreatedEvent',
  modified: 'ModifiedEvent',
  deleted: 'DeletedEvent',
}

export interface StreamingSettings {
  /** Interval between `ConnectionStatus OK` keep-alives. */
  keepAliveMs: number
  /** Length of one ConnectionTimeout minute (tests shrink it). */
  minuteMs: number
}

interface PendingEvent {
  type: string
  xml: string
}

interface Subscription {
  id: string
  mailbox: string
  eventTypes: Set<string>
  queue: PendingEvent[]
  connection?: StreamConnection
  watermark: number
}

interface StreamConnection {
  res: ServerResponse
  subscriptions: Set<string>
  timers: NodeJS.Timeout[]
  flushScheduled: boolean
}

function streamEnvelope(message: string, v: ServerVersion): string {
  return (
    `<Envelope xmlns="${NS.soap}"><soap11:Header xmlns:soap11="${NS.soap}"><ServerVersionInfo xmlns="${NS.types}" ` +
    `MajorVersion="${v.major}" MinorVersion="${v.minor}" MajorBuildNumber="${v.build}" MinorBuildNumber="${v.minorBuild}" Version="${v.schema}" />` +
    `</soap11:Header><soap11:Body xmlns:soap11="${NS.soap}"><m:GetStreamingEventsResponse xmlns:m="${NS.messages}" xmlns:t="${NS.types}">` +
    `<m:ResponseMessages>${message}</m:ResponseMessages></m:GetStreamingEventsResponse></soap11:Body></Envelope>`
  )
}

function streamStatus(status: 'OK' | 'Closed', version: ServerVersion): string {
  return streamEnvelope(
    `<m:GetStreamingEventsResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:ConnectionStatus>${status}</m:ConnectionStatus></m:GetStreamingEventsResponseMessage>`,
    version,
  )
}

/** A GetStreamingEvents error that ends the connection; `subscriptionIds` are the ones at fault, if any. */
export function streamError(
  version: ServerVersion,
  code: string,
  message: string,
  subscriptionIds: string[] = [],
): string {
  const ids = subscriptionIds.map((id) => `<t:SubscriptionId>${escapeXml(id)}</t:SubscriptionId>`).join('')
  return streamEnvelope(
    `<m:GetStreamingEventsResponseMessage ResponseClass="Error"><m:MessageText>${escapeXml(message)}</m:MessageText><m:ResponseCode>${code}</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>` +
      `${ids ? `<m:ErrorSubscriptionIds>${ids}</m:ErrorSubscriptionIds>` : ''}<m:ConnectionStatus>Closed</m:ConnectionStatus></m:GetStreamingEventsResponseMessage>`,
    version,
  )
}

export class StreamingHub {
  readonly settings: StreamingSettings = {keepAliveMs: 45_000, minuteMs: 60_000}
  private readonly subscriptions = new Map<string, Subscription>()
  private readonly connections = new Set<StreamConnection>()
  /** Connections gone silent (`hang`): the server has let go of them, the client's socket stays open. */
  private readonly hung = new Set<StreamConnection>()

  constructor(
    private readonly shouldDrop: () => boolean,
    private readonly serverVersion: () => ServerVersion,
  ) {}

  subscribe(mailbox: string, eventTypes: string[]): Subscription {
    const id = `Hw${randomBytes(30).toString('base64')}`
    const subscription: Subscription = {id, mailbox, eventTypes: new Set(eventTypes), queue: [], watermark: 0}
    this.subscriptions.set(id, subscription)
    return subscription
  }

  /** Every subscription the server holds, for the control API's ground truth. */
  list(): {id: string; mailbox: string; connected: boolean; queued: number}[] {
    return [...this.subscriptions.values()].map((s) => ({
      id: s.id,
      mailbox: s.mailbox,
      connected: s.connection !== undefined,
      queued: s.queue.length,
    }))
  }

  /**
   * Ends subscriptions as the mailbox server does when one expires or the server restarts (of one mailbox,
   * or all): nothing is said on an open connection; the next GetStreamingEvents naming one answers
   * ErrorSubscriptionNotFound.
   */
  expire(mailbox?: string): number {
    let count = 0
    for (const subscription of [...this.subscriptions.values()]) {
      if (mailbox !== undefined && subscription.mailbox !== mailbox) continue
      this.unsubscribe(subscription.id)
      count += 1
    }
    return count
  }

  /**
   * Every open connection goes silent, as when the network path dies without a FIN or RST reaching the
   * client: no keep-alive, no event, no close, and the client's socket stays open until it gives up. The
   * subscriptions are released, so their events wait for the next connection.
   */
  hang(): number {
    const connections = [...this.connections]
    for (const connection of connections) {
      this.drop(connection)
      this.hung.add(connection)
    }
    return connections.length
  }

  /** Every open connection is cut (the socket destroyed, no `ConnectionStatus Closed`), as by a proxy restart. */
  cut(): number {
    const connections = [...this.connections]
    for (const connection of connections) {
      this.drop(connection)
      connection.res.destroy()
    }
    return connections.length
  }

  /** Hanging GetStreamingEvents connections open now. */
  get openConnections(): number {
    return this.connections.size
  }

  get(id: string): Subscription | undefined {
    return this.subscriptions.get(id)
  }

  unsubscribe(id: string): boolean {
    const subscription = this.subscriptions.get(id)
    if (!subscription) return false
    subscription.connection?.subscriptions.delete(id)
    return this.subscriptions.delete(id)
  }

  /** Store listener: queues the matching event on each subscription of the mailbox. */
  readonly onChange = (mailbox: ExMailbox, item: ExItem, kind: ChangeKind): void => {
    const type = KIND_EVENT[kind]
    for (const subscription of this.subscriptions.values()) {
      if (subscription.mailbox !== mailbox.email || !subscription.eventTypes.has(type)) continue
      if (this.shouldDrop()) continue
      subscription.watermark += 1
      const watermark = Buffer.from(`${subscription.id.slice(2, 10)}:${subscription.watermark}`).toString('base64')
      const xml =
        `<t:${type}><t:Watermark>${watermark}</t:Watermark><t:TimeStamp>${ewsDate(Date.now())}</t:TimeStamp>` +
        `<t:ItemId Id="${item.id}" ChangeKey="${item.changeKey}"/><t:ParentFolderId Id="${folderId(mailbox.email)}" ChangeKey="AgAAAA=="/></t:${type}>`
      subscription.queue.push({type, xml})
      if (subscription.connection) this.scheduleFlush(subscription.connection)
    }
  }

  /** Starts a hanging response for these subscriptions; ends at `timeoutMinutes` or when the client goes away. */
  open(res: ServerResponse, subscriptions: Subscription[], timeoutMinutes: number): void {
    const connection: StreamConnection = {res, subscriptions: new Set(), timers: [], flushScheduled: false}
    for (const subscription of subscriptions) {
      const previous = subscription.connection
      if (previous && previous !== connection) previous.subscriptions.delete(subscription.id)
      subscription.connection = connection
      connection.subscriptions.add(subscription.id)
    }
    this.connections.add(connection)
    res.writeHead(200, {
      'content-type': 'text/xml; charset=utf-8',
      'cache-control': 'private',
      'x-powered-by': 'ASP.NET',
    })
    // The client learns at once that its stream is open, before the first event or keep-alive.
    res.flushHeaders()
    res.on('close', () => {
      this.drop(connection)
      this.hung.delete(connection)
    })
    connection.timers.push(
      setInterval(() => {
        if (!res.writableEnded && !res.destroyed) res.write(streamStatus('OK', this.serverVersion()))
      }, this.settings.keepAliveMs),
    )
    connection.timers.push(
      setTimeout(() => {
        this.flush(connection)
        // Stop the keep-alives now: 'close' comes only after the client has read the end.
        this.drop(connection)
        if (!res.destroyed) res.end(streamStatus('Closed', this.serverVersion()))
      }, timeoutMinutes * this.settings.minuteMs),
    )
    this.scheduleFlush(connection)
  }

  private scheduleFlush(connection: StreamConnection): void {
    if (connection.flushScheduled) return
    connection.flushScheduled = true
    setImmediate(() => {
      connection.flushScheduled = false
      this.flush(connection)
    })
  }

  /** Writes every queued event, one envelope each, in a single write. */
  private flush(connection: StreamConnection): void {
    if (connection.res.writableEnded || connection.res.destroyed) return
    let chunk = ''
    for (const id of connection.subscriptions) {
      const subscription = this.subscriptions.get(id)
      if (!subscription) continue
      for (const event of subscription.queue.splice(0)) {
        chunk += streamEnvelope(
          `<m:GetStreamingEventsResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Notifications><m:Notification>` +
            `<t:SubscriptionId>${escapeXml(id)}</t:SubscriptionId>${event.xml}</m:Notification></m:Notifications></m:GetStreamingEventsResponseMessage>`,
          this.serverVersion(),
        )
      }
    }
    if (chunk) connection.res.write(chunk)
  }

  private drop(connection: StreamConnection): void {
    for (const timer of connection.timers) clearTimeout(timer)
    connection.timers = []
    for (const id of connection.subscriptions) {
      const subscription = this.subscriptions.get(id)
      if (subscription?.connection === connection) subscription.connection = undefined
    }
    // A dropped connection carries nothing more, even a flush already scheduled.
    connection.subscriptions.clear()
    this.connections.delete(connection)
  }

  /** Ends every open stream (sandbox stop). */
  close(): void {
    this.cut()
    for (const connection of this.hung) connection.res.destroy()
    this.hung.clear()
    this.subscriptions.clear()
  }
}

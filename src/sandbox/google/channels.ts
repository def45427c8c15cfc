/**
 * Push channels (events.watch / channels.stop). A channel watches one calendar's events; it gets `sync`
 * (message 1) when created, `exists` after each change to that calendar, `not_exists` when the calendar
 * is gone, and nothing after it expired or was stopped. Addresses must be HTTPS: Google refuses anything
 * else, loopback included; the sandbox CA makes HTTPS on loopback possible, so that is what tests use.
 */
import {randomBytes} from 'node:crypto'

import type {SandboxContext} from '../types.js'
import {apiErrors} from './errors.js'

const DEFAULT_TTL_SECONDS = 604_800
/** Calendar keeps event channels for at most about a month (the effective expiry is the shorter one). */
const MAX_TTL_SECONDS = 2_592_000

export interface Channel {
  id: string
  resourceId: string
  resourceUri: string
  calendar: string
  address: string
  token?: string
  expiration: number
  messageNumber: number
  pending: boolean
}

export interface WatchRequest {
  id?: unknown
  type?: unknown
  address?: unknown
  token?: unknown
  expiration?: unknown
  params?: {ttl?: unknown}
}

export class ChannelRegistry {
  private readonly channels = new Map<string, Channel>()
  /** Channels by watched calendar, so a change only looks at that calendar's channels. */
  private readonly byCalendar = new Map<string, Set<Channel>>()
  private readonly timers = new Set<NodeJS.Timeout>()
  private closed = false

  constructor(
    private readonly ctx: () => SandboxContext,
    private readonly projectId: string,
  ) {}

  create(calendar: string, resourceUri: string, request: WatchRequest, now = Date.now()): Channel {
    if (typeof request.id !== 'string' || request.id.length === 0) throw apiErrors.required('channel id')
    if (request.id.length > 64 || !/^[A-Za-z0-9\-_+/=]+$/.test(request.id))
      throw apiErrors.invalid('Invalid channel id.')
    if (request.type !== 'web_hook' && request.type !== 'webhook') throw apiErrors.invalid('Invalid value for: type')
    if (typeof request.address !== 'string' || request.address.length === 0) throw apiErrors.required('channel address')
    let url: URL
    try {
      url = new URL(request.address)
    } catch {
      throw apiErrors.webhookNotHttps(request.address)
    }
    if (url.protocol !== 'https:') throw apiErrors.webhookNotHttps(request.address)
    if (request.token !== undefined && (typeof request.token !== 'string' || request.token.length > 256)) {
      throw apiErrors.invalid('Invalid channel token.')
    }
    if (this.channels.has(request.id)) throw apiErrors.channelIdNotUnique(request.id)
    const ttlSeconds = request.params?.ttl !== undefined ? Number(request.params.ttl) : DEFAULT_TTL_SECONDS
    if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) throw apiErrors.invalid('Invalid value for: ttl')
    let expiration = now + Math.min(ttlSeconds, MAX_TTL_SECONDS) * 1000
    if (request.expiration !== undefined && request.expiration !== null) {
      const asked = Number(request.expiration)
      if (!Number.isFinite(asked) || asked <= now) throw apiErrors.invalid('Invalid value for: expiration')
      expiration = Math.min(expiration, asked)
    }
    const channel: Channel = {
      id: request.id,
      resourceId: randomBytes(20).toString('base64url').slice(0, 27),
      resourceUri,
      calendar,
      address: request.address,
      ...(typeof request.token === 'string' ? {token: request.token} : {}),
      expiration,
      messageNumber: 0,
      pending: false,
    }
    this.add(channel)
    // Like Google, the sync message may race the watch response; it is sent right after it.
    this.later(() => this.deliver(channel, 'sync'))
    return channel
  }

  stop(id: unknown, resourceId: unknown): void {
    const channel = typeof id === 'string' ? this.channels.get(id) : undefined
    if (!channel || channel.resourceId !== resourceId) throw apiErrors.channelNotFound(String(id), this.projectId)
    this.remove(channel)
  }

  /** A change to `calendar`: coalesced into one `exists` per channel per tick. */
  changed(calendar: string): void {
    for (const channel of this.byCalendar.get(calendar) ?? []) {
      if (channel.pending) continue
      channel.pending = true
      this.later(() => {
        channel.pending = false
        this.deliver(channel, 'exists')
      })
    }
  }

  /** The calendar was removed: its channels get `not_exists` and end. */
  gone(calendar: string): void {
    for (const channel of [...(this.byCalendar.get(calendar) ?? [])]) {
      this.deliver(channel, 'not_exists')
      this.remove(channel)
    }
  }

  /** Control API: ends every channel now (or those of one calendar), as an elapsed expiration would. */
  expire(calendar?: string): number {
    let count = 0
    for (const channel of this.channels.values()) {
      if (calendar !== undefined && channel.calendar !== calendar) continue
      channel.expiration = Date.now() - 1
      count++
    }
    return count
  }

  list(): Channel[] {
    return [...this.channels.values()]
  }

  close(): void {
    this.closed = true
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
    this.channels.clear()
    this.byCalendar.clear()
  }

  private add(channel: Channel): void {
    this.channels.set(channel.id, channel)
    let set = this.byCalendar.get(channel.calendar)
    if (!set) {
      set = new Set()
      this.byCalendar.set(channel.calendar, set)
    }
    set.add(channel)
  }

  private remove(channel: Channel): void {
    this.channels.delete(channel.id)
    const set = this.byCalendar.get(channel.calendar)
    set?.delete(channel)
    if (set?.size === 0) this.byCalendar.delete(channel.calendar)
  }

  private later(task: () => void): void {
    if (this.closed) return
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      task()
    }, 0)
    this.timers.add(timer)
  }

  private deliver(channel: Channel, state: 'sync' | 'exists' | 'not_exists'): void {
    if (this.closed) return
    if (channel.expiration <= Date.now()) {
      this.remove(channel)
      return
    }
    channel.messageNumber += state === 'sync' ? 1 : 1 + Math.floor(Math.random() * 3)
    const ctx = this.ctx()
    if (state !== 'sync' && ctx.faults.shouldDropNotification('google')) return
    const headers: Record<string, string> = {
      'user-agent': 'APIs-Google; (+https://developers.google.com/webmasters/APIs-Google.html)',
      'x-goog-channel-id': channel.id,
      'x-goog-channel-expiration': new Date(channel.expiration).toUTCString(),
      'x-goog-message-number': String(channel.messageNumber),
      'x-goog-resource-id': channel.resourceId,
      'x-goog-resource-state': state,
      'x-goog-resource-uri': channel.resourceUri,
    }
    if (channel.token !== undefined) headers['x-goog-channel-token'] = channel.token
    ctx.deliver(channel.address, {method: 'POST', headers}).catch(() => {
      // Delivery failures are the receiver's problem; Google likewise does not report them to the watcher.
    })
  }
}

/**
 * Which push notifications the watch service acts on. A notification carries no data, but acting on a forged
 * one still costs a sync, so only genuine ones pass: a known subscription, the secret it was created with
 * (Google channel token, Graph clientState), a channel that is still current, and a message not seen before.
 */
import {createHash, timingSafeEqual} from 'node:crypto'

import type {ProviderId} from '../core/model.js'
import type {PushNotification} from '../ports/calendar.js'

export interface SubscriptionRecordView {
  mailbox: string
  clientState: string
  state: 'active' | 'superseded' | 'stopped'
}

export interface SubscriptionLookup {
  /** The registry's record for a provider's subscription id; undefined when unknown. */
  find(provider: ProviderId, subscriptionId: string): SubscriptionRecordView | undefined
}

export type RejectionReason = 'unknown' | 'forged' | 'stopped' | 'replayed'

export type Admission = {kind: 'accepted'; mailbox: string} | {kind: 'rejected'; reason: RejectionReason}

export interface Admitter {
  admit(provider: ProviderId, notification: PushNotification): Admission
}

export interface AdmitterOptions {
  /** How many subscriptions' highest sequence numbers are remembered (least recently used go first). */
  maxTracked?: number
}

const DEFAULT_MAX_TRACKED = 100_000

/**
 * Both sides are hashed first so the comparison runs over equal lengths: timingSafeEqual alone throws on a
 * length mismatch, and an early length check would tell a forger how long the secret is.
 */
export function sameSecret(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest()
  return timingSafeEqual(digest(presented), digest(expected))
}

/**
 * The highest sequence number admitted per subscription, in a Map kept in least-recently-used order (a
 * Map iterates in insertion order; touching an entry re-inserts it), so memory stays bounded however many
 * channels come and go.
 */
class SequenceMemory {
  private readonly highest = new Map<string, number>()

  constructor(private readonly capacity: number) {}

  isFresh(key: string, sequence: number): boolean {
    const seen = this.highest.get(key)
    return seen === undefined || sequence > seen
  }

  record(key: string, sequence: number): void {
    this.highest.delete(key)
    this.highest.set(key, sequence)
    if (this.highest.size > this.capacity) {
      const oldest = this.highest.keys().next().value
      if (oldest !== undefined) this.highest.delete(oldest)
    }
  }
}

export function createAdmitter(lookup: SubscriptionLookup, options: AdmitterOptions = {}): Admitter {
  const sequences = new SequenceMemory(options.maxTracked ?? DEFAULT_MAX_TRACKED)
  return {
    admit(provider, notification) {
      const record = lookup.find(provider, notification.subscriptionId)
      if (!record) return {kind: 'rejected', reason: 'unknown'}
      if (!sameSecret(notification.clientState, record.clientState)) return {kind: 'rejected', reason: 'forged'}
      if (record.state !== 'active') return {kind: 'rejected', reason: 'stopped'}
      const {sequence} = notification
      if (sequence !== undefined) {
        const key = `${provider}\u0000${notification.subscriptionId}`
        if (!sequences.isFresh(key, sequence)) return {kind: 'rejected', reason: 'replayed'}
        // Recorded only once the notification proved genuine: a forged one with a huge number must not
        // make the real ones that follow look like replays.
        sequences.record(key, sequence)
      }
      return {kind: 'accepted', mailbox: record.mailbox}
    },
  }
}

/**
 * The subscriptions registry as the watch service uses it: what the admitter looks notifications up in, and
 * the steps of a subscription's life (made, replaced, stopped), each recorded in the store before or right
 * after the provider call so a crash at any point leaves a record of what may still be live.
 */
import {randomBytes} from 'node:crypto'

import type {ProviderId} from '../core/model.js'
import type {PushSubscription} from '../ports/calendar.js'
import type {StateStore, StoredSubscription} from '../store/index.js'
import type {SubscriptionLookup} from './seams.js'

/** A fresh secret for a channel token / clientState: 32 random bytes, url-safe (Graph allows 128 chars). */
export function newClientState(): string {
  return randomBytes(32).toString('base64url')
}

export function lookupIn(store: Pick<StateStore, 'subscriptions'>): SubscriptionLookup {
  return {
    find(provider, subscriptionId) {
      const found = store.subscriptions.get(provider, subscriptionId)
      return found ? {mailbox: found.mailbox, clientState: found.clientState, state: found.state} : undefined
    },
  }
}

export function asPortSubscription(stored: StoredSubscription): PushSubscription {
  return {id: stored.id, mailbox: stored.mailbox, expiresAt: stored.expiresAt, handle: stored.handle}
}

export function recordActive(
  store: Pick<StateStore, 'subscriptions'>,
  provider: ProviderId,
  subscription: PushSubscription,
  clientState: string,
  now: Date,
): StoredSubscription {
  const stored: StoredSubscription = {
    provider,
    id: subscription.id,
    mailbox: subscription.mailbox,
    state: 'active',
    clientState,
    handle: subscription.handle,
    expiresAt: subscription.expiresAt,
    createdAt: now.toISOString(),
  }
  store.subscriptions.save(stored)
  return stored
}

/**
 * Retired (superseded or stopped) subscriptions are kept until they would have expired anyway, and at least
 * a grace period, so notifications already on their way are recognised as theirs and dropped.
 */
export function keepUntil(subscription: Pick<StoredSubscription, 'expiresAt'>, now: Date): string {
  const grace = now.getTime() + 10 * 60_000
  return new Date(Math.max(Date.parse(subscription.expiresAt), grace)).toISOString()
}

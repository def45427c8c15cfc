/**
 * Streaming notifications (the PushPort of src/lib/ports/calendar.ts, kind 'stream'): Subscribe and
 * Unsubscribe through ews-javascript-api like the rest of the adapter, GetStreamingEvents in push-stream.ts.
 *
 * Lifetime. A streaming subscription has no expiry to read or extend: Exchange keeps it while
 * GetStreamingEvents connections keep coming for it, and forgets it on its own terms (some time without a
 * connection, a mailbox server restart, a mailbox move); the next connection then ends `lost`
 * (ErrorSubscriptionNotFound). So `expiresAt` is only the date the watch service asked for, the point at which
 * it will call `renew`; renewing sends nothing and moves that date. Nothing is lost by that: a subscription
 * the server dropped is found by the stream, which is always open or about to be reopened.
 */
import {EventType, FolderId, Mailbox, WellKnownFolderName} from 'ews-javascript-api'

import {mailboxFor} from '../../../access/gate.js'
import type {PushPort, PushSubscription} from '../../../ports/calendar.js'
import {isProviderFailure} from '../../../ports/failures.js'
import {openStream} from './push-stream.js'
import {aborted, type Sessions} from './session.js'

/** Everything that changes a calendar folder's items (NewMail and FreeBusyChanged say nothing more). */
const CHANGE_EVENTS = [EventType.Created, EventType.Modified, EventType.Deleted, EventType.Moved, EventType.Copied]

/** Unsubscribe's answers that mean the subscription no longer exists. */
const ENDED_CODES = new Set(['ErrorSubscriptionNotFound', 'ErrorNonExistentMailbox'])

/** The SDK's Unsubscribe (StreamingSubscription.Unsubscribe calls it; the typings keep it internal). */
interface Unsubscribing {
  Unsubscribe(subscriptionId: string): Promise<void>
}

/** The address the subscription was made as (`handle.owner`), which Unsubscribe must impersonate. */
function ownerOf(subscription: PushSubscription): string {
  return subscription.handle.owner ?? subscription.mailbox
}

export function createPush(sessions: Sessions): PushPort {
  return {
    async subscribe(request) {
      const call = await sessions.open(request.grant, 'calendar', request.signal)
      // X-AnchorMailbox (set for every impersonated service) plus this asks Exchange to keep the subscription
      // on the mailbox's server, where the GetStreamingEvents that serves it is routed too.
      call.service.HttpHeaders.Add('X-PreferServerAffinity', 'true')
      const calendar = new FolderId(WellKnownFolderName.Calendar, new Mailbox(call.mailbox))
      const subscription = await call.run(() =>
        call.service.SubscribeToStreamingNotifications([calendar], ...CHANGE_EVENTS),
      )
      return {id: subscription.Id, mailbox: call.mailbox, expiresAt: request.expiresAt, handle: {owner: call.mailbox}}
    },

    async renew(grant, subscription, expiresAt, options) {
      // Nothing to extend on the server (see above); the gate still decides whether the mailbox is watched.
      mailboxFor(grant)
      if (options?.signal?.aborted) throw aborted(options.signal)
      return {...subscription, expiresAt}
    },

    async stop(subscription, options) {
      // Unsubscribe must come from the subscription's owner (another impersonated mailbox gets
      // ErrorSubscriptionAccessDenied), and stop has no grant: it acts as the owner recorded at subscribe time.
      const call = await sessions.openAsSubscriptionOwner(ownerOf(subscription), options?.signal)
      try {
        await call.run(() => (call.service as unknown as Unsubscribing).Unsubscribe(subscription.id))
      } catch (error) {
        // Already ended, or its mailbox is gone (and its subscriptions with it): nothing is left to stop.
        if (isProviderFailure(error) && ENDED_CODES.has(error.failure.providerCode ?? '')) return
        throw error
      }
    },

    openStream: (request) => openStream(sessions, request),
  }
}

/**
 * Push for Microsoft Graph: one change-notification subscription per mailbox on `users/{address}/events`
 * (every event of the mailbox, occurrences and exceptions of a series included: Graph raises their changes on
 * the mailbox's events; a notification only triggers the calendarView delta, so nothing narrower is needed).
 *
 * - subscribe: POST /subscriptions with created,updated,deleted, the notification URL, the lifecycle URL (it
 *   cannot be added later), the clientState, and an expiry capped below Graph's 4,230 minutes. Graph validates
 *   both URLs with a handshake before it answers (decodeGraphWebhook reads it).
 * - renew: PATCH expirationDateTime (same id).
 * - stop: DELETE, with the application's token: a subscription belongs to the app, not to a mailbox, so it needs
 *   no grant. Unknown or already removed (404) is not an error.
 */
import {mailboxFor} from '../../../access/gate.js'
import type {PushPort, PushSubscription} from '../../../ports/calendar.js'
import {isProviderFailure, ProviderFailure} from '../../../ports/failures.js'
import {MICROSOFT_CAPABILITIES} from '../capabilities.js'
import type {GraphSession} from './session.js'
import {decodeGraphWebhook} from './webhook.js'

/**
 * The longest expiry asked for: Graph's maximum less a minute, so the request's own travel time and a small
 * clock difference do not push it past the limit (Graph refuses rather than shortens it).
 */
const MAX_LIFETIME_MS = MICROSOFT_CAPABILITIES.push.maxLifetimeMs - 60_000

const CHANGE_TYPES = 'created,updated,deleted'

interface GraphSubscription {
  id?: unknown
  expirationDateTime?: unknown
}

function fatal(message: string): ProviderFailure {
  return new ProviderFailure({provider: 'microsoft', kind: 'fatal', message}, {code: 'MICROSOFT_PUSH_FAILED'})
}

/** `expiresAt`, or the longest lifetime Graph grants when it asks for more. */
export function cappedExpiry(expiresAt: string, now = Date.now()): string {
  const at = Date.parse(expiresAt)
  if (Number.isNaN(at)) throw fatal(`The requested expiry "${expiresAt}" is not an ISO instant.`)
  return new Date(Math.min(at, now + MAX_LIFETIME_MS)).toISOString()
}

function expiryOf(answer: GraphSubscription, what: string): string {
  const at = typeof answer.expirationDateTime === 'string' ? Date.parse(answer.expirationDateTime) : NaN
  if (Number.isNaN(at)) throw fatal(`Graph answered ${what} without an expirationDateTime.`)
  return new Date(at).toISOString()
}

export function createGraphPush(session: GraphSession): PushPort {
  return {
    async subscribe(request) {
      if (!request.notificationUrl) throw fatal('A Graph subscription needs a notification URL (webhook push).')
      const mailbox = mailboxFor(request.grant)
      const body = {
        changeType: CHANGE_TYPES,
        resource: `users/${mailbox}/events`,
        notificationUrl: request.notificationUrl,
        ...(request.lifecycleUrl ? {lifecycleNotificationUrl: request.lifecycleUrl} : {}),
        clientState: request.clientState,
        expirationDateTime: cappedExpiry(request.expiresAt),
      }
      const answer = await session.send<GraphSubscription>(
        'calendar',
        request.signal,
        (graph) => graph.api('/subscriptions'),
        (graphRequest) => graphRequest.post(body),
      )
      if (typeof answer.id !== 'string' || answer.id === '')
        throw fatal(`Graph answered the subscription for ${mailbox} without an id.`)
      return {id: answer.id, mailbox, expiresAt: expiryOf(answer, 'the subscription'), handle: {}}
    },

    async renew(grant, subscription, expiresAt, options): Promise<PushSubscription> {
      // A mailbox no longer active is not renewed (the gate refuses); Graph keeps the clientState itself.
      mailboxFor(grant)
      const answer = await session.send<GraphSubscription>(
        'calendar',
        options.signal,
        (graph) => graph.api(`/subscriptions/${encodeURIComponent(subscription.id)}`),
        (graphRequest) => graphRequest.patch({expirationDateTime: cappedExpiry(expiresAt)}),
      )
      return {...subscription, expiresAt: expiryOf(answer, 'the renewal')}
    },

    async stop(subscription, options) {
      try {
        await session.send<unknown>(
          'calendar',
          options?.signal,
          (graph) => graph.api(`/subscriptions/${encodeURIComponent(subscription.id)}`),
          (graphRequest) => graphRequest.delete(),
        )
      } catch (error) {
        // Expired, removed by Graph, or already deleted: it is gone, which is what was asked.
        if (isProviderFailure(error) && error.failure.kind === 'notFound') return
        throw error
      }
    },

    decodeWebhook: decodeGraphWebhook,
  }
}

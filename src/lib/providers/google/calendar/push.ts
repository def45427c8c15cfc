/**
 * Push for Google Calendar: one `events.watch` channel per mailbox, posting to the watch listener.
 *
 * - subscribe: a channel with a fresh random id on the mailbox's calendar (a user's primary calendar, named by
 *   its address; a room's calendar read through the test user), `token` = the clientState, `params.ttl` from
 *   the requested expiry, capped at the lifetime hcal assumes (7 days). The answer's `expiration` is the truth.
 * - renew: Google cannot extend a channel, so renewal is a new channel (new id, same token and address) and the
 *   caller stops the old one once the new one is live: both deliver for a moment, neither loses a change.
 * - stop: channels.stop {id, resourceId}, as the service account itself. A channel belongs to the project that
 *   created it (Google's "channel not found for project" error; perf-reliability-anchors.md section 3: a channel
 *   created through a service account can be stopped by the same client), not to the mailbox: so stopping needs
 *   no grant, and still works once the user is deactivated, suspended or deleted (a token impersonating them
 *   would then be refused). Unknown or already stopped (404) is not an error.
 * - decodeWebhook: the headers of a body-less POST (X-Goog-Channel-ID, -Channel-Token, -Resource-State,
 *   -Message-Number).
 */
import {randomUUID} from 'node:crypto'

import type {
  PushPort,
  PushRequest,
  PushSignal,
  PushSubscription,
  WebhookReading,
  WebhookRequest,
} from '../../../ports/calendar.js'
import {isProviderFailure, ProviderFailure} from '../../../ports/failures.js'
import {GOOGLE_CAPABILITIES} from '../capabilities.js'
import type {Mailboxes, Target} from './mailboxes.js'

/** The longest channel hcal asks for (Google's default; whether it honours more is unverified). */
const MAX_TTL_SECONDS = GOOGLE_CAPABILITIES.push.maxLifetimeMs / 1000

const SIGNALS: Readonly<Record<string, PushSignal>> = {sync: 'sync', exists: 'changed', not_exists: 'removed'}

/** Seconds from now until `expiresAt`, at least 1 and at most the channel lifetime hcal assumes. */
export function ttlSeconds(expiresAt: string, now = Date.now()): number {
  const at = Date.parse(expiresAt)
  if (Number.isNaN(at)) throw fatal(`The requested expiry "${expiresAt}" is not an ISO instant.`)
  return Math.min(MAX_TTL_SECONDS, Math.max(1, Math.ceil((at - now) / 1000)))
}

function fatal(message: string): ProviderFailure {
  return new ProviderFailure({provider: 'google', kind: 'fatal', message}, {code: 'GOOGLE_PUSH_FAILED'})
}

interface Channel {
  address: string
  token: string
  expiresAt: string
}

async function watch(
  mailboxes: Mailboxes,
  target: Target,
  channel: Channel,
  signal: AbortSignal | undefined,
): Promise<PushSubscription> {
  const answer = await mailboxes.call(target, async () => {
    const response = await target.clients.calendar.events.watch(
      {
        calendarId: target.calendarId,
        requestBody: {
          id: randomUUID(),
          type: 'web_hook',
          address: channel.address,
          token: channel.token,
          params: {ttl: String(ttlSeconds(channel.expiresAt))},
        },
        ...target.params,
      },
      {signal},
    )
    return response.data
  })
  const expiration = Number(answer.expiration)
  if (!answer.id || !answer.resourceId || !Number.isFinite(expiration))
    throw fatal(`events.watch for ${target.mailbox} answered without a channel id, resourceId or expiration.`)
  return {
    id: answer.id,
    mailbox: target.mailbox,
    expiresAt: new Date(expiration).toISOString(),
    // The address is kept to renew to the same listener; the token is not (the registry keeps it sealed).
    handle: {resourceId: answer.resourceId, address: channel.address},
  }
}

export function createGooglePush(mailboxes: Mailboxes): PushPort {
  return {
    async subscribe(request: PushRequest) {
      if (!request.notificationUrl) throw fatal('A Google channel needs a notification URL (webhook push).')
      const target = await mailboxes.target(request.grant)
      return watch(
        mailboxes,
        target,
        {address: request.notificationUrl, token: request.clientState, expiresAt: request.expiresAt},
        request.signal,
      )
    },

    async renew(grant, subscription, expiresAt, options) {
      const address = subscription.handle.address
      if (!address) throw fatal(`Channel ${subscription.id} has no address in its handle: subscribe again.`)
      const target = await mailboxes.target(grant)
      return watch(mailboxes, target, {address, token: options.clientState, expiresAt}, options.signal)
    },

    async stop(subscription, options) {
      const resourceId = subscription.handle.resourceId
      if (!resourceId) throw fatal(`Channel ${subscription.id} has no resourceId in its handle: it cannot be stopped.`)
      const caller = await mailboxes.serviceAccount()
      try {
        await mailboxes.call(caller, () =>
          caller.clients.calendar.channels.stop(
            {requestBody: {id: subscription.id, resourceId}},
            {signal: options?.signal},
          ),
        )
      } catch (error) {
        // Unknown, expired or already stopped: the channel is gone, which is what was asked.
        if (isProviderFailure(error) && error.failure.kind === 'notFound') return
        throw error
      }
    },

    decodeWebhook: decodeGoogleWebhook,
  }
}

/** Reads one channel message; pure. Anything not shaped like Google's (a forgery, a probe) is `invalid`. */
export function decodeGoogleWebhook(request: WebhookRequest): WebhookReading {
  if (request.method !== 'POST') return {kind: 'invalid', reason: `method ${request.method} (channels POST)`}
  const {headers} = request
  const channelId = headers['x-goog-channel-id']
  if (!channelId) return {kind: 'invalid', reason: 'no X-Goog-Channel-ID header'}
  const state = headers['x-goog-resource-state'] ?? ''
  const signal = Object.hasOwn(SIGNALS, state) ? SIGNALS[state] : undefined
  if (!signal) return {kind: 'invalid', reason: `X-Goog-Resource-State "${state}" is not sync, exists or not_exists`}
  const number = headers['x-goog-message-number'] ?? ''
  const sequence = /^[1-9]\d{0,15}$/.test(number) ? Number(number) : undefined
  if (sequence === undefined) return {kind: 'invalid', reason: `X-Goog-Message-Number "${number}" is not a number`}
  const token = headers['x-goog-channel-token']
  return {
    kind: 'notifications',
    notifications: [
      {subscriptionId: channelId, ...(token !== undefined ? {clientState: token} : {}), signal, sequence},
    ],
  }
}

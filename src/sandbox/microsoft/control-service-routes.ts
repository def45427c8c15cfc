/**
 * Control API under `/_sandbox/microsoft/`, the service's side: mint access tokens, hold or reset the
 * per-mailbox limits, invalidate delta state, drive subscription lifecycle events and wait for
 * notification deliveries. Errors come in Graph's shape `{error: {code, message}}`.
 */
import type {FastifyInstance, FastifyRequest} from 'fastify'

import {claimsFromRequest, signAccessToken, TokenRequestError} from './access-tokens.js'
import {CONTROL_PREFIX as PREFIX, controlError} from './control-routes.js'
import type {DeltaStates} from './delta.js'
import type {Directory} from './directory.js'
import type {GraphGate} from './graph-auth.js'
import type {MicrosoftStore} from './store.js'
import type {LifecycleEvent, SubscriptionHub} from './subscriptions.js'

const LIFECYCLE_EVENTS = new Set<LifecycleEvent>(['reauthorizationRequired', 'missed', 'subscriptionRemoved'])

export interface ServiceControlDeps {
  store: MicrosoftStore
  directory: Directory
  gate: GraphGate
  deltas: DeltaStates
  hub: SubscriptionHub
}

export function registerServiceControlRoutes(app: FastifyInstance, deps: ServiceControlDeps): void {
  const {store, directory, gate, deltas, hub} = deps
  /** `{mailbox?}` of a body as the store's address (unknown addresses lower-cased); undefined = all. */
  const mailboxOf = (request: FastifyRequest): string | undefined => {
    const mailbox = (request.body as {mailbox?: unknown} | null)?.mailbox
    return typeof mailbox === 'string' ? (store.resolve(mailbox)?.address ?? mailbox.toLowerCase()) : undefined
  }

  app.post(`${PREFIX}/tokens`, async (request, reply) => {
    try {
      const claims = claimsFromRequest(directory, request.body)
      return {access_token: await signAccessToken(directory, claims), expires_on: claims.expiresAt}
    } catch (error) {
      if (error instanceof TokenRequestError) return controlError(request, reply, 400, 'BadRequest', error.message)
      throw error
    }
  })

  app.post(`${PREFIX}/tokens/revoke`, async () => ({revoked: gate.revokeAccepted()}))

  app.get(`${PREFIX}/limits`, async () => ({
    inFlight: Object.fromEntries([...store.mailboxes.keys()].map((address) => [address, gate.limits.running(address)])),
  }))

  app.post(`${PREFIX}/limits/hold`, async (request, reply) => {
    const mailbox = mailboxOf(request)
    if (mailbox === undefined || !store.mailboxes.has(mailbox)) {
      return controlError(request, reply, 400, 'BadRequest', 'mailbox must name a sandbox mailbox.')
    }
    gate.limits.hold(mailbox)
    return {held: mailbox}
  })

  app.post(`${PREFIX}/limits/release`, async (request) => ({released: gate.limits.release(mailboxOf(request))}))

  app.post(`${PREFIX}/limits/reset`, async () => {
    gate.limits.reset()
    return {reset: true}
  })

  app.post(`${PREFIX}/delta/invalidate`, async (request) => ({invalidated: deltas.invalidate(mailboxOf(request))}))

  app.get(`${PREFIX}/subscriptions`, async () => ({value: [...hub.subscriptions.values()]}))

  app.post<{Params: {id: string}}>(`${PREFIX}/subscriptions/:id/lifecycle`, async (request, reply) => {
    const subscription = hub.subscriptions.get(request.params.id)
    if (!subscription) {
      return controlError(request, reply, 404, 'ResourceNotFound', `No subscription '${request.params.id}'.`)
    }
    const event = (request.body as {event?: unknown} | null)?.event as LifecycleEvent
    if (!LIFECYCLE_EVENTS.has(event)) {
      return controlError(
        request,
        reply,
        400,
        'BadRequest',
        'event must be reauthorizationRequired, missed or subscriptionRemoved.',
      )
    }
    if (!subscription.lifecycleNotificationUrl) {
      return controlError(request, reply, 409, 'Conflict', 'The subscription has no lifecycleNotificationUrl.')
    }
    if (event === 'subscriptionRemoved') hub.subscriptions.delete(subscription.id)
    hub.lifecycle(subscription, event)
    return {sent: event}
  })

  // Without `asOf` every subscription (of the mailbox) expires now; with it, those due at that instant, as
  // the sweeper would find them then.
  app.post(`${PREFIX}/subscriptions/expire`, async (request, reply) => {
    const asOf = (request.body as {asOf?: unknown} | null)?.asOf
    const at = typeof asOf === 'string' ? Date.parse(asOf) : NaN
    if (asOf !== undefined && Number.isNaN(at)) {
      return controlError(request, reply, 400, 'BadRequest', 'asOf must be an ISO 8601 instant.')
    }
    const mailbox = mailboxOf(request)
    return {removed: asOf === undefined ? hub.expire(Date.now(), {mailbox, all: true}) : hub.expire(at, {mailbox})}
  })

  app.post(`${PREFIX}/notifications/flush`, async () => ({delivered: await hub.flush()}))
}

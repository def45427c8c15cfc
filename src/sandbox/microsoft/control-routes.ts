/**
 * Control API under `/_sandbox/microsoft/` (the host checks the control token): act as an end user, read
 * ground truth, set consent and mailbox scope, invalidate delta state, trigger subscription lifecycle events.
 */
import type {FastifyInstance, FastifyReply} from 'fastify'

import type {DeltaStates} from './delta.js'
import type {Directory} from './directory.js'
import {applyEventBody, GraphInputError} from './event-input.js'
import {newEvent} from './events-routes.js'
import type {GraphGate} from './graph-auth.js'
import {applyMailboxSettings} from './mailbox-settings-routes.js'
import {assignEdit, cloneEvent, type Mailbox} from './model.js'
import {renderEvent} from './render.js'
import type {MicrosoftStore} from './store.js'
import type {LifecycleEvent, SubscriptionHub} from './subscriptions.js'

const PREFIX = '/_sandbox/microsoft'
const LIFECYCLE_EVENTS = new Set<LifecycleEvent>(['reauthorizationRequired', 'missed', 'subscriptionRemoved'])

export interface ControlDeps {
  store: MicrosoftStore
  directory: Directory
  gate: GraphGate
  deltas: DeltaStates
  hub: SubscriptionHub
}

type UserParams = {Params: {user: string}}
type ItemParams = {Params: {user: string; id: string}}

function groundTruth(mailbox: Mailbox): Record<string, unknown>[] {
  return [...mailbox.events.values()]
    .sort((a, b) => a.start - b.start || a.id.localeCompare(b.id))
    .map((event) => ({
      ...renderEvent(event),
      singleValueExtendedProperties: [...(event.extended?.values() ?? [])].map((p) => ({id: p.id, value: p.value})),
    }))
}

export function registerControlRoutes(app: FastifyInstance, deps: ControlDeps): void {
  const {store, directory, gate, deltas, hub} = deps
  const fail = (reply: FastifyReply, status: number, message: string) => reply.code(status).send({error: message})
  const mailboxOr404 = (user: string, reply: FastifyReply): Mailbox | undefined => {
    const mailbox = store.resolve(user)
    if (!mailbox) fail(reply, 404, `No mailbox '${user}'.`)
    return mailbox
  }
  const asEndUser = (reply: FastifyReply, action: () => unknown) => {
    try {
      return action()
    } catch (error) {
      if (error instanceof GraphInputError) return fail(reply, 400, error.message)
      throw error
    }
  }

  app.get<UserParams>(`${PREFIX}/mailboxes/:user/events`, async (request, reply) => {
    const mailbox = mailboxOr404(request.params.user, reply)
    return mailbox ? {mailbox: mailbox.address, id: mailbox.id, value: groundTruth(mailbox)} : reply
  })

  app.post<UserParams>(`${PREFIX}/mailboxes/:user/events`, async (request, reply) => {
    const mailbox = mailboxOr404(request.params.user, reply)
    if (!mailbox) return reply
    return asEndUser(reply, () => {
      const event = newEvent(store.newId(), mailbox, Date.now())
      applyEventBody(event, request.body, {endUser: true})
      store.insert(mailbox, event)
      return reply.code(201).send(renderEvent(event))
    })
  })

  app.patch<ItemParams>(`${PREFIX}/mailboxes/:user/events/:id`, async (request, reply) => {
    const mailbox = mailboxOr404(request.params.user, reply)
    if (!mailbox) return reply
    const event = mailbox.events.get(request.params.id)
    if (!event) return fail(reply, 404, `No event '${request.params.id}'.`)
    return asEndUser(reply, () => {
      const draft = cloneEvent(event)
      applyEventBody(draft, request.body, {endUser: true})
      store.update(mailbox, event, (target) => assignEdit(target, draft))
      return renderEvent(event)
    })
  })

  app.delete<ItemParams>(`${PREFIX}/mailboxes/:user/events/:id`, async (request, reply) => {
    const mailbox = mailboxOr404(request.params.user, reply)
    if (!mailbox) return reply
    const event = mailbox.events.get(request.params.id)
    if (!event) return fail(reply, 404, `No event '${request.params.id}'.`)
    store.remove(mailbox, event)
    return reply.code(204).send()
  })

  app.put<UserParams>(`${PREFIX}/mailboxes/:user/automatic-replies`, async (request, reply) => {
    const mailbox = mailboxOr404(request.params.user, reply)
    if (!mailbox) return reply
    return asEndUser(reply, () => {
      applyMailboxSettings(mailbox, {automaticRepliesSetting: request.body})
      return mailbox.automaticReplies
    })
  })

  app.get(`${PREFIX}/consent`, async () => ({
    ...directory.consent,
    mailboxScope: directory.mailboxScope ? [...directory.mailboxScope] : null,
    scopeKind: directory.scopeKind,
  }))

  app.put(`${PREFIX}/consent`, async (request, reply) => {
    const body = (request.body ?? {}) as {roles?: unknown; servicePrincipal?: unknown; adminConsentOutcome?: unknown}
    if (body.roles !== undefined && !(Array.isArray(body.roles) && body.roles.every((r) => typeof r === 'string'))) {
      return fail(reply, 400, 'roles must be an array of role names.')
    }
    if (
      body.adminConsentOutcome !== undefined &&
      body.adminConsentOutcome !== 'grant' &&
      body.adminConsentOutcome !== 'deny'
    ) {
      return fail(reply, 400, "adminConsentOutcome must be 'grant' or 'deny'.")
    }
    if (Array.isArray(body.roles)) directory.consent.roles = body.roles as string[]
    if (typeof body.servicePrincipal === 'boolean') directory.consent.servicePrincipal = body.servicePrincipal
    if (body.adminConsentOutcome === 'grant' || body.adminConsentOutcome === 'deny') {
      directory.consent.adminConsentOutcome = body.adminConsentOutcome
    }
    return directory.consent
  })

  app.put(`${PREFIX}/mailbox-scope`, async (request, reply) => {
    const body = (request.body ?? {}) as {mailboxes?: unknown; kind?: unknown}
    if (
      body.mailboxes !== null &&
      !(Array.isArray(body.mailboxes) && body.mailboxes.every((m) => typeof m === 'string'))
    ) {
      return fail(reply, 400, 'mailboxes must be an array of addresses, or null for the whole organisation.')
    }
    if (body.kind !== undefined && body.kind !== 'rbacManagementScope' && body.kind !== 'applicationAccessPolicy') {
      return fail(reply, 400, "kind must be 'rbacManagementScope' or 'applicationAccessPolicy'.")
    }
    directory.mailboxScope =
      body.mailboxes === null ? null : new Set((body.mailboxes as string[]).map((m) => m.toLowerCase()))
    directory.scopeKind = body.kind ?? 'rbacManagementScope'
    return {mailboxes: directory.mailboxScope ? [...directory.mailboxScope] : null, kind: directory.scopeKind}
  })

  app.post(`${PREFIX}/delta/invalidate`, async (request) => {
    const mailbox = (request.body as {mailbox?: unknown} | null)?.mailbox
    const address = typeof mailbox === 'string' ? (store.resolve(mailbox)?.address ?? mailbox.toLowerCase()) : undefined
    return {invalidated: deltas.invalidate(address)}
  })

  app.post(`${PREFIX}/limits/reset`, async () => {
    gate.limits.reset()
    return {reset: true}
  })

  app.get(`${PREFIX}/subscriptions`, async () => ({value: [...hub.subscriptions.values()]}))

  app.post<{Params: {id: string}}>(`${PREFIX}/subscriptions/:id/lifecycle`, async (request, reply) => {
    const subscription = hub.subscriptions.get(request.params.id)
    if (!subscription) return fail(reply, 404, `No subscription '${request.params.id}'.`)
    const event = (request.body as {event?: unknown} | null)?.event as LifecycleEvent
    if (!LIFECYCLE_EVENTS.has(event))
      return fail(reply, 400, 'event must be reauthorizationRequired, missed or subscriptionRemoved.')
    if (event === 'subscriptionRemoved') hub.subscriptions.delete(subscription.id)
    if (!hub.lifecycle(subscription, event))
      return fail(reply, 409, 'The subscription has no lifecycleNotificationUrl.')
    return {sent: event}
  })

  app.post(`${PREFIX}/subscriptions/expire`, async (request) => {
    const mailbox = (request.body as {mailbox?: unknown} | null)?.mailbox
    const address = typeof mailbox === 'string' ? (store.resolve(mailbox)?.address ?? mailbox.toLowerCase()) : undefined
    return {removed: hub.expire(Date.now(), {mailbox: address})}
  })
}

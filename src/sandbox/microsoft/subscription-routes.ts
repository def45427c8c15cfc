/** Graph `/subscriptions`: create (with the validation handshake), get, list, renew (PATCH), reauthorize, delete. */
import type {FastifyInstance, FastifyReply, FastifyRequest} from 'fastify'

import type {GraphGate} from './graph-auth.js'
import {sendGraphError} from './graph-errors.js'
import {setOperation} from './request-log.js'
import {MAX_LIFETIME_MINUTES, SubscriptionHub, renderSubscription, type Subscription} from './subscriptions.js'

const RESOURCE = /^\/?users(?:\/([^/()']+)|\('([^']+)'\))\/(?:calendar\/)?events$/i
const CHANGE_TYPES = new Set(['created', 'updated', 'deleted'])

type Body = Record<string, unknown>

const isHttps = (url: string) => /^https:\/\/[^/]/i.test(url)

function expirationProblem(value: unknown, now: number): string | undefined {
  const at = typeof value === 'string' ? Date.parse(value) : NaN
  if (Number.isNaN(at)) return 'expirationDateTime is a required property for subscription creation.'
  if (at <= now) return 'Subscription expiration must be in the future.'
  if (at > now + MAX_LIFETIME_MINUTES * 60_000)
    return `Subscription expiration can only be ${MAX_LIFETIME_MINUTES} minutes in the future.`
  return undefined
}

export function registerSubscriptionRoutes(
  app: FastifyInstance,
  origin: string,
  gate: GraphGate,
  hub: SubscriptionHub,
): void {
  const bad = (request: FastifyRequest, reply: FastifyReply, code: string, message: string) =>
    sendGraphError(request, reply, 400, code, message)
  const notFound = (request: FastifyRequest, reply: FastifyReply) =>
    sendGraphError(request, reply, 404, 'ResourceNotFound', 'The object was not found.')
  const notHttps = (request: FastifyRequest, reply: FastifyReply) =>
    bad(request, reply, 'ValidationError', 'The notification URL must use the HTTPS scheme.')
  const validationFailed = (request: FastifyRequest, reply: FastifyReply) =>
    bad(
      request,
      reply,
      'ValidationError',
      'Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.',
    )

  app.post('/subscriptions', async (request, reply) => {
    setOperation(request, 'subscriptions.create')
    const caller = await gate.authenticate(request, reply)
    if (!caller) return reply
    const body = (request.body ?? {}) as Body
    const resource = typeof body.resource === 'string' ? body.resource : ''
    const match = RESOURCE.exec(resource)
    const user = match?.[1] ?? match?.[2]
    if (!user)
      return bad(request, reply, 'InvalidRequest', `Resource '${resource}' is not supported for change notifications.`)
    const changeType = typeof body.changeType === 'string' ? body.changeType : ''
    const types = changeType.split(',').map((t) => t.trim())
    if (!changeType || !types.every((t) => CHANGE_TYPES.has(t))) {
      return bad(
        request,
        reply,
        'InvalidRequest',
        `Invalid changeType '${changeType}'. Use a comma-separated subset of created, updated, deleted.`,
      )
    }
    const notificationUrl = typeof body.notificationUrl === 'string' ? body.notificationUrl : ''
    const lifecycleUrl = typeof body.lifecycleNotificationUrl === 'string' ? body.lifecycleNotificationUrl : null
    const urls = lifecycleUrl === null ? [notificationUrl] : [notificationUrl, lifecycleUrl]
    if (!urls.every(isHttps)) return notHttps(request, reply)
    const clientState = typeof body.clientState === 'string' ? body.clientState : null
    if (clientState !== null && clientState.length > 128) {
      return bad(request, reply, 'InvalidRequest', 'clientState must be 128 characters or fewer.')
    }
    const problem = expirationProblem(body.expirationDateTime, Date.now())
    if (problem) return bad(request, reply, 'ExtensionError', problem)
    const mailbox = await gate.mailbox(request, reply, decodeURIComponent(user), 'Calendars.Read')
    if (!mailbox) return reply
    for (const url of urls) if (!(await hub.validate(url))) return validationFailed(request, reply)
    const subscription: Subscription = {
      id: SubscriptionHub.newId(),
      resource,
      changeType: types.join(','),
      clientState,
      notificationUrl,
      lifecycleNotificationUrl: lifecycleUrl,
      expirationDateTime: new Date(Date.parse(String(body.expirationDateTime))).toISOString(),
      applicationId: caller.appId,
      creatorId: caller.appId,
      mailbox: mailbox.address,
      mailboxId: mailbox.id,
    }
    hub.add(subscription)
    return reply.code(201).send(renderSubscription(subscription, origin))
  })

  app.get('/subscriptions', async (request, reply) => {
    setOperation(request, 'subscriptions.list')
    const caller = await gate.authenticate(request, reply)
    if (!caller) return reply
    const value = [...hub.subscriptions.values()].filter((s) => s.applicationId === caller.appId)
    return {
      '@odata.context': `${origin}/v1.0/$metadata#subscriptions`,
      value: value.map((s) => {
        const rendered = renderSubscription(s, origin)
        delete rendered['@odata.context']
        return rendered
      }),
    }
  })

  type IdRequest = FastifyRequest<{Params: {id: string}}>
  const owned = async (request: IdRequest, reply: FastifyReply): Promise<Subscription | undefined> => {
    const caller = await gate.authenticate(request, reply)
    if (!caller) return undefined
    const subscription = hub.subscriptions.get(request.params.id)
    if (!subscription || subscription.applicationId !== caller.appId) {
      notFound(request, reply)
      return undefined
    }
    return subscription
  }

  app.get('/subscriptions/:id', async (request: IdRequest, reply) => {
    setOperation(request, 'subscriptions.get')
    const subscription = await owned(request, reply)
    return subscription ? renderSubscription(subscription, origin) : reply
  })

  app.patch('/subscriptions/:id', async (request: IdRequest, reply) => {
    setOperation(request, 'subscriptions.renew')
    const subscription = await owned(request, reply)
    if (!subscription) return reply
    const body = (request.body ?? {}) as Body
    const unknown = Object.keys(body).filter((key) => key !== 'expirationDateTime' && key !== 'notificationUrl')
    if (unknown.length)
      return bad(
        request,
        reply,
        'InvalidRequest',
        `Only expirationDateTime and notificationUrl can be updated, not '${unknown.join(', ')}'.`,
      )
    const problem = expirationProblem(body.expirationDateTime, Date.now())
    if (problem) return bad(request, reply, 'ExtensionError', problem)
    // A new notificationUrl goes through the same HTTPS rule and handshake as at creation.
    const notificationUrl = body.notificationUrl
    if (notificationUrl !== undefined) {
      if (typeof notificationUrl !== 'string' || !isHttps(notificationUrl)) return notHttps(request, reply)
      if (!(await hub.validate(notificationUrl))) return validationFailed(request, reply)
      subscription.notificationUrl = notificationUrl
    }
    subscription.expirationDateTime = new Date(Date.parse(String(body.expirationDateTime))).toISOString()
    return renderSubscription(subscription, origin)
  })

  app.post('/subscriptions/:id/reauthorize', async (request: IdRequest, reply) => {
    setOperation(request, 'subscriptions.reauthorize')
    const subscription = await owned(request, reply)
    return subscription ? reply.code(204).send() : reply
  })

  app.delete('/subscriptions/:id', async (request: IdRequest, reply) => {
    setOperation(request, 'subscriptions.delete')
    const subscription = await owned(request, reply)
    if (!subscription) return reply
    hub.subscriptions.delete(subscription.id)
    return reply.code(204).send()
  })
}

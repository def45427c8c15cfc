/**
 * Control API under `/_sandbox/microsoft/` (the host checks the control token), the tenant's side: act as
 * an end user, read ground truth, set consent and mailbox scope. Errors come in Graph's shape
 * `{error: {code, message}}`. Service-side controls (tokens, limits, delta, subscriptions) are in
 * control-service-routes.ts.
 */
import type {FastifyInstance, FastifyReply, FastifyRequest} from 'fastify'

import {isSandboxCloud, SANDBOX_CLOUDS} from './clouds.js'
import type {Directory} from './directory.js'
import {applyEventBody, GraphInputError} from './event-input.js'
import {newEvent} from './events-routes.js'
import {sendGraphError} from './graph-errors.js'
import {applyMailboxSettings} from './mailbox-settings-routes.js'
import {assignEdit, cloneEvent, type Mailbox, type StoredEvent} from './model.js'
import {renderEvent} from './render.js'
import type {MicrosoftStore} from './store.js'

export const CONTROL_PREFIX = '/_sandbox/microsoft'
const PREFIX = CONTROL_PREFIX

export interface ControlDeps {
  store: MicrosoftStore
  directory: Directory
}

/** A control-API refusal in Graph's error shape. */
export function controlError(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
): FastifyReply {
  return sendGraphError(request, reply, status, code, message)
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
  const {store, directory} = deps
  const mailboxOr404 = (request: FastifyRequest, user: string, reply: FastifyReply): Mailbox | undefined => {
    const mailbox = store.resolve(user)
    if (!mailbox) controlError(request, reply, 404, 'ErrorInvalidUser', `No mailbox '${user}' in the sandbox.`)
    return mailbox
  }
  const itemNotFound = (request: FastifyRequest, reply: FastifyReply, id: string) =>
    controlError(request, reply, 404, 'ErrorItemNotFound', `No event '${id}' in this mailbox.`)
  const endUserEdit = (mailbox: Mailbox, event: StoredEvent, body: unknown) => {
    const draft = cloneEvent(event)
    applyEventBody(draft, body, {endUser: true})
    store.update(mailbox, event, (target) => assignEdit(target, draft))
  }
  const asEndUser = (request: FastifyRequest, reply: FastifyReply, action: () => unknown) => {
    try {
      return action()
    } catch (error) {
      if (error instanceof GraphInputError) return controlError(request, reply, 400, error.code, error.message)
      throw error
    }
  }

  app.get<UserParams>(`${PREFIX}/mailboxes/:user/events`, async (request, reply) => {
    const mailbox = mailboxOr404(request, request.params.user, reply)
    return mailbox ? {mailbox: mailbox.address, id: mailbox.id, value: groundTruth(mailbox)} : reply
  })

  app.post<UserParams>(`${PREFIX}/mailboxes/:user/events`, async (request, reply) => {
    const mailbox = mailboxOr404(request, request.params.user, reply)
    if (!mailbox) return reply
    return asEndUser(request, reply, () => {
      const event = newEvent(store.newId(), mailbox, Date.now())
      applyEventBody(event, request.body, {endUser: true})
      store.insert(mailbox, event)
      return reply.code(201).send(renderEvent(event))
    })
  })

  app.patch<ItemParams>(`${PREFIX}/mailboxes/:user/events/:id`, async (request, reply) => {
    const mailbox = mailboxOr404(request, request.params.user, reply)
    if (!mailbox) return reply
    const event = mailbox.events.get(request.params.id)
    if (!event) return itemNotFound(request, reply, request.params.id)
    return asEndUser(request, reply, () => {
      endUserEdit(mailbox, event, request.body)
      return renderEvent(event)
    })
  })

  // Arms the same edit to land when the next Graph PATCH of this item arrives, before its If-Match is checked:
  // the user saved between the client's read and its write. The body is checked now.
  app.post<ItemParams>(`${PREFIX}/mailboxes/:user/events/:id/race`, async (request, reply) => {
    const mailbox = mailboxOr404(request, request.params.user, reply)
    if (!mailbox) return reply
    const event = mailbox.events.get(request.params.id)
    if (!event) return itemNotFound(request, reply, request.params.id)
    return asEndUser(request, reply, () => {
      applyEventBody(cloneEvent(event), request.body, {endUser: true})
      const body = request.body
      store.races.arm(`${mailbox.id}/${event.id}`, () => {
        const current = mailbox.events.get(event.id)
        if (current) endUserEdit(mailbox, current, body)
      })
      return reply.code(202).send({armed: true})
    })
  })

  app.delete<ItemParams>(`${PREFIX}/mailboxes/:user/events/:id`, async (request, reply) => {
    const mailbox = mailboxOr404(request, request.params.user, reply)
    if (!mailbox) return reply
    const event = mailbox.events.get(request.params.id)
    if (!event) return itemNotFound(request, reply, request.params.id)
    store.remove(mailbox, event)
    return reply.code(204).send()
  })

  app.put<UserParams>(`${PREFIX}/mailboxes/:user/automatic-replies`, async (request, reply) => {
    const mailbox = mailboxOr404(request, request.params.user, reply)
    if (!mailbox) return reply
    return asEndUser(request, reply, () => {
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
      return controlError(request, reply, 400, 'BadRequest', 'roles must be an array of role names.')
    }
    if (
      body.adminConsentOutcome !== undefined &&
      body.adminConsentOutcome !== 'grant' &&
      body.adminConsentOutcome !== 'deny'
    ) {
      return controlError(request, reply, 400, 'BadRequest', "adminConsentOutcome must be 'grant' or 'deny'.")
    }
    if (body.servicePrincipal !== undefined && typeof body.servicePrincipal !== 'boolean') {
      return controlError(request, reply, 400, 'BadRequest', 'servicePrincipal must be true or false.')
    }
    if (Array.isArray(body.roles)) directory.consent.roles = body.roles as string[]
    if (typeof body.servicePrincipal === 'boolean') directory.consent.servicePrincipal = body.servicePrincipal
    if (body.adminConsentOutcome === 'grant' || body.adminConsentOutcome === 'deny') {
      directory.consent.adminConsentOutcome = body.adminConsentOutcome
    }
    return directory.consent
  })

  app.get(`${PREFIX}/cloud`, async () => ({cloud: directory.cloud}))

  // Moves the tenant to a national cloud (or back): discovery names that cloud, tokens are for its Graph.
  app.put(`${PREFIX}/cloud`, async (request, reply) => {
    const cloud = (request.body as {cloud?: unknown} | null)?.cloud
    if (!isSandboxCloud(cloud)) {
      return controlError(
        request,
        reply,
        400,
        'BadRequest',
        `cloud must be one of ${Object.keys(SANDBOX_CLOUDS).join(', ')}.`,
      )
    }
    directory.cloud = cloud
    return {cloud}
  })

  app.put(`${PREFIX}/mailbox-scope`, async (request, reply) => {
    const body = (request.body ?? {}) as {mailboxes?: unknown; kind?: unknown}
    if (
      body.mailboxes !== null &&
      !(Array.isArray(body.mailboxes) && body.mailboxes.every((m) => typeof m === 'string'))
    ) {
      return controlError(
        request,
        reply,
        400,
        'BadRequest',
        'mailboxes must be an array of addresses, or null for the whole organisation.',
      )
    }
    if (body.kind !== undefined && body.kind !== 'rbacManagementScope' && body.kind !== 'applicationAccessPolicy') {
      return controlError(
        request,
        reply,
        400,
        'BadRequest',
        "kind must be 'rbacManagementScope' or 'applicationAccessPolicy'.",
      )
    }
    directory.mailboxScope =
      body.mailboxes === null ? null : new Set((body.mailboxes as string[]).map((m) => m.toLowerCase()))
    directory.scopeKind = body.kind ?? 'rbacManagementScope'
    return {mailboxes: directory.mailboxScope ? [...directory.mailboxScope] : null, kind: directory.scopeKind}
  })
}

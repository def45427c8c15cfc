/**
 * /_sandbox/google/... for what the Workspace and Cloud admins change outside delegation: suspend a user or
 * turn a service off for them, disable an API in the project, add, disable or delete service-account keys,
 * and move Google's clock. Each reproduces a way a real setup goes wrong (see README "Control routes").
 */
import type {FastifyInstance, FastifyReply, FastifyRequest} from 'fastify'

import {type AdminState, GOOGLE_SERVICES, type GoogleService} from './admin-state.js'
import {controlError} from './control-routes.js'
import type {ServiceAccount} from './identity.js'
import type {CalendarStore} from './store.js'

const PREFIX = '/_sandbox/google'
/** Google's clock can be moved by up to a day either way. */
const MAX_CLOCK_OFFSET_SECONDS = 86_400

type Body = Record<string, unknown> | undefined

/** `{calendar?: boolean, gmail?: boolean}`, or undefined when it has anything else. */
function serviceFlags(value: unknown): Partial<Record<GoogleService, boolean>> | undefined {
  if (value === undefined) return {}
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined
  const flags: Partial<Record<GoogleService, boolean>> = {}
  for (const [name, on] of Object.entries(value)) {
    if (!GOOGLE_SERVICES.includes(name as GoogleService) || typeof on !== 'boolean') return undefined
    flags[name as GoogleService] = on
  }
  return flags
}

export function registerAdminControlRoutes(
  app: FastifyInstance,
  deps: {store: CalendarStore; admin: AdminState; account: ServiceAccount; tokenUrl: () => string},
): void {
  const {store, admin, account} = deps
  type UserRequest = FastifyRequest<{Params: {email: string}; Body: Body}>

  const userOf = (request: UserRequest, reply: FastifyReply): string | undefined => {
    const email = request.params.email.toLowerCase()
    if (store.isUser(email)) return email
    controlError(reply, 404, 'user_not_found', `No user ${request.params.email} in the sandbox.`)
    return undefined
  }

  app.get(`${PREFIX}/users/:email/account`, async (request: UserRequest, reply) => {
    const email = userOf(request, reply)
    return email ? {email, ...admin.user(email)} : reply
  })

  app.put(`${PREFIX}/users/:email/account`, async (request: UserRequest, reply) => {
    const email = userOf(request, reply)
    if (!email) return reply
    const body = request.body ?? {}
    const services = serviceFlags(body.services)
    if ((body.suspended !== undefined && typeof body.suspended !== 'boolean') || !services) {
      return controlError(
        reply,
        400,
        'invalid_account',
        'Send {suspended?: boolean, services?: {calendar?: boolean, gmail?: boolean}}.',
      )
    }
    admin.setUser(email, {...(typeof body.suspended === 'boolean' ? {suspended: body.suspended} : {}), services})
    return {email, ...admin.user(email)}
  })

  app.get(`${PREFIX}/project/apis`, async () => admin.apis())

  app.put(`${PREFIX}/project/apis`, async (request: FastifyRequest<{Body: Body}>, reply) => {
    const apis = serviceFlags(request.body ?? {})
    if (!apis) return controlError(reply, 400, 'invalid_apis', 'Send {calendar?: boolean, gmail?: boolean}.')
    admin.setApis(apis)
    return admin.apis()
  })

  app.get(`${PREFIX}/service-account/keys`, async () => ({keys: account.listKeys()}))

  app.post(`${PREFIX}/service-account/keys`, async (_request, reply) => {
    const key = account.addKey()
    return reply
      .code(201)
      .send({keyId: key.id, keyFile: JSON.parse(account.json(deps.tokenUrl(), key.id)) as Record<string, unknown>})
  })

  type KeyRequest = FastifyRequest<{Params: {keyId: string}; Body: Body}>

  app.put(`${PREFIX}/service-account/keys/:keyId`, async (request: KeyRequest, reply) => {
    const disabled = request.body?.disabled
    if (typeof disabled !== 'boolean') return controlError(reply, 400, 'invalid_key', 'Send {disabled: boolean}.')
    if (!account.setKeyDisabled(request.params.keyId, disabled)) {
      return controlError(reply, 404, 'key_not_found', `The service account has no key ${request.params.keyId}.`)
    }
    return {keyId: request.params.keyId, disabled}
  })

  app.delete(`${PREFIX}/service-account/keys/:keyId`, async (request: KeyRequest, reply) => {
    if (!account.deleteKey(request.params.keyId)) {
      return controlError(reply, 404, 'key_not_found', `The service account has no key ${request.params.keyId}.`)
    }
    return reply.code(204).send()
  })

  app.get(`${PREFIX}/clock`, async () => ({offsetSeconds: admin.clockOffsetMs / 1000}))

  app.put(`${PREFIX}/clock`, async (request: FastifyRequest<{Body: Body}>, reply) => {
    const offset = request.body?.offsetSeconds
    if (typeof offset !== 'number' || !Number.isFinite(offset) || Math.abs(offset) > MAX_CLOCK_OFFSET_SECONDS) {
      return controlError(
        reply,
        400,
        'invalid_clock',
        `Send {offsetSeconds: number} within ±${MAX_CLOCK_OFFSET_SECONDS} (Google's clock minus this machine's).`,
      )
    }
    admin.clockOffsetMs = offset * 1000
    return {offsetSeconds: offset}
  })
}

import {createHash, timingSafeEqual} from 'node:crypto'

import type {FastifyInstance, FastifyReply, FastifyRequest} from 'fastify'

import type {RequestLogEntry, SandboxContext, SandboxProviderId, SeedData} from '../types.js'
import {FaultSpecError, parseFaultSpec, PROVIDER_IDS} from './fault-spec.js'

export const CONTROL_PREFIX = '/_sandbox/'
const PUBLIC_CONTROL_PATHS = new Set(['/_sandbox/health'])

export interface ControlApiState {
  ctx: SandboxContext
  providers: () => SandboxProviderId[]
  seed: {seed: number; data: Partial<Record<SandboxProviderId, SeedData>>}
}

/**
 * A control request by the route it matched (so encoded or doubled slashes cannot dodge the check),
 * or by its raw path when no route matched.
 */
export function isControlRequest(request: FastifyRequest): boolean {
  return (request.routeOptions.url ?? request.url).startsWith(CONTROL_PREFIX)
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest()
}

function controlError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.code(status).send({error: {code, message}})
}

/**
 * Requires `Authorization: Bearer <controlToken>` on every `/_sandbox/` route (the host's and the
 * emulators'), except the health probe. Added on the root before the emulators register, so every
 * scope inherits it.
 */
export function installControlAuth(app: FastifyInstance, controlToken: string): void {
  const expected = digest(`Bearer ${controlToken}`)
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!isControlRequest(request)) return
    if (PUBLIC_CONTROL_PATHS.has(request.routeOptions.url ?? '')) return
    const given = request.headers.authorization
    if (typeof given === 'string' && timingSafeEqual(digest(given), expected)) return
    reply.header('www-authenticate', 'Bearer realm="hcal-sandbox"')
    return controlError(
      reply,
      401,
      'unauthorized',
      'The sandbox control API needs "Authorization: Bearer <controlToken>".',
    )
  })
}

function summarizeSeed(data: SeedData) {
  return {
    domain: data.domain,
    users: data.users.map((u) => ({
      email: u.email,
      displayName: u.displayName,
      locale: u.locale,
      timeZone: u.timeZone,
      outOfOffice: Boolean(u.oof?.enabled),
    })),
    rooms: data.rooms.map((r) => ({email: r.email, displayName: r.displayName, deviceSip: r.deviceSip ?? null})),
    meetings: data.meetings.length,
  }
}

/** The host's own control routes: health, request log, faults, seed summary. */
export async function registerControlApi(app: FastifyInstance, state: ControlApiState): Promise<void> {
  const {ctx} = state

  app.get('/_sandbox/health', async () => {
    const counts: Record<string, {users: number; rooms: number; meetings: number}> = {}
    for (const provider of state.providers()) {
      const data = state.seed.data[provider]
      if (data) counts[provider] = {users: data.users.length, rooms: data.rooms.length, meetings: data.meetings.length}
    }
    return {status: 'ok', origin: ctx.origin, providers: state.providers(), counts}
  })

  app.get('/_sandbox/log', async (request, reply) => {
    const query = request.query as {mailbox?: string; provider?: string}
    if (query.provider !== undefined && !PROVIDER_IDS.includes(query.provider as SandboxProviderId)) {
      return controlError(reply, 400, 'invalid_provider', `provider must be one of: ${PROVIDER_IDS.join(', ')}.`)
    }
    let entries: RequestLogEntry[] = query.mailbox ? ctx.log.forMailbox(query.mailbox) : ctx.log.all()
    if (query.provider) entries = entries.filter((entry) => entry.provider === query.provider)
    return {entries}
  })

  app.delete('/_sandbox/log', async (_request, reply) => {
    ctx.log.clear()
    return reply.code(204).send()
  })

  app.get('/_sandbox/faults', async () => ctx.faults.current())

  app.put('/_sandbox/faults', async (request, reply) => {
    try {
      ctx.faults.set(parseFaultSpec(request.body))
    } catch (error) {
      if (error instanceof FaultSpecError) return controlError(reply, 400, 'invalid_fault_spec', error.message)
      throw error
    }
    return ctx.faults.current()
  })

  app.get('/_sandbox/seed', async () => {
    const providers: Record<string, ReturnType<typeof summarizeSeed>> = {}
    for (const provider of state.providers()) {
      const data = state.seed.data[provider]
      if (data) providers[provider] = summarizeSeed(data)
    }
    return {seed: state.seed.seed, providers}
  })
}

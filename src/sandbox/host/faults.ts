import {setTimeout as sleep} from 'node:timers/promises'

import type {FastifyInstance, FastifyRequest} from 'fastify'

import type {FaultResponder, Faults, FaultSpec, SandboxProviderId} from '../types.js'
import {isControlRequest} from './control-api.js'

const DEFAULT_TOKEN_LIFETIME_SECONDS = 3600
const EMAIL_IN_PATH = /(?:^|\/)([^/?#@\s]+@[^/?#@\s]+\.[^/?#@\s]+?)(?=[/?#]|$)/

export function createFaults(initial: FaultSpec = {}): Faults {
  let spec = initial
  return {
    current: () => spec,
    set(next) {
      spec = next
    },
    shouldDropNotification(provider) {
      const rate = spec.dropNotificationRate ?? 0
      if (rate <= 0 || !appliesToProvider(spec, provider)) return false
      return Math.random() < rate
    },
    tokenLifetimeSeconds: () => spec.tokenLifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS,
  }
}

function appliesToProvider(spec: FaultSpec, provider: SandboxProviderId): boolean {
  return !spec.providers || spec.providers.includes(provider)
}

/**
 * Best-effort mailbox a request acts on, from what is visible before the body is read: the
 * X-AnchorMailbox header (EWS, Graph) or the first e-mail address in the path (Google
 * `/calendars/{id}/`, Graph `/users/{upn}/`). Lower-cased; undefined when none is visible.
 */
export function mailboxFromRequest(request: FastifyRequest): string | undefined {
  const anchor = request.headers['x-anchormailbox']
  if (typeof anchor === 'string' && anchor.includes('@')) return anchor.toLowerCase()
  let path = request.url
  const query = path.indexOf('?')
  if (query >= 0) path = path.slice(0, query)
  if (path.includes('%')) {
    try {
      path = decodeURIComponent(path)
    } catch {
      return undefined
    }
  }
  return EMAIL_IN_PATH.exec(path)?.[1]?.toLowerCase()
}

function pickErrorStatus(rates: Record<string, number> | undefined): number | undefined {
  if (!rates) return undefined
  let roll = Math.random()
  for (const [status, rate] of Object.entries(rates)) {
    if (roll < rate) return Number(status)
    roll -= rate
  }
  return undefined
}

/**
 * The generic fault hook on one emulator's scope: latency, then a connection reset, then an injected
 * error status answered in the emulator's own shape. Control routes (`/_sandbox/...`) are never faulted.
 */
export function installFaultHook(
  scope: FastifyInstance,
  faults: Faults,
  provider: SandboxProviderId,
  responder: FaultResponder,
): void {
  scope.addHook('onRequest', async (request, reply) => {
    const spec = faults.current()
    if (!spec.latency && !spec.errorRates && !spec.resetRate) return
    if (isControlRequest(request) || !appliesToProvider(spec, provider)) return
    if (spec.mailboxes) {
      const mailbox = mailboxFromRequest(request)
      if (!mailbox || !spec.mailboxes.includes(mailbox)) return
    }
    if (spec.latency) {
      const {minMs, maxMs} = spec.latency
      const delay = minMs + Math.random() * (maxMs - minMs)
      if (delay > 0) await sleep(delay)
    }
    if (spec.resetRate && Math.random() < spec.resetRate) {
      reply.hijack()
      request.raw.socket.destroy()
      return reply
    }
    const status = pickErrorStatus(spec.errorRates)
    if (status === undefined) return
    // Throttling and unavailability come with a hint when to retry; the responder may override it.
    if (status === 429 || status === 503) reply.header('retry-after', '1')
    responder(status, request, reply)
    return reply
  })
}

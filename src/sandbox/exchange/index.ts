/**
 * The Exchange emulator: EWS SOAP (/EWS/Exchange.asmx) and Autodiscover behind IIS-style Basic/NTLM auth,
 * impersonation rights and scope, EWSMaxConcurrency throttling, and its /_sandbox/exchange/ control routes.
 */
import {randomBytes} from 'node:crypto'

import type {FastifyError, FastifyReply, FastifyRequest} from 'fastify'

import type {Emulator, ExchangeSandboxCredentials, SandboxContext, SeedData} from '../types.js'
import {authenticate, type ServiceAccount} from './auth.js'
import {ConcurrencyGate} from './concurrency-gate.js'
import {registerAutodiscover} from './autodiscover.js'
import {CONTROL_PREFIX, registerControl} from './control.js'
import {EWS_PATH, registerEwsRoutes, sendFault} from './ews-route.js'
import {defaultPolicy} from './policy.js'
import {EWS_ERRORS, EwsError} from './soap.js'
import {ExchangeStore} from './store.js'
import {StreamingHub} from './streaming-hub.js'

const DEFAULT_DOMAIN = 'fabrikam-onprem.test'

function serviceAccount(domain: string, password: string): ServiceAccount {
  return {
    user: 'svc-hcal',
    netbiosDomain: (domain.split(/[.-]/)[0] ?? 'FABRIKAM').toUpperCase(),
    upn: `svc-hcal@${domain}`,
    password,
  }
}

function internalServerError(): EwsError {
  return new EwsError(
    'ErrorInternalServerError',
    'An internal server error occurred. The operation failed.',
    undefined,
    true,
  )
}

function isApiPath(url: string): boolean {
  const path = url.toLowerCase()
  return path.startsWith('/ews/') || path.startsWith('/autodiscover/')
}

export function createExchangeEmulator(): Emulator<ExchangeSandboxCredentials> {
  const store = new ExchangeStore()
  const policy = defaultPolicy()
  let ctx: SandboxContext | undefined
  const hub = new StreamingHub(
    () => ctx?.faults.shouldDropNotification('exchange') ?? false,
    () => policy.server,
  )
  store.onChange(hub.onChange)
  let domain = DEFAULT_DOMAIN
  let account = serviceAccount(domain, randomBytes(18).toString('base64url'))
  const gate = new ConcurrencyGate()

  return {
    provider: 'exchange',

    async register(app, context) {
      ctx = context
      app.addContentTypeParser(
        ['text/xml', 'application/soap+xml', 'application/xml'],
        {parseAs: 'string'},
        (_req, body, done) => done(null, body),
      )

      app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
        if (!isApiPath(request.url)) return
        const outcome = authenticate(request, reply, account)
        if (!outcome.ok) {
          context.log.record({
            provider: 'exchange',
            method: request.method,
            path: request.url,
            status: 401,
            operation: 'Authenticate',
          })
          return reply
        }
        if (!request.url.toLowerCase().startsWith('/ews/') || request.method !== 'POST') return
        if (!gate.tryAcquire(request, reply, policy.throttling.maxConcurrency)) {
          context.log.record({
            provider: 'exchange',
            method: request.method,
            path: request.url,
            status: 500,
            operation: 'Throttled',
          })
          return sendFault(reply, EWS_ERRORS.serverBusy(policy.throttling.backOffMs), policy.server)
        }
      })

      context.useFaults(app, 'exchange', (status, _request, reply) => {
        if (status === 500 || status === 503) {
          sendFault(reply, EWS_ERRORS.serverBusy(policy.throttling.backOffMs), policy.server, status)
          return
        }
        sendFault(reply, internalServerError(), policy.server, status)
      })

      // Anything that escapes a handler (or Fastify's body parsing) answers the way IIS/WCF would, not in
      // Fastify's JSON shape: a 4xx keeps its status, a bug is EWS's ErrorInternalServerError fault.
      app.setErrorHandler((error: FastifyError, _request, reply) => {
        const status = error.statusCode ?? 500
        if (status < 500) return reply.code(status).type('text/html').send(`<html><body>${status}</body></html>`)
        return sendFault(reply, internalServerError(), policy.server)
      })

      registerEwsRoutes(app, {store, hub, policy, ctx: context, releaseSlot: (request) => gate.release(request)})
      registerAutodiscover(app, store, context, () => policy.server)
      await app.register(async (scope) => registerControl(scope, {store, policy, hub, gate}), {prefix: CONTROL_PREFIX})
    },

    seed(data: SeedData) {
      domain = data.domain
      account = serviceAccount(domain, account.password)
      store.seed(data)
    },

    credentials() {
      const origin = ctx?.origin ?? ''
      return {
        ewsUrl: `${origin}${EWS_PATH}`,
        autodiscoverUrl: `${origin}/autodiscover/autodiscover.xml`,
        username: `${account.netbiosDomain}\\${account.user}`,
        password: account.password,
        domain,
      }
    },

    async close() {
      hub.close()
    },
  }
}

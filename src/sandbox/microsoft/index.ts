/**
 * The Microsoft 365 emulator: the identity platform (one tenant, one app registration) and Graph v1.0
 * calendar, mailbox settings, delta, subscriptions and batching, on the sandbox host's HTTPS origin.
 */
import formbody from '@fastify/formbody'
import type {FastifyError, FastifyInstance, FastifyReply, FastifyRequest} from 'fastify'

import type {Emulator, MicrosoftSandboxCredentials, SandboxContext, SeedData} from '../types.js'
import {aadsts, sendAadsts} from './aadsts.js'
import {registerBatchRoute} from './batch.js'
import {registerControlRoutes} from './control-routes.js'
import {registerServiceControlRoutes} from './control-service-routes.js'
import {DeltaStates, registerDeltaRoutes} from './delta.js'
import {Directory} from './directory.js'
import {registerEventRoutes} from './events-routes.js'
import {GraphGate} from './graph-auth.js'
import {graphFaultResponder, sendGraphError} from './graph-errors.js'
import {registerIdentityRoutes} from './identity-routes.js'
import {registerMailboxSettingsRoutes} from './mailbox-settings-routes.js'
import {installRequestLog} from './request-log.js'
import {seedStore} from './seed.js'
import {MicrosoftStore} from './store.js'
import {registerSubscriptionRoutes} from './subscription-routes.js'
import {SubscriptionHub} from './subscriptions.js'

const DEFAULT_DOMAIN = 'contoso-sandbox.test'

interface Running {
  ctx: SandboxContext
  directory: Directory
  gate: GraphGate
  hub: SubscriptionHub
}

function graphErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const status = error.statusCode ?? 500
  if (status === 415)
    return sendGraphError(
      request,
      reply,
      415,
      'UnsupportedMediaType',
      'The content type of the request is not supported.',
    )
  if (status >= 400 && status < 500) {
    return sendGraphError(
      request,
      reply,
      status,
      'BadRequest',
      'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
    )
  }
  return sendGraphError(
    request,
    reply,
    500,
    'InternalServerError',
    'An internal server error occurred. The operation failed.',
  )
}

/** Graph answers a path it cannot resolve with 400 naming the segment. */
function graphNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const path = request.url.split('?')[0] ?? ''
  const segment = path.split('/').filter(Boolean).at(-1) ?? ''
  return sendGraphError(request, reply, 400, 'BadRequest', `Resource not found for the segment '${segment}'.`)
}

export function createMicrosoftEmulator(): Emulator<MicrosoftSandboxCredentials> {
  const store = new MicrosoftStore()
  let running: Running | undefined

  const require = (): Running => {
    if (!running) throw new Error('The Microsoft emulator is not registered yet.')
    return running
  }

  return {
    provider: 'microsoft',

    async register(app: FastifyInstance, ctx: SandboxContext): Promise<void> {
      const directory = await Directory.create(DEFAULT_DOMAIN)
      const hub = new SubscriptionHub(ctx, directory)
      const deltas = new DeltaStates()
      const gate = new GraphGate(directory, store, ctx.quotaWindowScale)
      store.onChange((mailbox, event, change) => hub.notifyChange(mailbox, event, change))
      running = {ctx, directory, gate, hub}
      installRequestLog(app, ctx)

      await app.register(async (identity) => {
        if (!identity.hasContentTypeParser('application/x-www-form-urlencoded')) await identity.register(formbody)
        ctx.useFaults(identity, 'microsoft', (status, _request, reply) => {
          sendAadsts(reply, ctx.origin, aadsts.transient(status))
        })
        registerIdentityRoutes(identity, ctx, directory)
      })

      await app.register(
        async (graph) => {
          // Limits first: injected latency then happens while the request holds its mailbox slot.
          gate.install(graph)
          ctx.useFaults(graph, 'microsoft', graphFaultResponder)
          graph.setErrorHandler(graphErrorHandler)
          graph.setNotFoundHandler(graphNotFound)
          registerEventRoutes(graph, ctx.origin, gate, store)
          registerDeltaRoutes(graph, ctx.origin, gate, deltas)
          registerMailboxSettingsRoutes(graph, ctx.origin, gate)
          registerSubscriptionRoutes(graph, ctx.origin, gate, hub)
          registerBatchRoute(graph, gate)
        },
        {prefix: '/v1.0'},
      )

      await app.register(async (control) => {
        control.setErrorHandler(graphErrorHandler)
        registerControlRoutes(control, {store, directory})
        registerServiceControlRoutes(control, {store, directory, gate, deltas, hub})
      })
    },

    seed(data: SeedData): void {
      const {directory} = require()
      directory.domain = data.domain
      directory.resetConsent()
      seedStore(store, data)
    },

    credentials(): MicrosoftSandboxCredentials {
      const {ctx, directory} = require()
      return {
        tenantId: directory.tenantId,
        clientId: directory.clientId,
        clientSecret: directory.clientSecret,
        certificatePem: directory.certificate.certificatePem,
        certificatePrivateKeyPem: directory.certificate.privateKeyPem,
        authorityOrigin: ctx.origin,
        graphOrigin: ctx.origin,
        domain: directory.domain,
      }
    },

    async close(): Promise<void> {
      // Requests held by the control API must finish for the server to close.
      running?.gate.limits.release()
      await running?.hub.close()
    },
  }
}

import {randomBytes} from 'node:crypto'
import {createServer, type Server} from 'node:https'
import type {AddressInfo} from 'node:net'

import Fastify, {type FastifyInstance, type FastifyServerFactoryHandler} from 'fastify'

import {HcalError} from '../../lib/errors.js'
import {generateSeed} from '../seed/generate.js'
import type {FaultSpec, LatencySpec, SandboxContext, SandboxCredentials, SandboxProviderId, SeedData} from '../types.js'
import {installControlAuth, registerControlApi} from './control-api.js'
import {createControlClient, type ControlClient} from './control-client.js'
import {createDeliverer} from './deliver.js'
import {type AnyEmulator, EmulatorLoadError, loadEmulator} from './emulators.js'
import {PROVIDER_IDS} from './fault-spec.js'
import {createFaults, installFaultHook} from './faults.js'
import {createRequestLog} from './request-log.js'
import {prepareTls} from './tls.js'

export interface SandboxOptions {
  /** 0 = an ephemeral port (the default, for tests). */
  port?: number
  /** Default 127.0.0.1. */
  host?: string
  seed?: number
  /** Users per provider. */
  users?: number
  /** Meetings organised per user. */
  events?: number
  /** Room mailboxes per provider. */
  rooms?: number
  /** Shorthand for `faults.latency`. */
  latency?: LatencySpec
  faults?: FaultSpec
  quotaWindowScale?: number
  /** Emulators to run (default all three). A listed provider that fails to load fails the start. */
  providers?: SandboxProviderId[]
  /** Where the CA is kept between runs; without it the CA lives in memory for this run only. */
  stateDir?: string
  /** The control API bearer token; generated per start when absent. */
  controlToken?: string
  /** Emulator instances to mount instead of loading `providers` (lets tests mount a fake emulator). */
  emulators?: AnyEmulator[]
  /** Clock for seeding (the meeting window is relative to it). Default Date.now(). */
  now?: number
}

export interface RunningSandbox {
  origin: string
  caPem: string
  /** Bearer token of the `/_sandbox/` control API. A secret: never print it. */
  controlToken: string
  credentials: Partial<SandboxCredentials>
  context: SandboxContext
  seedData: Partial<Record<SandboxProviderId, SeedData>>
  /** Providers that are being served. */
  providers: SandboxProviderId[]
  /** Providers that were wanted by default but did not load, with the reason. */
  unavailable: {provider: SandboxProviderId; reason: string}[]
  /** Where start-up time went, in ms: TLS and loading, then per provider seed generation and emulator seeding. */
  startupMs: StartupTimings
  /** Authenticated client of the control API (trusts the sandbox CA). */
  control: ControlClient
  stop(): Promise<void>
}

export interface StartupTimings {
  tlsAndLoad: number
  register: number
  generate: Partial<Record<SandboxProviderId, number>>
  seed: Partial<Record<SandboxProviderId, number>>
}

export const SANDBOX_DEFAULTS = {seed: 1, users: 20, events: 10, rooms: 5} as const
const BODY_LIMIT_BYTES = 25 * 1024 * 1024
// Graph and EWS ids and percent-encoded addresses are long path parameters.
const MAX_PARAM_LENGTH = 4096
const KEEP_ALIVE_TIMEOUT_MS = 65_000

async function loadEmulators(options: SandboxOptions): Promise<{
  emulators: AnyEmulator[]
  unavailable: RunningSandbox['unavailable']
}> {
  if (options.emulators) return {emulators: options.emulators, unavailable: []}
  const explicit = options.providers !== undefined
  const wanted = options.providers ?? [...PROVIDER_IDS]
  const results = await Promise.allSettled(wanted.map((provider) => loadEmulator(provider)))
  const emulators: AnyEmulator[] = []
  const unavailable: RunningSandbox['unavailable'] = []
  for (const result of results) {
    if (result.status === 'fulfilled') emulators.push(result.value)
    else if (explicit || !(result.reason instanceof EmulatorLoadError)) throw result.reason
    else unavailable.push({provider: result.reason.provider, reason: result.reason.message})
  }
  return {emulators, unavailable}
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EADDRINUSE' && error.code !== 'EACCES' && error.code !== 'EADDRNOTAVAIL') reject(error)
      else {
        reject(
          new HcalError('SANDBOX_PORT_UNAVAILABLE', `The sandbox cannot listen on ${host}:${port} (${error.code}).`, {
            cause: error,
            suggestions: [
              'Stop whatever uses that port (maybe another sandbox), or pass another --port; --port 0 picks a free one.',
            ],
          }),
        )
      }
    })
    server.listen({port, host}, () => {
      server.removeAllListeners('error')
      resolve(server.address() as AddressInfo)
    })
  })
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections()
    server.close(() => resolve())
  })
}

/**
 * Starts the sandbox: one HTTPS listener (HTTP/1.1 keep-alive) serving every emulator, the host's
 * control API, seeded data and the services of SandboxContext. The port is bound before the emulators
 * register, so `ctx.origin` is final when they read it.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const host = options.host ?? '127.0.0.1'
  let mark = performance.now()
  const lap = () => {
    const now = performance.now()
    const elapsed = Math.round(now - mark)
    mark = now
    return elapsed
  }
  const startupMs: StartupTimings = {tlsAndLoad: 0, register: 0, generate: {}, seed: {}}
  const [tls, loaded] = await Promise.all([prepareTls(options.stateDir), loadEmulators(options)])
  const {emulators, unavailable} = loaded
  startupMs.tlsAndLoad = lap()

  let route: FastifyServerFactoryHandler | undefined
  const server = createServer({key: tls.keyPem, cert: tls.certPem}, (req, res) => {
    if (route) return route(req, res)
    res.writeHead(503, {'retry-after': '1'}).end()
  })
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS
  const address = await listen(server, options.port ?? 0, host)
  const origin = `https://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`

  const controlToken = options.controlToken ?? randomBytes(24).toString('base64url')
  const faults = createFaults({...options.faults, ...(options.latency ? {latency: options.latency} : {})})
  const deliverer = createDeliverer(tls.caPem)
  const context: SandboxContext = {
    origin,
    caPem: tls.caPem,
    log: createRequestLog(),
    faults,
    quotaWindowScale: options.quotaWindowScale ?? 1,
    deliver: (url, init) => deliverer.deliver(url, init),
    useFaults: (scope, provider, responder) => installFaultHook(scope, faults, provider, responder),
  }

  const seed = options.seed ?? SANDBOX_DEFAULTS.seed
  const seedData: Partial<Record<SandboxProviderId, SeedData>> = {}
  const providers = emulators.map((emulator) => emulator.provider)
  const app = Fastify({
    logger: false,
    bodyLimit: BODY_LIMIT_BYTES,
    routerOptions: {maxParamLength: MAX_PARAM_LENGTH},
    serverFactory: (handler) => {
      route = handler
      return server
    },
  }) as unknown as FastifyInstance

  const stopAll = async () => {
    await Promise.allSettled(emulators.map((emulator) => emulator.close()))
    await app.close()
    await closeServer(server)
    await deliverer.close()
  }

  try {
    installControlAuth(app, controlToken)
    await app.register(async (scope) =>
      registerControlApi(scope, {ctx: context, providers: () => providers, seed: {seed, data: seedData}}),
    )
    for (const emulator of emulators) {
      await app.register(async (scope) => emulator.register(scope, context))
    }
    await app.ready()
    startupMs.register = lap()
    const now = options.now ?? Date.now()
    // All data first, then the emulators: generating while the heap is still small is cheaper.
    const seeded = emulators.map((emulator) => {
      const data = generateSeed({
        seed,
        users: options.users ?? SANDBOX_DEFAULTS.users,
        events: options.events ?? SANDBOX_DEFAULTS.events,
        rooms: options.rooms ?? SANDBOX_DEFAULTS.rooms,
        provider: emulator.provider,
        now,
      })
      seedData[emulator.provider] = data
      startupMs.generate[emulator.provider] = lap()
      return {emulator, data}
    })
    for (const {emulator, data} of seeded) {
      emulator.seed(data)
      startupMs.seed[emulator.provider] = lap()
    }
  } catch (error) {
    await stopAll()
    throw error
  }

  const credentials: Partial<SandboxCredentials> = {}
  for (const emulator of emulators) {
    ;(credentials as Record<string, unknown>)[emulator.provider] = emulator.credentials()
  }
  const control = createControlClient(origin, tls.caPem, controlToken)
  let stopped: Promise<void> | undefined
  return {
    origin,
    caPem: tls.caPem,
    controlToken,
    credentials,
    context,
    seedData,
    providers,
    unavailable,
    startupMs,
    control,
    stop() {
      stopped ??= control.close().then(stopAll)
      return stopped
    },
  }
}

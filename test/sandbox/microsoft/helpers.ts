/**
 * Starts the real sandbox host with only the Microsoft emulator and builds hcal's production Microsoft
 * clients (msal-node + Graph client) against it. The CA is kept in a temp state dir so a test can issue
 * its own leaf certificate from the same CA for an HTTPS notification receiver the sandbox trusts.
 */

import {Client, GraphError} from '@microsoft/microsoft-graph-client'
import {Agent, request} from 'undici'

import {
  createMicrosoftClients,
  type MicrosoftClientOptions,
  type MicrosoftClients,
} from '../../../src/lib/providers/microsoft/client.js'
import {startHttpsReceiver} from '../../helpers/https-receiver.js'
import {startProviderSandbox} from '../../helpers/provider-sandbox.js'
import type {RunningSandbox, SandboxOptions} from '../../../src/sandbox/host/start.js'
import type {MicrosoftSandboxCredentials, SeedData} from '../../../src/sandbox/types.js'

export interface MicrosoftSandbox {
  sandbox: RunningSandbox
  credentials: MicrosoftSandboxCredentials
  seed: SeedData
  users: string[]
  /** Production clients; `overrides` replace single options (e.g. a wrong secret). */
  clients(overrides?: Partial<MicrosoftClientOptions>): MicrosoftClients
  /** A Graph SDK client that sends `token` as is (for tampered-token tests). */
  graphWithToken(token: string): Client
  /** Raw HTTPS call trusting the sandbox CA (for redirects and bodies the SDKs hide). */
  raw(method: string, path: string, init?: {headers?: Record<string, string>; body?: string}): Promise<RawResponse>
  control(method: string, path: string, body?: unknown): Promise<{status: number; body: unknown}>
  leaf: {certPem: string; keyPem: string}
  stop(): Promise<void>
}

export interface RawResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
}

export async function startMicrosoftSandbox(options: SandboxOptions = {}): Promise<MicrosoftSandbox> {
  const {sandbox, credentials, seed, leaf, stop} = await startProviderSandbox('microsoft', {
    users: 6,
    events: 4,
    rooms: 2,
    seed: 7,
    ...options,
  })
  const agent = new Agent({connect: {ca: sandbox.caPem}})
  const opened: MicrosoftClients[] = []
  return {
    sandbox,
    credentials,
    seed,
    users: seed.users.map((user) => user.email),
    leaf,
    clients(overrides = {}) {
      const clients = createMicrosoftClients({
        tenantId: credentials.tenantId,
        clientId: credentials.clientId,
        clientSecret: credentials.clientSecret,
        authorityOrigin: credentials.authorityOrigin,
        graphOrigin: credentials.graphOrigin,
        caPem: sandbox.caPem,
        ...overrides,
      })
      opened.push(clients)
      return clients
    },
    graphWithToken(token) {
      return Client.initWithMiddleware({
        authProvider: {getAccessToken: async () => token},
        baseUrl: credentials.graphOrigin,
        customHosts: new Set([new URL(credentials.graphOrigin).hostname]),
        fetchOptions: {dispatcher: agent} as unknown as RequestInit,
      })
    },
    async raw(method, path, init = {}) {
      const response = await request(new URL(path, sandbox.origin), {
        method: method as 'GET',
        headers: init.headers,
        body: init.body,
        dispatcher: agent,
      })
      return {status: response.statusCode, headers: response.headers, text: await response.body.text()}
    },
    control: (method, path, body) => sandbox.control(method, path, body),
    async stop() {
      await Promise.all(opened.map((clients) => clients.close()))
      await agent.close()
      await stop()
    },
  }
}

/** Runs `call`, expects a GraphError, and returns it. */
export async function graphFailure(call: () => Promise<unknown>): Promise<GraphError> {
  try {
    await call()
  } catch (error) {
    if (error instanceof GraphError) return error
    throw error
  }
  throw new Error('expected the Graph call to fail')
}

/** Runs `call`, expects it to reject, and returns the error. */
export async function failure(call: () => Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await call()
  } catch (error) {
    return error as Error & Record<string, unknown>
  }
  throw new Error('expected the call to fail')
}

/**
 * An HTTPS receiver (leaf from the sandbox CA) that answers Graph's validationToken handshake like a
 * correct endpoint (200, text/plain, the decoded token) unless `handshake` says otherwise, and records
 * every other POST.
 */
export async function startReceiver(leaf: {certPem: string; keyPem: string}, handshake: 'echo' | 'wrong' = 'echo') {
  const handshakes: string[] = []
  const receiver = await startHttpsReceiver(leaf, {
    status: 202,
    intercept(request, response) {
      const token = new URL(request.url, 'https://127.0.0.1').searchParams.get('validationToken')
      if (token === null) return false
      handshakes.push(token)
      response.writeHead(200, {'content-type': 'text/plain'}).end(handshake === 'echo' ? token : 'not the token')
      return true
    },
  })
  return {...receiver, handshakes}
}

export function isoIn(hours: number, from = Date.now()): string {
  return new Date(from + hours * 3_600_000).toISOString()
}

/**
 * Starts the real sandbox host with only the Microsoft emulator and builds hcal's production Microsoft
 * clients (msal-node + Graph client) against it. The CA is kept in a temp state dir so a test can issue
 * its own leaf certificate from the same CA for an HTTPS notification receiver the sandbox trusts.
 */

import assert from 'node:assert/strict'

import {Client, GraphError} from '@microsoft/microsoft-graph-client'
import {request} from 'undici'

import {
  createMicrosoftClients,
  type MicrosoftClientOptions,
  type MicrosoftClients,
} from '../../../src/lib/providers/microsoft/client.js'
import {rejectionOf} from '../../helpers/expect.js'
import {startHttpsReceiver, type ReceivedRequest} from '../../helpers/https-receiver.js'
import {startProviderSandbox} from '../../helpers/provider-sandbox.js'
import {trustingAgent} from '../../helpers/trusted-agent.js'
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
  /** An access token minted by the tenant's signing key with these overrides (control API `tokens`). */
  mintToken(overrides?: TokenOverrides): Promise<string>
  /** POSTs a form to the tenant's v2.0 token endpoint; answers the status and the parsed JSON body. */
  tokenRequest(form: Record<string, string>, tenant?: string): Promise<{status: number; body: AadstsBody}>
  leaf: {certPem: string; keyPem: string}
  stop(): Promise<void>
}

export interface TokenOverrides {
  audience?: string
  issuer?: string
  appId?: string
  roles?: string[]
  expiresInSeconds?: number
  notBeforeInSeconds?: number
}

export interface AadstsBody {
  error: string
  error_description: string
  error_codes: number[]
  access_token?: string
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
  const agent = trustingAgent(sandbox.caPem)
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
    async mintToken(overrides = {}) {
      const minted = await sandbox.control('POST', '/_sandbox/microsoft/tokens', overrides)
      assert.equal(minted.status, 200, JSON.stringify(minted.body))
      return (minted.body as {access_token: string}).access_token
    },
    async tokenRequest(form, tenant = credentials.tenantId) {
      const response = await request(new URL(`/${tenant}/oauth2/v2.0/token`, sandbox.origin), {
        method: 'POST',
        headers: {'content-type': 'application/x-www-form-urlencoded'},
        body: new URLSearchParams(form).toString(),
        dispatcher: agent,
      })
      return {status: response.statusCode, body: (await response.body.json()) as AadstsBody}
    },
    async stop() {
      await Promise.all(opened.map((clients) => clients.close()))
      await agent.close()
      await stop()
    },
  }
}

/** Runs `call`, expects it to fail with a GraphError (an answer from Graph), and returns it. */
export async function graphFailure(call: () => Promise<unknown>): Promise<GraphError> {
  const error = await rejectionOf<unknown>(call)
  assert.ok(error instanceof GraphError, `expected a GraphError, got ${String(error)}`)
  return error
}

/**
 * An HTTPS receiver (leaf from the sandbox CA) that answers Graph's validationToken handshake like a
 * correct endpoint (200, text/plain, the decoded token) unless `handshake` says otherwise, and records
 * every other POST.
 */
export async function startReceiver(
  leaf: {certPem: string; keyPem: string},
  handshake: 'echo' | 'wrong' | 'json' = 'echo',
) {
  const handshakes: string[] = []
  const receiver = await startHttpsReceiver(leaf, {
    status: 202,
    intercept(request, response) {
      const token = new URL(request.url, 'https://127.0.0.1').searchParams.get('validationToken')
      if (token === null) return false
      handshakes.push(token)
      // 'json' echoes the right token with the wrong content type, which Graph refuses too.
      const type = handshake === 'json' ? 'application/json' : 'text/plain'
      response.writeHead(200, {'content-type': type}).end(handshake === 'wrong' ? 'not the token' : token)
      return true
    },
  })
  /** Resolves with the first recorded request `matches` accepts (waiting for new ones); rejects after `timeoutMs`. */
  async function waitForPost(matches: (post: ReceivedRequest) => boolean, timeoutMs = 5000): Promise<ReceivedRequest> {
    const deadline = Date.now() + timeoutMs
    for (let checked = 0; ;) {
      const found = receiver.received.slice(checked).find(matches)
      if (found) return found
      checked = receiver.received.length
      await receiver.waitFor(checked + 1, Math.max(1, deadline - Date.now()))
    }
  }
  return {...receiver, handshakes, waitForPost}
}

export function isoIn(hours: number, from = Date.now()): string {
  return new Date(from + hours * 3_600_000).toISOString()
}

/**
 * Starts the real sandbox host with only the Google emulator, and builds hcal's production Google clients
 * against it. The CA is kept in a temp state dir so a test can get its own leaf certificate from the same
 * CA (for an HTTPS push receiver the sandbox trusts).
 */
import {mkdtemp, rm} from 'node:fs/promises'
import {createServer, type Server} from 'node:https'
import type {AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {createGoogleClients, type GoogleClients} from '../../../src/lib/providers/google/client.js'
import {startSandbox, type RunningSandbox, type SandboxOptions} from '../../../src/sandbox/host/start.js'
import {prepareTls} from '../../../src/sandbox/host/tls.js'
import type {GoogleSandboxCredentials, SeedData} from '../../../src/sandbox/types.js'

export const SCOPES = {
  calendar: 'https://www.googleapis.com/auth/calendar',
  calendarReadonly: 'https://www.googleapis.com/auth/calendar.readonly',
  gmailSettingsBasic: 'https://www.googleapis.com/auth/gmail.settings.basic',
}
export const HCAL_SCOPES = [SCOPES.calendar, SCOPES.gmailSettingsBasic]

export interface GoogleSandbox {
  sandbox: RunningSandbox
  credentials: GoogleSandboxCredentials
  seed: SeedData
  /** Seeded user addresses. */
  users: string[]
  clients(
    subject: string,
    options?: {scopes?: string[]; quotaUser?: boolean; serviceAccountJson?: string},
  ): GoogleClients
  /** A leaf certificate for 127.0.0.1 from the sandbox CA. */
  leaf: {certPem: string; keyPem: string}
  stop(): Promise<void>
}

export async function startGoogleSandbox(options: SandboxOptions = {}): Promise<GoogleSandbox> {
  const stateDir = await mkdtemp(join(tmpdir(), 'hcal-google-'))
  const leaf = await prepareTls(stateDir)
  const sandbox = await startSandbox({
    providers: ['google'],
    users: 6,
    events: 3,
    rooms: 2,
    seed: 11,
    stateDir,
    ...options,
  })
  const credentials = sandbox.credentials.google
  const seed = sandbox.seedData.google
  if (!credentials || !seed) throw new Error('the sandbox did not start the Google emulator')
  return {
    sandbox,
    credentials,
    seed,
    users: seed.users.map((user) => user.email),
    leaf,
    clients: (subject, clientOptions = {}) =>
      createGoogleClients({
        serviceAccountJson: clientOptions.serviceAccountJson ?? credentials.serviceAccountJson,
        subject,
        scopes: clientOptions.scopes ?? HCAL_SCOPES,
        tokenUrl: credentials.tokenUrl,
        rootUrl: credentials.rootUrl,
        caPem: sandbox.caPem,
        quotaUser: clientOptions.quotaUser ?? true,
      }),
    async stop() {
      await sandbox.stop()
      await rm(stateDir, {recursive: true, force: true})
    },
  }
}

/** Runs `call`, expects it to fail with an HTTP error, and returns status and body. */
export async function httpFailure(call: () => Promise<unknown>): Promise<{status: number; data: unknown}> {
  try {
    await call()
  } catch (error) {
    const response = (error as {response?: {status: number; data: unknown}}).response
    if (!response) throw error
    return {status: response.status, data: response.data}
  }
  throw new Error('expected the call to fail')
}

export interface Notification {
  headers: Record<string, string | string[] | undefined>
}

/** An HTTPS push receiver (sandbox-CA leaf) that records notifications. */
export async function startReceiver(leaf: {certPem: string; keyPem: string}) {
  const received: Notification[] = []
  const waiters: {count: number; resolve: () => void}[] = []
  const server: Server = createServer({cert: leaf.certPem, key: leaf.keyPem}, (request, response) => {
    request.resume()
    request.on('end', () => {
      received.push({headers: request.headers})
      response.writeHead(200).end()
      for (const waiter of [...waiters]) {
        if (received.length >= waiter.count) {
          waiters.splice(waiters.indexOf(waiter), 1)
          waiter.resolve()
        }
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as AddressInfo
  return {
    url: `https://127.0.0.1:${port}/google/push`,
    received,
    waitFor(count: number, timeoutMs = 5000): Promise<void> {
      if (received.length >= count) return Promise.resolve()
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`only ${received.length} of ${count} notifications arrived`)),
          timeoutMs,
        )
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer)
            resolve()
          },
        })
      })
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

export function inHours(hours: number, from = Date.now()): string {
  const base = Math.floor(from / 3_600_000) * 3_600_000
  return new Date(base + hours * 3_600_000).toISOString()
}

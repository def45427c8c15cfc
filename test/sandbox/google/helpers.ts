/**
 * Starts the real sandbox host with only the Google emulator, and builds hcal's production Google clients
 * against it. The CA is kept in a temp state dir so a test can get its own leaf certificate from the same
 * CA (for an HTTPS push receiver the sandbox trusts).
 */

import {startHttpsReceiver} from '../../helpers/https-receiver.js'
import {startProviderSandbox} from '../../helpers/provider-sandbox.js'
import {createGoogleClients, type GoogleClients} from '../../../src/lib/providers/google/client.js'
import type {RunningSandbox, SandboxOptions} from '../../../src/sandbox/host/start.js'
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
  const {sandbox, credentials, seed, leaf, stop} = await startProviderSandbox('google', {
    users: 6,
    events: 3,
    rooms: 2,
    seed: 11,
    ...options,
  })
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
    stop,
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

/** An HTTPS push receiver (sandbox-CA leaf) that records Google channel notifications. */
export async function startReceiver(leaf: {certPem: string; keyPem: string}) {
  const receiver = await startHttpsReceiver(leaf, {status: 200})
  return {...receiver, url: `${receiver.origin}/google/push`}
}

export function inHours(hours: number, from = Date.now()): string {
  const base = Math.floor(from / 3_600_000) * 3_600_000
  return new Date(base + hours * 3_600_000).toISOString()
}

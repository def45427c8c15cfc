/**
 * Starts the real sandbox host with only the Google emulator, and builds hcal's production Google clients
 * against it. The CA is kept in a temp state dir so a test can get its own leaf certificate from the same
 * CA (for an HTTPS push receiver the sandbox trusts).
 */

import {importPKCS8, SignJWT} from 'jose'
import {type Agent, request} from 'undici'

import {rejectionOf} from '../../helpers/expect.js'
import {startHttpsReceiver} from '../../helpers/https-receiver.js'
import {startProviderSandbox} from '../../helpers/provider-sandbox.js'
import {trustingAgent} from '../../helpers/trusted-agent.js'
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
  /** An HTTP client trusting the sandbox CA, for requests the SDKs cannot make (closed by `stop`). */
  agent: Agent
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
  const agent = trustingAgent(sandbox.caPem)
  return {
    sandbox,
    credentials,
    seed,
    users: seed.users.map((user) => user.email),
    leaf,
    agent,
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
      await agent.close()
      await stop()
    },
  }
}

/** Runs `call`, expects it to fail with an HTTP error, and returns status and body. */
export async function httpFailure(call: () => Promise<unknown>): Promise<{status: number; data: unknown}> {
  const error = await rejectionOf<Error & {response?: {status: number; data: unknown}}>(call)
  if (!error.response) throw error
  return {status: error.response.status, data: error.response.data}
}

/** The `errors[0].reason` of a Google API error body. */
export function reasonOf(data: unknown): string | undefined {
  return (data as {error?: {errors?: {reason?: string}[]}}).error?.errors?.[0]?.reason
}

export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer'
/** The audience google-auth-library signs for, whatever URL it posts to. */
export const TOKEN_AUDIENCE = 'https://oauth2.googleapis.com/token'

export interface AssertionParts {
  /** Claims added to or replacing the defaults (iss, sub, scope, aud, iat, exp); `undefined` drops one. */
  claims?: Record<string, unknown>
  /** Header fields added to or replacing {alg: RS256, typ: JWT, kid: the key's id}. */
  header?: Record<string, unknown>
  /** A PEM private key to sign with instead of the service account's own. */
  privateKeyPem?: string
}

/**
 * A JWT-bearer assertion as google-auth-library builds it for `subject`, with the parts a test wants
 * wrong: the way to reach token-endpoint rules the SDK never breaks on its own.
 */
export async function signAssertion(google: GoogleSandbox, subject: string, parts: AssertionParts = {}) {
  const key = JSON.parse(google.credentials.serviceAccountJson) as Record<string, string>
  const now = Math.floor(Date.now() / 1000)
  const claims: Record<string, unknown> = {
    iss: key.client_email,
    sub: subject,
    scope: HCAL_SCOPES.join(' '),
    aud: TOKEN_AUDIENCE,
    iat: now,
    exp: now + 3600,
    ...parts.claims,
  }
  const signingKey = await importPKCS8(parts.privateKeyPem ?? key.private_key ?? '', 'RS256')
  return new SignJWT(claims)
    .setProtectedHeader({alg: 'RS256', typ: 'JWT', kid: key.private_key_id, ...parts.header} as {alg: string})
    .sign(signingKey)
}

/** POSTs a form to the sandbox token endpoint; returns status and parsed body. */
export async function postToken(
  google: GoogleSandbox,
  form: Record<string, string>,
): Promise<{status: number; body: Record<string, unknown>}> {
  const response = await request(google.credentials.tokenUrl, {
    method: 'POST',
    dispatcher: google.agent,
    headers: {'content-type': 'application/x-www-form-urlencoded'},
    body: new URLSearchParams(form).toString(),
  })
  return {status: response.statusCode, body: (await response.body.json()) as Record<string, unknown>}
}

/** Exchanges an assertion built by `signAssertion` for a token. */
export async function exchange(google: GoogleSandbox, subject: string, parts: AssertionParts = {}) {
  return postToken(google, {grant_type: JWT_BEARER, assertion: await signAssertion(google, subject, parts)})
}

/** A raw API request (for what the SDKs never send, e.g. no Authorization header). */
export async function apiRequest(
  google: GoogleSandbox,
  path: string,
  init: {method?: 'GET' | 'POST'; token?: string; body?: unknown} = {},
): Promise<{status: number; body: unknown}> {
  const response = await request(new URL(path, google.credentials.rootUrl), {
    method: init.method ?? 'GET',
    dispatcher: google.agent,
    headers: {
      ...(init.token ? {authorization: `Bearer ${init.token}`} : {}),
      ...(init.body !== undefined ? {'content-type': 'application/json'} : {}),
    },
    ...(init.body !== undefined ? {body: JSON.stringify(init.body)} : {}),
  })
  const text = await response.body.text()
  return {status: response.statusCode, body: text ? (JSON.parse(text) as unknown) : undefined}
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

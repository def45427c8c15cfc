/**
 * Builds the Google SDK clients hcal uses: one JWT (service account with domain-wide delegation, acting as
 * `subject`) shared by Calendar v3 and Gmail v1.
 *
 * Two redirections exist for the sandbox (and any private endpoint), both scoped to these clients only:
 * - google-auth-library 10 has no option for the token URL (it is a constant inside its vendored gtoken),
 *   but the token POST goes through the JWT's own gaxios transporter, so a request interceptor rewrites it.
 * - `rootUrl` is the SDKs' documented way to point API calls elsewhere.
 * A custom CA is trusted through an https.Agent handed to that transporter (gaxios 7 passes `agent` on to
 * node-fetch); nothing global changes.
 */
import {Agent} from 'node:https'

import {calendar, type calendar_v3} from '@googleapis/calendar'
import {gmail, type gmail_v1} from '@googleapis/gmail'
import {JWT} from 'google-auth-library'

import {assertCaPem, secureContextTrusting} from '../ca.js'
import {httpsEndpoint} from '../endpoint.js'
import {headerValue} from '../retry-after.js'
import {parseServiceAccountKey, privateKeyObject} from './key.js'

export {type GoogleServiceAccountKey, parseServiceAccountKey} from './key.js'

/** The token URL google-auth-library always posts to (and always puts in the assertion's `aud`). */
export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token'

export interface GoogleClientOptions {
  /** The service account's JSON key, as downloaded from the Cloud console. */
  serviceAccountJson: string
  /**
   * The Workspace user to impersonate (domain-wide delegation); absent, the service account acts as itself
   * (what ends a push channel: it belongs to the project, not to a mailbox).
   */
  subject?: string
  scopes: string[]
  /** Replaces https://oauth2.googleapis.com/token (sandbox). */
  tokenUrl?: string
  /** Replaces https://www.googleapis.com/ for API calls (sandbox). */
  rootUrl?: string
  /** Extra CA (PEM) to trust for these clients only, on top of the system roots. */
  caPem?: string
  /**
   * Charge quota to the impersonated user instead of the service account (Google's `quotaUser`, sent as the
   * `x-goog-quota-user` header). Without it every user shares the service account's 600 requests/minute.
   */
  quotaUser?: boolean
  /**
   * Told about every answer of the token endpoint, success or error: its status and `Date` header (Google's
   * clock, which provisioning and doctor compare with this machine's).
   */
  onTokenAnswer?: (answer: TokenAnswer) => void
}

export interface TokenAnswer {
  status: number
  /** The Date header as sent, when there was one. */
  date?: string
  /** When this machine received the answer (ms since the epoch). */
  receivedAt: number
}

export interface GoogleClients {
  auth: JWT
  calendar: calendar_v3.Calendar
  gmail: gmail_v1.Gmail
}

/**
 * One keep-alive agent per extra CA, shared by every user's clients so thousands of impersonated users reuse
 * a few connections, all with one TLS context (the system roots and the extra CA).
 */
const agents = new Map<string, Agent>()

function agentTrusting(caPem: string): Agent {
  let agent = agents.get(caPem)
  if (!agent) {
    agent = new Agent({secureContext: secureContextTrusting(caPem), keepAlive: true})
    agents.set(caPem, agent)
  }
  return agent
}

/** Reports each answer of the token endpoint (the request interceptor has already rewritten its URL). */
function watchTokenAnswers(auth: JWT, tokenUrl: string, report: (answer: TokenAnswer) => void): void {
  const isToken = (config: {url?: unknown} | undefined) => String(config?.url) === tokenUrl
  const tell = (response: {status: number; headers?: unknown}) => {
    const date = headerValue(response.headers, 'date')
    report({status: response.status, ...(date ? {date} : {}), receivedAt: Date.now()})
  }
  auth.transporter.interceptors.response.add({
    resolved: async (response) => {
      if (isToken(response.config)) tell(response)
      return response
    },
    // gaxios chains this as a promise's onRejected: throwing keeps the request failed with its own error.
    rejected: (error) => {
      if (isToken(error.config) && error.response) tell(error.response)
      throw error
    },
  })
}

export function createGoogleClients(options: GoogleClientOptions): GoogleClients {
  // Input the admin can fix (a malformed key, a bad CA file) fails here as a coded HcalError, not later.
  const key = parseServiceAccountKey(options.serviceAccountJson)
  if (options.caPem) assertCaPem(options.caPem)
  const tokenUrl =
    options.tokenUrl && httpsEndpoint(options.tokenUrl, 'endpoints.google.tokenUrl', 'GOOGLE_ENDPOINT_INVALID')
  if (options.rootUrl) httpsEndpoint(options.rootUrl, 'endpoints.google.rootUrl', 'GOOGLE_ENDPOINT_INVALID')
  const agent = options.caPem ? agentTrusting(options.caPem) : undefined
  const auth = new JWT({
    email: key.client_email,
    // A KeyObject, though typed as the PEM: the token assertion is signed with it through jws, which takes a
    // KeyObject as well, and signing then skips decoding the PEM for every user (see privateKeyObject).
    key: privateKeyObject(key.private_key) as unknown as string,
    keyId: key.private_key_id,
    scopes: options.scopes,
    ...(options.subject ? {subject: options.subject} : {}),
    transporterOptions: agent ? {agent} : undefined,
  })
  if (options.onTokenAnswer) watchTokenAnswers(auth, String(tokenUrl || GOOGLE_TOKEN_URL), options.onTokenAnswer)
  const quotaUser = options.quotaUser ? options.subject : undefined
  if (tokenUrl || quotaUser) {
    auth.transporter.interceptors.request.add({
      resolved: async (config) => {
        const isTokenRequest = String(config.url) === GOOGLE_TOKEN_URL
        if (isTokenRequest && tokenUrl) config.url = new URL(tokenUrl)
        if (!isTokenRequest && quotaUser) config.headers.set('x-goog-quota-user', quotaUser)
        return config
      },
    })
  }
  // The API packages type `auth` against their own nested copy of google-auth-library (10.5); at run time
  // they only call `request()` on it, which this JWT provides.
  const apiAuth = auth as unknown as calendar_v3.Options['auth']
  return {
    auth,
    calendar: calendar({version: 'v3', auth: apiAuth, rootUrl: options.rootUrl}),
    gmail: gmail({version: 'v1', auth: apiAuth as gmail_v1.Options['auth'], rootUrl: options.rootUrl}),
  }
}

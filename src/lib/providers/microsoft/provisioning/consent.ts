/**
 * Admin consent the way Entra hands it out: the tenant's admin-consent URL with a random `state`, and a
 * listener on a loopback port that catches the browser's redirect back. The answer counts only when its
 * `state` is ours (compared in constant time): anything else could be a forged or stale redirect.
 */
import {createHash, randomBytes, timingSafeEqual} from 'node:crypto'
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'

import {AuthError} from '../../../errors.js'
import {aadstsNumberOf, explainAadsts} from './aadsts.js'
import {CONSENT_PATH, PORTAL} from './portal.js'

export interface AdminConsentOptions {
  /** The identity platform origin (the cloud's, or the profile's endpoint override). */
  authorityOrigin: string
  tenant: string
  clientId: string
  /** How long to wait for the redirect. */
  timeoutMs: number
  /** Ends the wait early (Ctrl-C). */
  signal?: AbortSignal
}

export interface ConsentGranted {
  /** The tenant ID Entra reported back. */
  tenantId?: string
}

export interface AdminConsentSession {
  /** Open this in a browser, signed in as a Global Administrator or Privileged Role Administrator. */
  url: string
  redirectUri: string
  /** Settles once: granted, or an AuthError (declined, state mismatch, timeout). */
  outcome: Promise<ConsentGranted>
  close(): Promise<void>
}

/** The admin-consent URL of `tenant` for `clientId`, answering to `redirectUri`. */
export function adminConsentUrl(options: {
  authorityOrigin: string
  tenant: string
  clientId: string
  redirectUri: string
  state: string
}): string {
  const url = new URL(
    `${options.authorityOrigin.replace(/\/$/, '')}/${encodeURIComponent(options.tenant)}/adminconsent`,
  )
  url.searchParams.set('client_id', options.clientId)
  url.searchParams.set('redirect_uri', options.redirectUri)
  url.searchParams.set('state', options.state)
  return url.toString()
}

/** Equal-time comparison of two strings of any length (hashed first, so lengths leak nothing either). */
export function sameState(expected: string, given: string | null): boolean {
  if (given === null) return false
  const digest = (value: string) => createHash('sha256').update(value).digest()
  return timingSafeEqual(digest(expected), digest(given))
}

function answer(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'close',
  })
  response.end(`${text}\n`)
}

/** What the redirect's query says: granted, or the AuthError to end the run with. */
function readRedirect(
  query: URLSearchParams,
  state: string,
  context: {tenant: string; clientId: string; redirectUri: string},
): ConsentGranted | AuthError {
  if (!sameState(state, query.get('state'))) {
    return new AuthError(
      'MICROSOFT_CONSENT_STATE_MISMATCH',
      'The consent redirect did not carry the state this run sent, so hcal ignored its answer (a stale tab, or a redirect hcal did not ask for).',
      {suggestions: ['Run the command again and open the new URL it prints; close older consent tabs first.']},
    )
  }
  const error = query.get('error')
  if (error === null && query.get('admin_consent')?.toLowerCase() === 'true') {
    return {tenantId: query.get('tenant') ?? undefined}
  }
  const description = query.get('error_description') ?? ''
  const number = aadstsNumberOf({message: description})
  const explained = explainAadsts(number, context)
  const said = description.split(/\r?\n/)[0] || error || 'no admin_consent=True'
  return new AuthError(
    explained?.code ?? 'MICROSOFT_CONSENT_FAILED',
    `Admin consent was not granted: ${explained?.cause ?? said}.`,
    {
      suggestions: [
        explained?.fix ??
          `Open the URL again signed in as a Global Administrator or Privileged Role Administrator, or grant consent in ${PORTAL.apiPermissions}.`,
      ],
      data: {error, ...(number ? {aadsts: `AADSTS${number}`} : {}), microsoft: said},
    },
  )
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve((server.address() as AddressInfo).port)
    })
  })
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve()
    server.close(() => resolve())
    server.closeAllConnections()
  })
}

/**
 * Starts listening on a free loopback port (127.0.0.1, and ::1 on the same port where there is one, since
 * a browser may resolve "localhost" to either) and returns the URL to open. The redirect URI names
 * localhost: Entra matches a localhost redirect URI whatever its port, so one registration fits every run.
 */
export async function startAdminConsent(options: AdminConsentOptions): Promise<AdminConsentSession> {
  const state = randomBytes(24).toString('base64url')
  let settle: {resolve(value: ConsentGranted): void; reject(error: unknown): void} | undefined
  const outcome = new Promise<ConsentGranted>((resolve, reject) => (settle = {resolve, reject}))
  // The run awaits `outcome` only after printing the URL; a timeout before that must not count as unhandled.
  outcome.catch(() => undefined)
  let redirectUri = ''
  let settled = false

  const finish = (result: ConsentGranted | Error) => {
    if (settled) return
    settled = true
    if (result instanceof Error) settle?.reject(result)
    else settle?.resolve(result)
  }

  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://localhost')
    if (request.method !== 'GET' || url.pathname !== CONSENT_PATH) return answer(response, 404, 'Not found.')
    if (settled) return answer(response, 410, 'This consent answer was already received; you can close this tab.')
    const result = readRedirect(url.searchParams, state, {
      tenant: options.tenant,
      clientId: options.clientId,
      redirectUri,
    })
    if (result instanceof AuthError) {
      answer(response, 400, `hcal: ${result.message}\n${result.suggestions.join('\n')}`)
    } else {
      answer(response, 200, 'hcal: admin consent granted. You can close this tab and return to the terminal.')
    }
    finish(result)
  }

  const servers = [createServer(handle)]
  const port = await listen(servers[0] as Server, 0, '127.0.0.1')
  const v6 = createServer(handle)
  // Best effort: a machine without IPv6 loopback (or with the port taken there) still has 127.0.0.1.
  if (
    await listen(v6, port, '::1').then(
      () => true,
      () => false,
    )
  )
    servers.push(v6)
  redirectUri = `http://localhost:${port}${CONSENT_PATH}`

  const timer = setTimeout(() => {
    finish(
      new AuthError(
        'MICROSOFT_CONSENT_TIMEOUT',
        `No answer to the admin-consent prompt within ${Math.round(options.timeoutMs / 1000)} s.`,
        {
          suggestions: [
            'Run the command again and open the URL within --consent-timeout seconds (raise it if the admin needs longer), ' +
              'or grant consent in the portal and pass --skip-consent.',
          ],
        },
      ),
    )
  }, options.timeoutMs)
  const onAbort = () => finish(options.signal?.reason instanceof Error ? options.signal.reason : new Error('aborted'))
  options.signal?.addEventListener('abort', onAbort, {once: true})

  return {
    url: adminConsentUrl({...options, redirectUri, state}),
    redirectUri,
    outcome,
    close: async () => {
      clearTimeout(timer)
      options.signal?.removeEventListener('abort', onAbort)
      await Promise.all(servers.map(closeServer))
    },
  }
}

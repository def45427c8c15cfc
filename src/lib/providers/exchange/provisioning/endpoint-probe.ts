/**
 * The first thing to prove about an EWS URL: a TLS handshake this machine trusts (or plain http when the
 * admin allowed it) and an HTTP answer from the server. One unauthenticated GET: IIS answers 401 with its
 * challenges, which is all this needs, and its `Date` header is what the clock check compares against.
 */
import {request as httpRequest, type IncomingMessage} from 'node:http'
import {request as httpsRequest} from 'node:https'

export interface EndpointAnswer {
  ok: true
  status: number
  /** The server's `Date` header, when it sent one. */
  date?: string
  /** Authentication schemes the server offers (WWW-Authenticate), e.g. ["Negotiate", "NTLM", "Basic"]. */
  schemes: string[]
}

export interface EndpointFailure {
  ok: false
  /** Node's error code: ECONNREFUSED, UNABLE_TO_VERIFY_LEAF_SIGNATURE, ERR_TLS_CERT_ALTNAME_INVALID... */
  code: string
  message: string
}

export type EndpointProbe = EndpointAnswer | EndpointFailure

const PROBE_TIMEOUT_MS = 15_000

/** One scheme per WWW-Authenticate header (IIS sends one each); Node's `headers` would join them with commas. */
function schemesOf(response: IncomingMessage): string[] {
  const schemes: string[] = []
  for (let i = 0; i + 1 < response.rawHeaders.length; i += 2) {
    if (response.rawHeaders[i]?.toLowerCase() !== 'www-authenticate') continue
    const scheme = response.rawHeaders[i + 1]?.trim().split(/[\s,]/)[0]
    if (scheme) schemes.push(scheme)
  }
  return schemes
}

/** GETs `url` trusting `caPem` (when given) in addition to nothing else: the same trust the EWS client uses. */
export function probeEndpoint(
  url: string,
  options: {caPem?: string; signal?: AbortSignal} = {},
): Promise<EndpointProbe> {
  const secure = new URL(url).protocol === 'https:'
  return new Promise((resolve) => {
    const settle = (probe: EndpointProbe) => resolve(probe)
    const onResponse = (response: IncomingMessage) => {
      response.resume()
      const date = response.headers.date
      settle({ok: true, status: response.statusCode ?? 0, ...(date ? {date} : {}), schemes: schemesOf(response)})
    }
    const requestOptions = {method: 'GET', timeout: PROBE_TIMEOUT_MS, signal: options.signal}
    const req = secure
      ? httpsRequest(url, {...requestOptions, ...(options.caPem ? {ca: options.caPem} : {}), agent: false}, onResponse)
      : httpRequest(url, {...requestOptions, agent: false}, onResponse)
    req.on('timeout', () => req.destroy(Object.assign(new Error('no answer within 15 s'), {code: 'ETIMEDOUT'})))
    req.on('error', (error: NodeJS.ErrnoException) =>
      settle({ok: false, code: error.code ?? 'UNKNOWN', message: error.message}),
    )
    req.end()
  })
}

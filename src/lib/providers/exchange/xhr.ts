/**
 * The HTTP layer ews-javascript-api runs on, adjusted for hcal: trusts an explicit CA (never disables TLS
 * checks), does NTLM over that trusted agent, and hands the streaming parser one SOAP envelope per data
 * event (ews-javascript-api parses at most one envelope per event; coalesced envelopes would be lost).
 */
import {Agent as HttpAgent, request as httpRequest} from 'node:http'
import {Agent, request as httpsRequest} from 'node:https'
import {createRequire} from 'node:module'
import {createSecureContext} from 'node:tls'

import {XhrApi} from '@ewsjs/xhr'

type XhrOptions = Parameters<XhrApi['xhrStream']>[0]
type Progress = Parameters<Parameters<XhrApi['xhrStream']>[1]>[0]
type AuthProvider = Parameters<XhrApi['setAuthProvider']>[0]
type PreCallConfig = Parameters<AuthProvider['preCall']>[0]

interface NtlmMessages {
  createType1Message(workstation: string, domain: string): string
  decodeType2Message(header: string): unknown
  createType3Message(type2: unknown, user: string, password: string, workstation: string, domain: string): string
}

// @ewsjs/xhr's own NTLM message code (its dependency), so NTLM here is byte-for-byte what the library sends.
const ntlm = createRequire(import.meta.url)('@ewsjs/ntlm-client') as NtlmMessages

const ENVELOPE_END = '</Envelope>'

/** A `DOMAIN\user` login split as NTLM wants it (a UPN keeps an empty domain). */
function ntlmIdentity(login: string): {user: string; domain: string} {
  const slash = login.indexOf('\\')
  return slash > 0
    ? {domain: login.slice(0, slash).toUpperCase(), user: login.slice(slash + 1)}
    : {domain: '', user: login}
}

/** The NTLM Type 1 (negotiate) header value for `login`. */
export function ntlmNegotiate(login: string): string {
  return ntlm.createType1Message('.', ntlmIdentity(login).domain)
}

/** The NTLM Type 3 (authenticate) header value answering the server's `NTLM <Type 2>` challenge. */
export function ntlmAuthenticate(login: string, password: string, challenge: string): string {
  const {user, domain} = ntlmIdentity(login)
  return ntlm.createType3Message(ntlm.decodeType2Message(challenge), user, password, '.', domain)
}

/** NTLM handshake (Type 1 GET -> 401 Type 2 -> Type 3 on the same kept-alive socket) over a CA-trusting agent. */
class TrustedNtlmProvider implements AuthProvider {
  readonly providerName = 'ntlm'
  // No client of its own: XhrApi falls back to its axios instance when this is null.
  readonly client = null as unknown as AuthProvider['client']

  constructor(
    private readonly login: string,
    private readonly password: string,
    private readonly ca: string | undefined,
  ) {}

  async preCall(options: PreCallConfig): Promise<PreCallConfig> {
    // Plain http only when the admin allowed it (--allow-insecure-http); the handshake needs one kept-alive socket either way.
    const secure = new URL(String(options.url)).protocol === 'https:'
    const agent = secure
      ? new Agent({keepAlive: true, maxSockets: 1, ...(this.ca ? {ca: this.ca} : {})})
      : new HttpAgent({keepAlive: true, maxSockets: 1})
    const send = secure ? httpsRequest : httpRequest
    const challenge = await new Promise<string>((resolve, reject) => {
      const req = send(
        String(options.url),
        {
          method: 'GET',
          agent,
          headers: {Authorization: ntlmNegotiate(this.login), Connection: 'keep-alive'},
        },
        (res) => {
          res.resume()
          res.on('end', () => {
            const header = res.headers['www-authenticate']
            const value = Array.isArray(header) ? header.find((h) => h.startsWith('NTLM ')) : header
            if (res.statusCode === 401 && value?.startsWith('NTLM ')) resolve(value)
            else
              reject(
                Object.assign(new Error(`NTLM negotiation failed: HTTP ${res.statusCode ?? 0} without a challenge`), {
                  status: res.statusCode,
                }),
              )
          })
        },
      )
      req.on('error', reject)
      req.end()
    })
    const type3 = ntlmAuthenticate(this.login, this.password, challenge)
    const headers = {...(options.headers as Record<string, string>)}
    delete headers.authorization
    return {
      ...options,
      ...(secure ? {httpsAgent: agent} : {httpAgent: agent}),
      headers: {...headers, Authorization: type3, Connection: 'Close'},
    }
  }
}

export interface TrustedXhrOptions {
  /** PEM of the CA that issued Exchange's certificate; when set it is the only CA trusted. */
  caPem?: string
  ntlm?: {username: string; password: string}
  /** An agent (trusting `caPem`) shared by many services, so their requests reuse kept-alive connections. */
  httpsAgent?: Agent
}

/**
 * One keep-alive agent per CA, shared by every service (one per impersonated mailbox) so a bulk run reuses a
 * few connections instead of a TLS handshake per mailbox. A stream holds its own socket; NTLM brings its own.
 */
const agents = new Map<string, Agent>()

function agentTrusting(caPem: string): Agent {
  let agent = agents.get(caPem)
  if (!agent) {
    agent = new Agent({secureContext: createSecureContext({ca: caPem}), keepAlive: true})
    agents.set(caPem, agent)
  }
  return agent
}

/** One instance per ExchangeService; one per streaming connection (XhrApi keeps a single stream). */
export class TrustedXhrApi extends XhrApi {
  constructor(options: TrustedXhrOptions = {}) {
    const httpsAgent = options.httpsAgent ?? (options.caPem ? agentTrusting(options.caPem) : undefined)
    super(httpsAgent ? {httpsAgent} : {})
    if (options.ntlm)
      this.setAuthProvider(new TrustedNtlmProvider(options.ntlm.username, options.ntlm.password, options.caPem))
  }

  override xhrStream(options: XhrOptions, progress: (p: Progress) => void): ReturnType<XhrApi['xhrStream']> {
    let buffer = ''
    return super.xhrStream(options, (p) => {
      if (p.type !== 'data' || p.data === undefined) return progress(p)
      buffer += p.data
      let end = buffer.indexOf(ENVELOPE_END)
      while (end >= 0) {
        progress({type: 'data', data: buffer.slice(0, end + ENVELOPE_END.length)})
        buffer = buffer.slice(end + ENVELOPE_END.length)
        end = buffer.indexOf(ENVELOPE_END)
      }
    })
  }
}

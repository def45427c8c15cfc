/**
 * A hand-driven NTLM handshake against the emulator, step by step on sockets the test chooses, so each
 * NTLM rule (challenge bound to the connection, NTLMv2 only, the password proof) can be broken on purpose.
 */
import {Agent, request} from 'node:https'
import {createRequire} from 'node:module'

interface Type2 {
  /** 2 when the challenge carries target information (the client then answers with NTLMv2). */
  version: number
}

interface NtlmMessages {
  createType1Message(workstation: string, domain: string): string
  decodeType2Message(header: string): Type2
  createType3Message(type2: Type2, user: string, password: string, workstation: string, domain: string): string
}

// The NTLM message code ews-javascript-api's HTTP layer (@ewsjs/xhr) uses.
export const ntlm = createRequire(import.meta.url)('@ewsjs/ntlm-client') as NtlmMessages

export interface NtlmAnswer {
  status: number
  wwwAuthenticate: string[]
  body: string
}

/** One kept-alive connection to the sandbox: every request on it shares the socket, as NTLM requires. */
export class NtlmConnection {
  private readonly agent: Agent

  constructor(
    private readonly url: string,
    caPem: string,
  ) {
    this.agent = new Agent({keepAlive: true, maxSockets: 1, ca: caPem})
  }

  send(method: 'GET' | 'POST', authorization: string, body = ''): Promise<NtlmAnswer> {
    return new Promise((resolve, reject) => {
      const req = request(
        this.url,
        {
          method,
          agent: this.agent,
          headers: {
            authorization,
            'content-type': 'text/xml; charset=utf-8',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          let text = ''
          res.setEncoding('utf8')
          res.on('data', (chunk: string) => (text += chunk))
          res.on('end', () => {
            // rawHeaders keeps each WWW-Authenticate line (IIS sends one per scheme).
            const wwwAuthenticate = res.rawHeaders.filter(
              (_value, index, all) => index % 2 === 1 && all[index - 1]?.toLowerCase() === 'www-authenticate',
            )
            resolve({status: res.statusCode ?? 0, wwwAuthenticate, body: text})
          })
        },
      )
      req.on('error', reject)
      req.end(body)
    })
  }

  /** Type 1 on this socket; returns the decoded Type 2 challenge the server answered with. */
  async negotiate(domain: string): Promise<Type2> {
    const answer = await this.send('GET', ntlm.createType1Message('.', domain))
    const challenge = answer.wwwAuthenticate.find((value) => value.startsWith('NTLM '))
    if (answer.status !== 401 || !challenge) throw new Error(`no NTLM challenge: HTTP ${answer.status}`)
    return ntlm.decodeType2Message(challenge)
  }

  close(): void {
    this.agent.destroy()
  }
}

/**
 * The same Type 3 with its NT response cut to 24 bytes, the size of an NTLMv1 response (the library cannot
 * compute real NTLMv1 for long passwords; the server must refuse either way).
 */
export function asNtlmV1(type3: string): string {
  const token = Buffer.from(type3.replace(/^NTLM /, ''), 'base64')
  token.writeUInt16LE(24, 20)
  token.writeUInt16LE(24, 22)
  return `NTLM ${token.toString('base64')}`
}

/** `DOMAIN\user` split as NTLM sends it. */
export function splitLogin(login: string): {domain: string; user: string} {
  const slash = login.indexOf('\\')
  return {domain: login.slice(0, slash), user: login.slice(slash + 1)}
}

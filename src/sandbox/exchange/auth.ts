/**
 * IIS-style authentication for /EWS and /autodiscover: Basic, or NTLM as a connection-bound handshake
 * (Type 1 -> 401 with the Type 2 challenge on the same socket -> Type 3 verified with NTLMv2).
 */
import type {Socket} from 'node:net'

import type {FastifyReply, FastifyRequest} from 'fastify'

import {challengeMessage, messageType, parseAuthenticate, verifyNtlmV2} from './ntlm.js'

export interface ServiceAccount {
  /** sAMAccountName, e.g. svc-hcal. */
  user: string
  /** NetBIOS domain, e.g. FABRIKAM. */
  netbiosDomain: string
  /** UPN, e.g. svc-hcal@fabrikam-onprem.test. */
  upn: string
  password: string
}

export type AuthOutcome = {ok: true; account: ServiceAccount} | {ok: false}

const challenges = new WeakMap<Socket, Buffer>()

function matchesAccount(account: ServiceAccount, domain: string, user: string): boolean {
  const u = user.toLowerCase()
  if (u === account.upn.toLowerCase()) return domain === '' || domain.toUpperCase() === account.netbiosDomain
  return u === account.user.toLowerCase() && domain.toUpperCase() === account.netbiosDomain
}

function splitLogin(login: string): {domain: string; user: string} {
  const slash = login.indexOf('\\')
  return slash > 0 ? {domain: login.slice(0, slash), user: login.slice(slash + 1)} : {domain: '', user: login}
}

function challenge401(reply: FastifyReply, account: ServiceAccount): void {
  reply
    .code(401)
    .header('www-authenticate', ['Negotiate', 'NTLM', `Basic realm="${account.upn.split('@')[1] ?? ''}"`])
    .header('x-powered-by', 'ASP.NET')
    .type('text/html')
    .send(
      '<html><head><title>401 - Unauthorized</title></head><body>401 - Unauthorized: Access is denied due to invalid credentials.</body></html>',
    )
}

/**
 * Authenticates one request; on failure (or mid-handshake) the reply has been sent and `ok` is false.
 * Basic accepts `DOMAIN\user` or the UPN; NTLM verifies the NTLMv2 proof for the challenge issued on this socket.
 */
export function authenticate(request: FastifyRequest, reply: FastifyReply, account: ServiceAccount): AuthOutcome {
  const header = request.headers.authorization ?? ''
  const space = header.indexOf(' ')
  const scheme = (space > 0 ? header.slice(0, space) : header).toLowerCase()
  const credentials = space > 0 ? header.slice(space + 1).trim() : ''
  const socket = request.raw.socket

  if (scheme === 'basic') {
    const decoded = Buffer.from(credentials, 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    const {domain, user} = splitLogin(colon >= 0 ? decoded.slice(0, colon) : decoded)
    const password = colon >= 0 ? decoded.slice(colon + 1) : ''
    if (matchesAccount(account, domain, user) && password === account.password) return {ok: true, account}
    challenge401(reply, account)
    return {ok: false}
  }

  if (scheme === 'ntlm' || scheme === 'negotiate') {
    const token = Buffer.from(credentials, 'base64')
    const type = messageType(token)
    if (type === 1) {
      const domainPart = account.upn.split('@')[1] ?? ''
      const {token: type2, challenge} = challengeMessage(account.netbiosDomain, 'EXCH01', domainPart)
      challenges.set(socket, challenge)
      reply
        .code(401)
        .header('www-authenticate', `${scheme === 'ntlm' ? 'NTLM' : 'Negotiate'} ${type2.toString('base64')}`)
        .type('text/html')
        .send('')
      return {ok: false}
    }
    const issued = challenges.get(socket)
    challenges.delete(socket)
    if (type === 3 && issued) {
      try {
        const message = parseAuthenticate(token)
        if (matchesAccount(account, message.domain, message.user) && verifyNtlmV2(message, account.password, issued)) {
          return {ok: true, account}
        }
      } catch {
        // A malformed Type 3 is an authentication failure like any other.
      }
    }
  }
  challenge401(reply, account)
  return {ok: false}
}

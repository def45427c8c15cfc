/**
 * Graph's front door for app-only calls: bearer token validation (signature, issuer, audience, lifetime),
 * the app roles a call needs, the mailbox scope, and Outlook's per-mailbox limits.
 */
import {createPublicKey, type KeyObject} from 'node:crypto'

import type {FastifyInstance, FastifyReply, FastifyRequest} from 'fastify'
import {errors as joseErrors, jwtVerify} from 'jose'

import {graphResourceOf} from './clouds.js'
import type {Directory} from './directory.js'
import {sendGraphError} from './graph-errors.js'
import {MailboxLimits} from './limits.js'
import type {Mailbox} from './model.js'
import {setMailbox} from './request-log.js'
import type {MicrosoftStore} from './store.js'

export type Permission = 'Calendars.Read' | 'Calendars.ReadWrite' | 'MailboxSettings.Read' | 'MailboxSettings.ReadWrite'

const SATISFIED_BY: Record<Permission, string[]> = {
  'Calendars.Read': ['Calendars.Read', 'Calendars.ReadWrite'],
  'Calendars.ReadWrite': ['Calendars.ReadWrite'],
  'MailboxSettings.Read': ['MailboxSettings.Read', 'MailboxSettings.ReadWrite'],
  'MailboxSettings.ReadWrite': ['MailboxSettings.ReadWrite'],
}

/** Graph accepts its resource URI (with or without the slash) and its app ID; each cloud has its own URI. */
function graphAudiences(directory: Directory): string[] {
  const resource = graphResourceOf(directory.cloud)
  return [resource, `${resource}/`, '00000003-0000-0000-c000-000000000000']
}
const WWW_AUTHENTICATE =
  'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"'

export interface GraphCaller {
  appId: string
  roles: Set<string>
}

const callers = new WeakMap<FastifyRequest, GraphCaller>()
/** Accepted tokens are remembered (until they expire) so each call does not pay for an RSA verification. */
const VERIFIED_CACHE_SIZE = 512
const CLOCK_SKEW_SECONDS = 300

export class GraphGate {
  readonly limits: MailboxLimits
  private readonly publicKey: KeyObject
  private readonly verified = new Map<string, {caller: GraphCaller; expiresAt: number}>()
  /** Tokens refused although valid (a revocation); bounded like the verified cache. */
  private readonly revoked = new Set<string>()

  constructor(
    private readonly directory: Directory,
    private readonly store: MicrosoftStore,
    quotaWindowScale: number,
  ) {
    this.limits = new MailboxLimits(quotaWindowScale)
    this.publicKey = createPublicKey(directory.signingKey)
  }

  /**
   * onRequest hook: charges the addressed mailbox's concurrency and rate limits before anything else runs
   * (so injected latency is spent holding a slot, as a slow Outlook call would).
   */
  install(app: FastifyInstance): void {
    app.addHook('onRequest', async (request, reply) => {
      const user = (request.params as {user?: string} | undefined)?.user
      const mailbox = user ? this.store.resolve(user) : undefined
      if (!mailbox) return
      setMailbox(request, mailbox.address)
      const slot = this.limits.acquire(mailbox.address)
      if ('code' in slot) {
        return sendGraphError(request, reply, 429, slot.code, slot.message, {
          'Retry-After': String(slot.retryAfterSeconds),
        })
      }
      reply.raw.once('close', slot.release)
      await this.limits.heldUntil(mailbox.address)
    })
  }

  /** Validates the bearer token; answers 401 itself and returns undefined when it is not acceptable. */
  async authenticate(request: FastifyRequest, reply: FastifyReply): Promise<GraphCaller | undefined> {
    const known = callers.get(request)
    if (known) return known
    const header = request.headers.authorization ?? ''
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1]
    const deny = (code: string, message: string) => {
      reply.header('WWW-Authenticate', WWW_AUTHENTICATE)
      sendGraphError(request, reply, 401, code, message)
      return undefined
    }
    if (!token) return deny('InvalidAuthenticationToken', 'Access token is empty.')
    if (this.revoked.has(token)) {
      return deny('InvalidAuthenticationToken', 'Lifetime validation failed, the token has been revoked.')
    }
    const remembered = this.verified.get(token)
    if (remembered && remembered.expiresAt > Date.now()) {
      callers.set(request, remembered.caller)
      return remembered.caller
    }
    let payload: Record<string, unknown>
    try {
      ;({payload} = await jwtVerify(token, this.publicKey, {
        algorithms: ['RS256'],
        issuer: `https://sts.windows.net/${this.directory.tenantId}/`,
        audience: graphAudiences(this.directory),
        clockTolerance: CLOCK_SKEW_SECONDS,
      }))
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired)
        return deny('InvalidAuthenticationToken', 'Lifetime validation failed, the token is expired.')
      if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'aud') {
        return deny('InvalidAuthenticationToken', 'Access token validation failure. Invalid audience.')
      }
      if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'iss') {
        return deny('InvalidAuthenticationToken', 'Access token validation failure. Invalid issuer.')
      }
      if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'nbf') {
        return deny('InvalidAuthenticationToken', 'Lifetime validation failed, the token is not yet valid.')
      }
      if (error instanceof joseErrors.JWSInvalid || error instanceof joseErrors.JWTInvalid) {
        return deny('InvalidAuthenticationToken', 'IDX14100: JWT is not well formed, there are no dots (.).')
      }
      return deny('InvalidAuthenticationToken', 'Access token validation failure.')
    }
    const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === 'string') : []
    if (!roles.length)
      return deny(
        'NoPermissionsInAccessToken',
        'The token contains no permissions, or permissions can not be understood.',
      )
    const caller = {appId: String(payload.appid ?? ''), roles: new Set(roles)}
    callers.set(request, caller)
    this.verified.set(token, {caller, expiresAt: (Number(payload.exp) + CLOCK_SKEW_SECONDS) * 1000})
    if (this.verified.size > VERIFIED_CACHE_SIZE) {
      const oldest = this.verified.keys().next().value
      if (oldest !== undefined) this.verified.delete(oldest)
    }
    return caller
  }

  /**
   * Refuses from now on every token accepted so far, as Graph does after a revocation (continuous access
   * evaluation): a client holding a cached token gets 401 and must fetch a new one. Returns how many.
   */
  revokeAccepted(): number {
    const count = this.verified.size
    for (const token of this.verified.keys()) this.revoked.add(token)
    this.verified.clear()
    while (this.revoked.size > VERIFIED_CACHE_SIZE) {
      const oldest = this.revoked.values().next().value
      if (oldest === undefined) break
      this.revoked.delete(oldest)
    }
    return count
  }

  /** Authenticates and authorises a call on `user`'s mailbox; answers the error itself when refused. */
  async mailbox(
    request: FastifyRequest,
    reply: FastifyReply,
    user: string,
    permission: Permission,
  ): Promise<Mailbox | undefined> {
    const caller = await this.authenticate(request, reply)
    if (!caller) return undefined
    const mailbox = this.store.resolve(user)
    if (!mailbox) {
      sendGraphError(request, reply, 404, 'ErrorInvalidUser', `The requested user '${user}' is invalid.`)
      return undefined
    }
    setMailbox(request, mailbox.address)
    if (!this.allows(caller, permission)) {
      sendGraphError(request, reply, 403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.')
      return undefined
    }
    if (!this.directory.inScope(mailbox.address)) {
      const message =
        this.directory.scopeKind === 'applicationAccessPolicy'
          ? 'Access to OData is disabled: [RAOP] : Blocked by tenant configured AppOnly AccessPolicy settings.'
          : 'Access is denied. Check credentials and try again.'
      sendGraphError(request, reply, 403, 'ErrorAccessDenied', message)
      return undefined
    }
    return mailbox
  }

  allows(caller: GraphCaller, permission: Permission): boolean {
    return SATISFIED_BY[permission].some((role) => caller.roles.has(role))
  }
}

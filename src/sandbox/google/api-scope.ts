/**
 * What every Google API request goes through before its handler: the bearer token, the method's scopes,
 * the quota (project and user buckets), and which calendar the impersonated user may touch. Also the
 * request log entry and the error mapping to Google's shape.
 */
import type {FastifyInstance, FastifyReply, FastifyRequest} from 'fastify'

import type {SandboxContext} from '../types.js'
import {type AdminState, SERVICE_APIS} from './admin-state.js'
import {apiErrors, GoogleApiError, OAuthError, sendApiError, sendOAuthError} from './errors.js'
import {parseFields, selectFields} from './fields.js'
import type {AccessGrant, AccessTokens} from './identity.js'
import type {AclRule, Calendar} from './model.js'
import type {QuotaMeter} from './quota.js'
import type {CalendarStore} from './store.js'

export interface RouteMeta {
  operation: string
  /** Any one of these scopes suffices. */
  scopes: readonly string[]
  /** For the ErrorInfo of scope errors, e.g. calendar.v3.Events.List. */
  rpcMethod: string
  api: 'calendar' | 'gmail'
}

export interface Caller {
  grant: AccessGrant
  /** The impersonated user (undefined when the service account calls as itself). */
  subject?: string
}

interface Logged {
  operation: string
  mailbox?: string
}

const logged = new WeakMap<FastifyRequest, Logged>()

const ROLE_RANK: Record<AclRule['role'], number> = {none: 0, freeBusyReader: 1, reader: 2, writer: 3, owner: 4}

export interface ApiDeps {
  ctx: () => SandboxContext
  store: CalendarStore
  tokens: AccessTokens
  quotas: {calendar: QuotaMeter; gmail: QuotaMeter}
  admin: AdminState
  /** The service account's project, named by "API not enabled" errors. */
  projectNumber: string
}

export class ApiScope {
  constructor(private readonly deps: ApiDeps) {}

  /** Installs error mapping and request logging on a route scope. */
  install(app: FastifyInstance): void {
    app.setErrorHandler((error, _request, reply) => sendError(reply, error))
    // Google's Date header is Google's clock (clients measure their skew against it).
    app.addHook('onSend', async (_request, reply, payload) => {
      reply.header('date', new Date(this.deps.admin.now()).toUTCString())
      return payload
    })
    app.addHook('preSerialization', async (request, reply, payload) => {
      const fields = (request.query as Record<string, unknown>).fields
      if (typeof fields !== 'string' || fields === '' || reply.statusCode >= 300) return payload
      return selectFields(payload, parseFields(fields))
    })
    app.addHook('onResponse', async (request, reply) => {
      const entry = logged.get(request)
      this.deps.ctx().log.record({
        provider: 'google',
        method: request.method,
        path: request.url,
        status: reply.statusCode,
        operation: entry?.operation ?? 'unknown',
        ...(entry?.mailbox ? {mailbox: entry.mailbox} : {}),
      })
    })
  }

  /** Authenticates and charges the request; throws Google's error when it may not proceed. */
  authorize(request: FastifyRequest, meta: RouteMeta): Caller {
    logged.set(request, {operation: meta.operation})
    const header = request.headers.authorization
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined
    const grant = token ? this.deps.tokens.lookup(token) : undefined
    if (!grant) throw apiErrors.unauthenticated()
    if (grant.subject) logged.set(request, {operation: meta.operation, mailbox: grant.subject})
    const api = SERVICE_APIS[meta.api]
    if (!this.deps.admin.apiEnabled(meta.api)) {
      throw apiErrors.accessNotConfigured(api.title, api.service, this.deps.projectNumber)
    }
    if (!meta.scopes.some((scope) => grant.scopes.has(scope)))
      throw apiErrors.insufficientScope(api.service, meta.rpcMethod)
    if (grant.subject && !this.deps.admin.serviceOn(grant.subject, meta.api)) {
      throw meta.api === 'calendar' ? apiErrors.notACalendarUser() : apiErrors.mailServiceNotEnabled()
    }
    const query = request.query as Record<string, unknown>
    const quotaHeader = request.headers['x-goog-quota-user']
    const quotaUser =
      (typeof query.quotaUser === 'string' && query.quotaUser) ||
      (typeof quotaHeader === 'string' && quotaHeader) ||
      grant.clientEmail
    const overQuota = this.deps.quotas[meta.api].charge(quotaUser)
    if (overQuota) throw overQuota
    return grant.subject ? {grant, subject: grant.subject} : {grant}
  }

  /** Records which mailbox a request acted on (when it is not the caller's own). */
  actedOn(request: FastifyRequest, mailbox: string): void {
    const entry = logged.get(request)
    if (entry) entry.mailbox = mailbox
  }

  /**
   * Resolves `calendarId` for the caller: its own calendar (`primary` or its address) or one shared with it
   * through the ACL; anything else is 404, as Google hides calendars the caller cannot see.
   */
  calendar(request: FastifyRequest, caller: Caller, calendarId: string, need: 'read' | 'write'): Calendar {
    const id = calendarId === 'primary' ? caller.subject : calendarId.toLowerCase()
    const calendar = id ? this.deps.store.calendars.get(id) : undefined
    if (!calendar || !caller.subject) throw apiErrors.notFound()
    this.actedOn(request, calendar.owner)
    if (calendar.owner === caller.subject) return calendar
    const required = need === 'write' ? ROLE_RANK.writer : ROLE_RANK.reader
    const domain = caller.subject.split('@')[1]
    const rank = Math.max(
      ...[`user:${caller.subject}`, `domain:${domain}`, 'default'].map((ruleId) => {
        const rule = calendar.acl.get(ruleId)
        return rule ? ROLE_RANK[rule.role] : 0
      }),
    )
    if (rank < required) throw apiErrors.notFound()
    return calendar
  }
}

export function sendError(reply: FastifyReply, error: unknown): FastifyReply {
  if (error instanceof GoogleApiError) return sendApiError(reply, error)
  if (error instanceof OAuthError) return sendOAuthError(reply, error)
  const status = (error as {statusCode?: number}).statusCode
  if (status && status >= 400 && status < 500) {
    const message = status === 400 ? 'Parse Error' : 'Bad Request'
    return sendApiError(
      reply,
      new GoogleApiError(status, message, [{domain: 'global', reason: 'parseError', message}], 'INVALID_ARGUMENT'),
    )
  }
  return sendApiError(reply, apiErrors.backendError(500))
}

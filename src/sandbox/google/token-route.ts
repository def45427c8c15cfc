/** POST /token: the OAuth 2.0 token endpoint for the JWT-bearer grant, answering like oauth2.googleapis.com. */
import formbody from '@fastify/formbody'
import type {FastifyInstance} from 'fastify'

import type {SandboxContext} from '../types.js'
import type {AdminState} from './admin-state.js'
import {OAuthError, sendOAuthError} from './errors.js'
import {
  type AccessTokens,
  type DelegationRegistry,
  JWT_BEARER_GRANT,
  type ServiceAccount,
  verifyAssertion,
} from './identity.js'
import type {CalendarStore} from './store.js'

export interface TokenDeps {
  ctx: () => SandboxContext
  account: ServiceAccount
  delegation: DelegationRegistry
  tokens: AccessTokens
  store: CalendarStore
  admin: AdminState
}

export async function registerTokenRoute(app: FastifyInstance, deps: TokenDeps): Promise<void> {
  if (!app.hasContentTypeParser('application/x-www-form-urlencoded')) await app.register(formbody)

  app.post('/token', async (request, reply) => {
    // Google's Date header is Google's clock: clients measure their skew against it.
    reply.header('date', new Date(deps.admin.now()).toUTCString())
    const body = (request.body ?? {}) as Record<string, unknown>
    let subject: string | undefined
    const finish = (status: number) =>
      deps.ctx().log.record({
        provider: 'google',
        method: 'POST',
        path: '/token',
        status,
        operation: 'token',
        ...(subject ? {mailbox: subject} : {}),
      })
    try {
      const grantType = typeof body.grant_type === 'string' ? body.grant_type : ''
      if (grantType !== JWT_BEARER_GRANT) {
        throw new OAuthError(400, 'unsupported_grant_type', `Invalid grant_type: ${grantType}`)
      }
      if (typeof body.assertion !== 'string' || body.assertion.length === 0) {
        throw new OAuthError(400, 'invalid_request', 'Missing required parameter: assertion')
      }
      // Google answers a suspended user as it answers an unknown one.
      const verified = await verifyAssertion(
        body.assertion,
        deps.account,
        deps.delegation,
        (email) => deps.store.isUser(email) && !deps.admin.isSuspended(email),
        Math.floor(deps.admin.now() / 1000),
      )
      subject = verified.subject
      const lifetime = deps.ctx().faults.tokenLifetimeSeconds()
      const accessToken = deps.tokens.issue({
        clientEmail: deps.account.clientEmail,
        ...(verified.subject ? {subject: verified.subject} : {}),
        scopes: new Set(verified.scopes),
        expiresAt: Date.now() + lifetime * 1000,
      })
      finish(200)
      return reply
        .header('cache-control', 'no-cache, no-store, max-age=0, must-revalidate')
        .send({access_token: accessToken, expires_in: lifetime, token_type: 'Bearer'})
    } catch (error) {
      const oauth = error instanceof OAuthError ? error : new OAuthError(500, 'internal_failure', 'Internal error.')
      finish(oauth.httpStatus)
      return sendOAuthError(reply, oauth)
    }
  })
}

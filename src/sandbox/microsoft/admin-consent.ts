/**
 * The admin-consent endpoints (`/{tenant}/adminconsent` and `/{tenant}/v2.0/adminconsent`). Entra shows a
 * consent prompt; the sandbox answers it as the control API says (grant or deny) and redirects back.
 */
import type {FastifyInstance} from 'fastify'

import {aadsts, sendAadsts, type AadstsError} from './aadsts.js'
import {REQUIRED_ROLES, type Directory} from './directory.js'
import {setOperation} from './request-log.js'

const GRAPH_DEFAULT_SCOPE = 'https://graph.microsoft.com/.default'
/** Entra accepts https reply URLs and http loopback ones (any port). */
const ACCEPTABLE_REDIRECT = /^(https:\/\/|http:\/\/(localhost|127\.0\.0\.1)(:\d+)?\/)/

type ConsentQuery = {Params: {tenant: string}; Querystring: Record<string, string | undefined>}

function redirectWith(target: string, params: Record<string, string>): string {
  const url = new URL(target)
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value)
  return url.toString()
}

function redirectMismatch(redirectUri: string, clientId: string): AadstsError {
  return {
    status: 400,
    error: 'invalid_request',
    code: 50011,
    description: `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'.`,
  }
}

function outcome(
  directory: Directory,
  tenant: string,
  query: ConsentQuery['Querystring'],
  version: 'v1' | 'v2',
): {failure: AadstsError} | {location: string} {
  const {client_id: clientId, redirect_uri: redirectUri, state, scope} = query
  if (!directory.isTenant(tenant)) return {failure: aadsts.unknownTenant(tenant)}
  if (!clientId || clientId.toLowerCase() !== directory.clientId)
    return {failure: aadsts.unknownApp(clientId ?? '', tenant)}
  if (!redirectUri || !ACCEPTABLE_REDIRECT.test(redirectUri)) {
    return {failure: redirectMismatch(redirectUri ?? '', directory.clientId)}
  }
  const common: Record<string, string> = state === undefined ? {} : {state}
  if (directory.consent.adminConsentOutcome === 'deny') {
    return {
      location: redirectWith(redirectUri, {
        error: 'access_denied',
        error_subcode: 'cancel',
        error_description: 'AADSTS65004: User declined to consent to access the app.',
        ...common,
      }),
    }
  }
  directory.consent.servicePrincipal = true
  directory.consent.roles = [...new Set([...directory.consent.roles, ...REQUIRED_ROLES])]
  const granted: Record<string, string> = {admin_consent: 'True', tenant: directory.tenantId, ...common}
  if (version === 'v2') granted.scope = scope ?? GRAPH_DEFAULT_SCOPE
  return {location: redirectWith(redirectUri, granted)}
}

export function registerAdminConsentRoutes(app: FastifyInstance, origin: string, directory: Directory): void {
  for (const [path, version] of [
    ['/:tenant/adminconsent', 'v1'],
    ['/:tenant/v2.0/adminconsent', 'v2'],
  ] as const) {
    app.get<ConsentQuery>(path, async (request, reply) => {
      setOperation(request, 'identity.adminConsent')
      const result = outcome(directory, request.params.tenant, request.query, version)
      if ('failure' in result) return sendAadsts(reply, origin, result.failure)
      return reply.redirect(result.location, 302)
    })
  }
}

/**
 * The Microsoft identity platform for one tenant: OpenID discovery, signing keys, the v2.0 token endpoint
 * (client credentials with a secret or a certificate assertion) and the admin-consent redirect.
 */
import {createHash, timingSafeEqual} from 'node:crypto'

import type {FastifyInstance, FastifyRequest} from 'fastify'
import {decodeProtectedHeader, errors as joseErrors, jwtVerify} from 'jose'

import type {SandboxContext} from '../types.js'
import {defaultClaims, signAccessToken} from './access-tokens.js'
import {aadsts, sendAadsts, type AadstsError} from './aadsts.js'
import {registerAdminConsentRoutes} from './admin-consent.js'
import {cloudDiscoveryFields, graphResourceOf, type SandboxCloud} from './clouds.js'
import type {Directory} from './directory.js'
import {setOperation} from './request-log.js'

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'

type TenantParams = {Params: {tenant: string}}

export function openIdConfiguration(origin: string, tenantId: string, cloud: SandboxCloud): Record<string, unknown> {
  const base = `${origin}/${tenantId}`
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${base}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${origin}/oidc/userinfo`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: ['sub', 'iss', 'cloud_instance_name', 'aud', 'exp', 'iat', 'auth_time', 'tid', 'ver'],
    kerberos_endpoint: `${base}/kerberos`,
    ...cloudDiscoveryFields(cloud),
    cloud_graph_host_name: 'graph.windows.net',
    rbac_url: 'https://pas.windows.net',
  }
}

function secretMatches(expected: string, given: string): boolean {
  const a = createHash('sha256').update(expected).digest()
  const b = createHash('sha256').update(given).digest()
  return timingSafeEqual(a, b)
}

function hexToBase64Url(hex: string): string {
  return Buffer.from(hex, 'hex').toString('base64url')
}

/** Verifies a private_key_jwt client assertion; returns the AADSTS failure or undefined when valid. */
async function checkAssertion(
  directory: Directory,
  assertion: string,
  clientId: string,
  tokenEndpoints: string[],
): Promise<AadstsError | undefined> {
  let header: ReturnType<typeof decodeProtectedHeader>
  try {
    header = decodeProtectedHeader(assertion)
  } catch {
    return aadsts.malformedAssertion()
  }
  const cert = directory.certificate
  const sha256 = header['x5t#S256']
  const sha1 = header.x5t
  const known =
    (typeof sha256 === 'string' && sha256 === hexToBase64Url(cert.thumbprintSha256Hex)) ||
    (typeof sha1 === 'string' && sha1 === hexToBase64Url(cert.thumbprintSha1Hex))
  if (!known) {
    const given = typeof sha256 === 'string' ? sha256 : typeof sha1 === 'string' ? sha1 : ''
    return aadsts.unknownCertificate(Buffer.from(given, 'base64url').toString('hex').toUpperCase(), clientId)
  }
  try {
    const {payload} = await jwtVerify(assertion, cert.publicKey, {algorithms: ['RS256', 'PS256'], clockTolerance: 300})
    if (typeof payload.aud !== 'string' || !tokenEndpoints.includes(payload.aud)) return aadsts.assertionAudience()
    if (payload.iss !== clientId || payload.sub !== clientId) return aadsts.assertionIssuer()
    if (typeof payload.exp !== 'number') return aadsts.assertionExpired()
    return undefined
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired || error instanceof joseErrors.JWTClaimValidationFailed) {
      return aadsts.assertionExpired()
    }
    if (error instanceof joseErrors.JWSSignatureVerificationFailed) return aadsts.badAssertionSignature()
    return aadsts.malformedAssertion()
  }
}

function formField(body: unknown, name: string): string | undefined {
  const value = (body as Record<string, unknown> | null)?.[name]
  return typeof value === 'string' ? value : undefined
}

export function registerIdentityRoutes(app: FastifyInstance, ctx: SandboxContext, directory: Directory): void {
  const origin = ctx.origin
  const tenantOf = (request: FastifyRequest<TenantParams>): boolean => directory.isTenant(request.params.tenant)

  app.get<TenantParams>('/:tenant/v2.0/.well-known/openid-configuration', async (request, reply) => {
    setOperation(request, 'identity.openidConfiguration')
    if (!tenantOf(request)) return sendAadsts(reply, origin, aadsts.unknownTenant(request.params.tenant))
    return openIdConfiguration(origin, directory.tenantId, directory.cloud)
  })

  app.get<TenantParams>('/:tenant/discovery/v2.0/keys', async (request, reply) => {
    setOperation(request, 'identity.keys')
    if (!tenantOf(request)) return sendAadsts(reply, origin, aadsts.unknownTenant(request.params.tenant))
    return {keys: [{...directory.jwk, issuer: `${origin}/${directory.tenantId}/v2.0`}]}
  })

  app.get('/common/discovery/instance', async (request) => {
    setOperation(request, 'identity.instanceDiscovery')
    const host = new URL(origin).host
    return {
      tenant_discovery_endpoint: `${origin}/{tenantid}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{preferred_network: host, preferred_cache: host, aliases: [host]}],
    }
  })

  app.post<TenantParams>('/:tenant/oauth2/v2.0/token', async (request, reply) => {
    setOperation(request, 'identity.token')
    const correlationId =
      formField(request.body, 'client-request-id') ?? (request.headers['client-request-id'] as string | undefined)
    const fail = (failure: AadstsError) => sendAadsts(reply, origin, failure, correlationId)
    const {tenant} = request.params
    if (!tenantOf(request)) return fail(aadsts.unknownTenant(tenant))
    const grant = formField(request.body, 'grant_type') ?? ''
    if (grant !== 'client_credentials') return fail(aadsts.unsupportedGrant(grant))
    const clientId = formField(request.body, 'client_id') ?? ''
    if (clientId.toLowerCase() !== directory.clientId) return fail(aadsts.unknownApp(clientId, tenant))
    const secret = formField(request.body, 'client_secret')
    const assertion = formField(request.body, 'client_assertion')
    let method: 'secret' | 'certificate'
    if (secret !== undefined) {
      if (!secretMatches(directory.clientSecret, secret)) return fail(aadsts.invalidSecret(clientId))
      method = 'secret'
    } else if (assertion !== undefined && formField(request.body, 'client_assertion_type') === ASSERTION_TYPE) {
      const endpoints = [tenant, directory.tenantId, directory.domain].map((t) => `${origin}/${t}/oauth2/v2.0/token`)
      const failure = await checkAssertion(directory, assertion, directory.clientId, endpoints)
      if (failure) return fail(failure)
      method = 'certificate'
    } else {
      return fail(aadsts.missingCredential())
    }
    if (!directory.consent.servicePrincipal) return fail(aadsts.noServicePrincipal(clientId, directory.tenantId))
    const scope = formField(request.body, 'scope') ?? ''
    const scopes = scope.split(' ').filter((s) => s && !['openid', 'profile', 'offline_access'].includes(s))
    if (scopes.length !== 1 || !scopes[0]?.endsWith('/.default')) return fail(aadsts.scopeNotDefault(scope))
    const resource = scopes[0].slice(0, -'/.default'.length).replace(/\/$/, '')
    // Each cloud has its own Graph: a national tenant knows only its cloud's Graph host (and Graph's app ID).
    if (resource !== graphResourceOf(directory.cloud) && resource !== '00000003-0000-0000-c000-000000000000') {
      return fail(aadsts.unknownResource(resource, directory.tenantId))
    }
    const lifetime = ctx.faults.tokenLifetimeSeconds()
    const claims = defaultClaims(directory, lifetime)
    const token = await signAccessToken(directory, {...claims, appidacr: method === 'secret' ? '1' : '2'})
    return reply.header('cache-control', 'no-store, no-cache').send({
      token_type: 'Bearer',
      expires_in: lifetime,
      ext_expires_in: lifetime,
      access_token: token,
    })
  })

  registerAdminConsentRoutes(app, origin, directory)
}

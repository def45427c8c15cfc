/**
 * Graph access tokens as Entra's v1.0 endpoint signs them for app-only callers. The token endpoint issues
 * them with the consented roles; the control API can mint variants (another audience, issuer or app, an
 * expired or not-yet-valid one, other roles) so tests can prove that Graph refuses each of them.
 */
import {randomUUID} from 'node:crypto'

import {SignJWT} from 'jose'

import {graphResourceOf} from './clouds.js'
import type {Directory} from './directory.js'

export interface AccessTokenClaims {
  /** `aud`; Entra uses the resource URI for Graph (its cloud's Graph host). */
  audience: string
  issuer: string
  appId: string
  /** Omitted from the token when empty (as Entra does when nothing is consented). */
  roles: readonly string[]
  /** Seconds since the epoch. */
  notBefore: number
  expiresAt: number
  /** '1' = client secret, '2' = certificate. */
  appidacr: '1' | '2'
}

/** The claims Entra puts in a token it issues now, for `lifetimeSeconds`, to the registered app. */
export function defaultClaims(directory: Directory, lifetimeSeconds: number, now = Date.now()): AccessTokenClaims {
  const seconds = Math.floor(now / 1000)
  return {
    audience: graphResourceOf(directory.cloud),
    issuer: `https://sts.windows.net/${directory.tenantId}/`,
    appId: directory.clientId,
    roles: directory.consent.roles,
    notBefore: seconds,
    expiresAt: seconds + lifetimeSeconds,
    appidacr: '1',
  }
}

export async function signAccessToken(directory: Directory, claims: AccessTokenClaims): Promise<string> {
  const issuer = `https://sts.windows.net/${directory.tenantId}/`
  return new SignJWT({
    aio: randomUUID(),
    app_displayname: 'hcal',
    appid: claims.appId,
    appidacr: claims.appidacr,
    idp: issuer,
    idtyp: 'app',
    oid: directory.servicePrincipalId,
    rh: '0.sandbox.',
    ...(claims.roles.length ? {roles: [...claims.roles]} : {}),
    sub: directory.servicePrincipalId,
    tenant_region_scope: 'EU',
    tid: directory.tenantId,
    uti: randomUUID().replace(/-/g, '').slice(0, 22),
    ver: '1.0',
    wids: ['0997a1d0-0d1d-4acb-b408-d5ca73121e90'],
  })
    .setProtectedHeader({typ: 'JWT', alg: 'RS256', kid: directory.signingKid, x5t: directory.signingKid})
    .setAudience(claims.audience)
    .setIssuer(claims.issuer)
    .setIssuedAt(claims.notBefore)
    .setNotBefore(claims.notBefore)
    .setExpirationTime(claims.expiresAt)
    .sign(directory.signingKey)
}

export class TokenRequestError extends Error {}

function optionalString(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name]
  if (value === undefined) return undefined
  if (typeof value !== 'string' || value === '') throw new TokenRequestError(`${name} must be a non-empty string.`)
  return value
}

function optionalSeconds(body: Record<string, unknown>, name: string): number | undefined {
  const value = body[name]
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isInteger(value) || Math.abs(value) > 31_536_000) {
    throw new TokenRequestError(`${name} must be a whole number of seconds (at most a year either way).`)
  }
  return value
}

/**
 * Reads a control-API mint request: `{audience?, issuer?, appId?, roles?, expiresInSeconds?,
 * notBeforeInSeconds?}`. A negative `expiresInSeconds` gives a token that expired that long ago (issued an
 * hour before it expired); a positive `notBeforeInSeconds` one that is not valid yet.
 */
export function claimsFromRequest(directory: Directory, raw: unknown, now = Date.now()): AccessTokenClaims {
  if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) {
    throw new TokenRequestError('The body must be a JSON object.')
  }
  const body = (raw ?? {}) as Record<string, unknown>
  const known = new Set(['audience', 'issuer', 'appId', 'roles', 'expiresInSeconds', 'notBeforeInSeconds'])
  const unknown = Object.keys(body).filter((key) => !known.has(key))
  if (unknown.length) throw new TokenRequestError(`Unknown field(s): ${unknown.join(', ')}.`)
  const roles = body.roles
  if (roles !== undefined && !(Array.isArray(roles) && roles.every((role) => typeof role === 'string'))) {
    throw new TokenRequestError('roles must be an array of role names.')
  }
  const claims = defaultClaims(directory, 3600, now)
  const seconds = Math.floor(now / 1000)
  const expiresIn = optionalSeconds(body, 'expiresInSeconds') ?? 3600
  const notBeforeIn = optionalSeconds(body, 'notBeforeInSeconds') ?? 0
  const expiresAt = seconds + expiresIn
  return {
    ...claims,
    audience: optionalString(body, 'audience') ?? claims.audience,
    issuer: optionalString(body, 'issuer') ?? claims.issuer,
    appId: optionalString(body, 'appId') ?? claims.appId,
    roles: (roles as string[] | undefined) ?? claims.roles,
    notBefore: expiresIn < 0 ? expiresAt - 3600 : seconds + notBeforeIn,
    expiresAt,
  }
}

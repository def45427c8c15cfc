/**
 * Reads what an app-only Graph token grants: its `roles` claim (the consented application permissions).
 * The token is only decoded, not verified: it came straight from the token endpoint over TLS, and Graph
 * verifies it on every call.
 */
import {decodeJwt} from 'jose'

import {REQUIRED_ROLES} from './portal.js'

export interface TokenRoles {
  /** Every role the token carries. */
  roles: string[]
  /** Required roles it lacks, in the order hcal needs them. */
  missing: string[]
  /** `iat` as an ISO instant, when present. */
  issuedAt?: string
}

export function tokenRoles(accessToken: string, required: readonly string[] = REQUIRED_ROLES): TokenRoles {
  let claims: ReturnType<typeof decodeJwt>
  try {
    claims = decodeJwt(accessToken)
  } catch {
    // Not a JWT (some private clouds issue opaque tokens): nothing can be read, so nothing is proven.
    return {roles: [], missing: [...required]}
  }
  const roles = Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string') : []
  const held = new Set(roles)
  return {
    roles,
    missing: required.filter((role) => !held.has(role)),
    ...(typeof claims.iat === 'number' ? {issuedAt: new Date(claims.iat * 1000).toISOString()} : {}),
  }
}

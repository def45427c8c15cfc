/**
 * The Google identity side: one generated service account, the domain-wide delegation registry, the
 * JWT-bearer grant (RFC 7523) as oauth2.googleapis.com/token checks it, and the access tokens it issues.
 */
import {generateKeyPairSync, randomBytes, randomInt, type KeyObject} from 'node:crypto'

import {compactVerify, decodeJwt, decodeProtectedHeader} from 'jose'

import {OAuthError} from './errors.js'
import {GOOGLE_SCOPES, KNOWN_SCOPES} from './scopes.js'

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer'
/** google-auth-library always signs for this audience, whatever URL it posts to. */
export const GOOGLE_TOKEN_AUDIENCE = 'https://oauth2.googleapis.com/token'
const MAX_ASSERTION_LIFETIME_SECONDS = 3600
const CLOCK_SKEW_SECONDS = 300

export interface ServiceAccountKey {
  id: string
  publicKey: KeyObject
  privateKeyPem: string
  createdAt: string
  disabled: boolean
}

export class ServiceAccount {
  readonly projectId = 'hcal-sandbox'
  /** The project number Google quotes in "API not enabled" errors. */
  readonly projectNumber = String(randomInt(1e11, 1e12 - 1))
  readonly clientEmail = `hcal-sync@${this.projectId}.iam.gserviceaccount.com`
  /** Google client IDs are 21-digit numbers. */
  readonly clientId = `1${String(randomInt(1e9, 1e10 - 1))}${String(randomInt(1e9, 1e10 - 1))}`
  /** Cloud console > IAM & Admin > Service accounts > Keys: deleted keys are gone, disabled ones kept. */
  private readonly keys = new Map<string, ServiceAccountKey>()
  /** The key handed out at start (the credentials dir's key file). */
  readonly firstKeyId: string

  constructor() {
    this.firstKeyId = this.addKey().id
  }

  /** Cloud console > Keys > Add key > Create new key. */
  addKey(): ServiceAccountKey {
    const pair = generateKeyPairSync('rsa', {modulusLength: 2048})
    const key: ServiceAccountKey = {
      id: randomBytes(20).toString('hex'),
      publicKey: pair.publicKey,
      privateKeyPem: pair.privateKey.export({type: 'pkcs8', format: 'pem'}).toString(),
      createdAt: new Date().toISOString(),
      disabled: false,
    }
    this.keys.set(key.id, key)
    return key
  }

  key(id: string): ServiceAccountKey | undefined {
    return this.keys.get(id)
  }

  /** Cloud console > Keys > Disable / Enable key; false when there is no such key. */
  setKeyDisabled(id: string, disabled: boolean): boolean {
    const key = this.keys.get(id)
    if (key) key.disabled = disabled
    return key !== undefined
  }

  deleteKey(id: string): boolean {
    return this.keys.delete(id)
  }

  /** Keys that can sign: neither deleted nor disabled. */
  activeKeys(): ServiceAccountKey[] {
    return [...this.keys.values()].filter((key) => !key.disabled)
  }

  listKeys(): {keyId: string; createdAt: string; disabled: boolean}[] {
    return [...this.keys.values()].map((key) => ({keyId: key.id, createdAt: key.createdAt, disabled: key.disabled}))
  }

  /** A key file as the Cloud console downloads it (the first key unless `keyId` names another). */
  json(tokenUri: string, keyId = this.firstKeyId): string {
    const key = this.keys.get(keyId)
    if (!key) throw new Error(`The sandbox service account has no key ${keyId}.`)
    return JSON.stringify({
      type: 'service_account',
      project_id: this.projectId,
      private_key_id: key.id,
      private_key: key.privateKeyPem,
      client_email: this.clientEmail,
      client_id: this.clientId,
      auth_uri: 'https://accounts.google.com/o/oauth2/auth',
      token_uri: tokenUri,
      auth_provider_x509_cert_url: 'https://www.googleapis.com/oauth2/v1/certs',
      client_x509_cert_url: `https://www.googleapis.com/robot/v1/metadata/x509/${encodeURIComponent(this.clientEmail)}`,
      universe_domain: 'googleapis.com',
    })
  }
}

/** Admin console > Security > API controls > Domain-wide delegation: client ID -> authorised scopes. */
export class DelegationRegistry {
  private readonly grants = new Map<string, Set<string>>()

  set(clientId: string, scopes: string[]): void {
    if (scopes.length === 0) this.grants.delete(clientId)
    else this.grants.set(clientId, new Set(scopes))
  }

  get(clientId: string): string[] {
    return [...(this.grants.get(clientId) ?? [])]
  }

  allows(clientId: string, scopes: string[]): boolean {
    const granted = this.grants.get(clientId)
    return granted !== undefined && scopes.every((scope) => granted.has(scope))
  }
}

export interface AccessGrant {
  clientEmail: string
  /** The impersonated user; undefined when the service account acts as itself. */
  subject?: string
  scopes: Set<string>
  expiresAt: number
}

export class AccessTokens {
  private readonly tokens = new Map<string, AccessGrant>()

  issue(grant: AccessGrant): string {
    if (this.tokens.size > 100_000) this.sweep()
    const token = `ya29.${randomBytes(48).toString('base64url')}`
    this.tokens.set(token, grant)
    return token
  }

  lookup(token: string): AccessGrant | undefined {
    const grant = this.tokens.get(token)
    if (grant && grant.expiresAt <= Date.now()) {
      this.tokens.delete(token)
      return undefined
    }
    return grant
  }

  private sweep(): void {
    const now = Date.now()
    for (const [token, grant] of this.tokens) if (grant.expiresAt <= now) this.tokens.delete(token)
  }
}

async function signedByAny(assertion: string, keys: ServiceAccountKey[]): Promise<boolean> {
  for (const key of keys) {
    try {
      await compactVerify(assertion, key.publicKey, {algorithms: ['RS256']})
      return true
    } catch {
      // Not this key; try the next.
    }
  }
  return false
}

const invalidSignature = () => new OAuthError(400, 'invalid_grant', 'Invalid JWT Signature.')

const shortLivedError = () =>
  new OAuthError(
    400,
    'invalid_grant',
    'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.',
  )

export interface VerifiedAssertion {
  subject?: string
  scopes: string[]
}

/**
 * Checks a JWT-bearer assertion in the order Google reports problems: the issuer account, the key id and signature,
 * the timeframe, the audience, the scopes, the impersonated user, then domain-wide delegation.
 */
export async function verifyAssertion(
  assertion: string,
  account: ServiceAccount,
  delegation: DelegationRegistry,
  userExists: (email: string) => boolean,
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<VerifiedAssertion> {
  let claims: ReturnType<typeof decodeJwt>
  let keyId: unknown
  try {
    keyId = decodeProtectedHeader(assertion).kid
    claims = decodeJwt(assertion)
  } catch {
    throw new OAuthError(400, 'invalid_grant', 'Invalid JWT: Failed to parse the JWT.')
  }
  if (claims.iss !== account.clientEmail) {
    throw new OAuthError(400, 'invalid_grant', 'Invalid grant: account not found')
  }
  // A `kid` names one of the account's keys; Google answers an unknown (deleted, disabled) key as a bad signature.
  // Without a `kid`, any active key of the account may have signed.
  const candidates = account.activeKeys().filter((key) => keyId === undefined || key.id === keyId)
  if (!(await signedByAny(assertion, candidates))) throw invalidSignature()
  const {iat, exp} = claims
  if (typeof iat !== 'number' || typeof exp !== 'number') throw shortLivedError()
  if (exp - iat > MAX_ASSERTION_LIFETIME_SECONDS || exp <= iat) throw shortLivedError()
  if (iat > nowSeconds + CLOCK_SKEW_SECONDS || exp < nowSeconds - CLOCK_SKEW_SECONDS) throw shortLivedError()
  if (claims.aud !== GOOGLE_TOKEN_AUDIENCE) {
    throw new OAuthError(
      400,
      'invalid_grant',
      `Invalid JWT: Failed audience check. The right audience is ${GOOGLE_TOKEN_AUDIENCE}`,
    )
  }
  const scopeClaim = typeof claims.scope === 'string' ? claims.scope.trim() : ''
  const scopes = scopeClaim ? scopeClaim.split(/\s+/) : []
  if (scopes.length === 0) throw new OAuthError(400, 'invalid_scope', 'Empty or missing scope not allowed.')
  if (scopes.some((scope) => !KNOWN_SCOPES.has(scope))) {
    throw new OAuthError(400, 'invalid_scope', 'Invalid OAuth scope or ID token audience provided.')
  }
  const subject = typeof claims.sub === 'string' && claims.sub !== account.clientEmail ? claims.sub : undefined
  if (subject === undefined) return {scopes}
  if (!userExists(subject.toLowerCase())) throw new OAuthError(400, 'invalid_grant', 'Invalid email or User ID')
  if (!delegation.allows(account.clientId, scopes)) {
    throw new OAuthError(
      401,
      'unauthorized_client',
      'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.',
    )
  }
  return {subject: subject.toLowerCase(), scopes}
}

export const DEFAULT_DELEGATED_SCOPES = [GOOGLE_SCOPES.calendar, GOOGLE_SCOPES.gmailSettingsBasic]

/**
 * The Entra side of the emulated tenant: the tenant, one app registration (secret + certificate), the
 * token-signing key, the app's consent state, and the Exchange mailbox scope (RBAC for Applications /
 * application access policy) that limits which mailboxes the app may touch.
 */
import {
  X509Certificate,
  createPrivateKey,
  generateKeyPairSync,
  randomBytes,
  webcrypto,
  type KeyObject,
} from 'node:crypto'

import * as x509 from '../host/x509.js'
import {exportJWK, type JWK} from 'jose'

import type {SandboxCloud} from './clouds.js'
import {stableGuid} from './ids.js'

/** Graph application roles hcal needs (the app registration's required permissions). */
export const REQUIRED_ROLES = ['Calendars.ReadWrite', 'MailboxSettings.ReadWrite']

export interface ConsentState {
  /** False until an admin consents once: the app has no service principal in the tenant yet. */
  servicePrincipal: boolean
  /** Application roles granted to the service principal. */
  roles: string[]
  /** What the next admin-consent prompt answers. */
  adminConsentOutcome: 'grant' | 'deny'
}

export interface AppCertificate {
  certificatePem: string
  privateKeyPem: string
  publicKey: KeyObject
  thumbprintSha1Hex: string
  thumbprintSha256Hex: string
}

/** A self-signed RSA certificate as an admin registers on an app (Entra verifies assertions with RSA only). */
export async function createAppCertificate(): Promise<AppCertificate> {
  const algorithm = {
    name: 'RSASSA-PKCS1-v1_5',
    hash: 'SHA-256',
    publicExponent: new Uint8Array([1, 0, 1]),
    modulusLength: 2048,
  }
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair
  const now = Date.now()
  const certificate = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: randomBytes(8).toString('hex'),
      name: 'CN=hcal sandbox app',
      notBefore: new Date(now - 86_400_000),
      notAfter: new Date(now + 365 * 86_400_000),
      signingAlgorithm: algorithm,
      keys,
    },
    webcrypto as unknown as Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[1],
  )
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey))
  const privateKeyPem = createPrivateKey({key: pkcs8, format: 'der', type: 'pkcs8'}).export({
    format: 'pem',
    type: 'pkcs8',
  }) as string
  const certificatePem = certificate.toString('pem')
  const parsed = new X509Certificate(certificatePem)
  return {
    certificatePem,
    privateKeyPem,
    publicKey: parsed.publicKey,
    thumbprintSha1Hex: parsed.fingerprint.replace(/:/g, ''),
    thumbprintSha256Hex: parsed.fingerprint256.replace(/:/g, ''),
  }
}

export class Directory {
  readonly tenantId: string
  readonly clientId: string
  readonly clientSecret: string
  readonly servicePrincipalId: string
  readonly signingKid: string
  readonly consent: ConsentState = {servicePrincipal: true, roles: [...REQUIRED_ROLES], adminConsentOutcome: 'grant'}
  /** Lower-cased addresses the app may access; null = the whole organisation. */
  mailboxScope: Set<string> | null = null
  /** How the scope was configured; Graph words the refusal differently for each. */
  scopeKind: 'rbacManagementScope' | 'applicationAccessPolicy' = 'rbacManagementScope'
  /** The cloud the tenant lives in (a national one through the control API). */
  cloud: SandboxCloud = 'global'

  private constructor(
    /** The tenant's verified domain (the seed's; usable as the tenant in authority URLs). */
    public domain: string,
    readonly certificate: AppCertificate,
    readonly signingKey: KeyObject,
    readonly jwk: JWK,
  ) {
    // Fixed ids (not derived from the domain, which seeding may change after registration).
    this.tenantId = stableGuid('hcal-sandbox:tenant')
    this.clientId = stableGuid('hcal-sandbox:app')
    this.servicePrincipalId = stableGuid('hcal-sandbox:service-principal')
    // Entra secrets are 40 characters with a '~' after a 3-character id prefix.
    this.clientSecret = `${randomBytes(2).toString('hex').slice(0, 3)}8Q~${randomBytes(27).toString('base64url').slice(0, 36)}`
    this.signingKid = String(jwk.kid)
  }

  static async create(domain: string): Promise<Directory> {
    const certificate = await createAppCertificate()
    const {privateKey, publicKey} = generateKeyPairSync('rsa', {modulusLength: 2048})
    const kid = randomBytes(20).toString('base64url')
    const jwk = {...(await exportJWK(publicKey)), kid, x5t: kid, use: 'sig'}
    return new Directory(domain, certificate, privateKey, jwk)
  }

  /** True when `tenant` (id or verified domain) names this tenant. */
  isTenant(tenant: string): boolean {
    const key = tenant.toLowerCase()
    return key === this.tenantId || key === this.domain.toLowerCase()
  }

  inScope(mailboxAddress: string): boolean {
    return this.mailboxScope === null || this.mailboxScope.has(mailboxAddress.toLowerCase())
  }

  resetConsent(): void {
    Object.assign(this.consent, {servicePrincipal: true, roles: [...REQUIRED_ROLES], adminConsentOutcome: 'grant'})
    this.mailboxScope = null
    this.scopeKind = 'rbacManagementScope'
    this.cloud = 'global'
  }
}

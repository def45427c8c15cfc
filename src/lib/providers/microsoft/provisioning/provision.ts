/**
 * `hcal provision microsoft` without the CLI: check the credential, find the tenant's cloud, obtain admin
 * consent, prove access, then keep the credential in the secret store and the connection and its record in
 * the profile. Callable in-process (hcal demo) with any SecretStore.
 *
 * Nothing is stored unless Entra accepted the credential: a rejected secret or an unknown app leaves the
 * profile and the keychain as they were. A credential Entra accepted is stored even when a role is still
 * missing, so the record (and doctor) show what is left to fix.
 */
import {loadProfile, type ProfileConfig} from '../../../config/profiles.js'
import {clockSkewCheck, type ProofCheck} from '../../../provisioning/checks.js'
import {provisioningRecordOf, saveProvisioning, summariseProof} from '../../../provisioning/record.js'
import {proofFailure} from '../../../provisioning/report.js'
import type {SecretStore} from '../../../secrets/index.js'
import type {MicrosoftConnection} from '../index.js'
import {openInBrowser} from './browser.js'
import {assertSameCloud, type CloudId} from './clouds.js'
import {startAdminConsent} from './consent.js'
import {
  CLIENT_SECRET_SECRET,
  describeCredential,
  type MicrosoftCredential,
  type MicrosoftCredentialInput,
} from './credential.js'
import {CERTIFICATE_KEY_SECRET} from '../certificate.js'
import {readTenantDiscovery} from './discovery.js'
import {credentialExpiryCheck} from './expiry.js'
import {proveMicrosoftAccess} from './proof.js'
import {endpointsFor, readProfileCa} from './target.js'

export interface ProvisionMicrosoftOptions {
  profile: string
  tenant: string
  clientId: string
  credential: MicrosoftCredentialInput
  /** The cloud named on the command line; undefined = the worldwide cloud, and a national tenant is refused. */
  cloud?: CloudId
  testUser?: string
  /** 'skip' when consent was already given (CI, or granted in the portal). */
  consent: 'ask' | 'skip'
  consentTimeoutMs: number
  /** Open the consent URL in a browser (interactive runs only). */
  openBrowser: boolean
  env?: NodeJS.ProcessEnv
  signal?: AbortSignal
}

export interface ProvisionMicrosoftDeps {
  secrets: SecretStore
  /** Shows the admin-consent URL (the CLI prints it on stderr, whatever the output mode). */
  onConsentUrl(url: string, redirectUri: string): void
}

export interface MicrosoftProvisioningResult {
  profile: string
  tenantId: string
  clientId: string
  auth: 'secret' | 'certificate'
  cloud: CloudId
  /** granted: through the prompt, now; skipped: --skip-consent; alreadyGranted: a passing proof of this app is on record. */
  consent: 'granted' | 'skipped' | 'alreadyGranted'
  /** The same app and credential were already provisioned: nothing was stored again. */
  alreadyConfigured: boolean
  credential: {
    kind: 'clientSecret' | 'certificate'
    /** The keychain item (service hcal:<profile>) that holds it. */
    secretName: string
    /** Certificate thumbprint (SHA-256); null for a secret. */
    fingerprint: string | null
    expiresAt: string | null
  }
  testMailbox: string | null
  /** The roles the app's token carries. */
  roles: string[]
  checks: ProofCheck[]
}

interface Previous {
  connection: MicrosoftConnection | undefined
  record: ReturnType<typeof provisioningRecordOf>
}

async function sameAsStored(
  previous: Previous,
  options: ProvisionMicrosoftOptions,
  credential: MicrosoftCredential,
  secrets: SecretStore,
): Promise<boolean> {
  const {connection, record} = previous
  if (!connection || !record) return false
  if (connection.tenantId !== options.tenant || connection.clientId.toLowerCase() !== options.clientId.toLowerCase())
    return false
  if (connection.auth !== credential.auth) return false
  return (await secrets.get(credential.secretName)) === credential.value
}

async function askConsent(
  options: ProvisionMicrosoftOptions,
  authorityOrigin: string,
  deps: ProvisionMicrosoftDeps,
): Promise<void> {
  const session = await startAdminConsent({
    authorityOrigin,
    tenant: options.tenant,
    clientId: options.clientId,
    timeoutMs: options.consentTimeoutMs,
    signal: options.signal,
  })
  try {
    deps.onConsentUrl(session.url, session.redirectUri)
    if (options.openBrowser) await openInBrowser(session.url)
    await session.outcome
  } finally {
    await session.close()
  }
}

export async function provisionMicrosoft(
  options: ProvisionMicrosoftOptions,
  deps: ProvisionMicrosoftDeps,
): Promise<MicrosoftProvisioningResult> {
  const env = options.env ?? process.env
  const credential = describeCredential(options.credential)
  const profile: ProfileConfig | undefined = await loadProfile(options.profile, env)
  const caPem = await readProfileCa(profile?.caFile)
  const cloud = options.cloud ?? 'global'
  const endpoints = endpointsFor(cloud, profile?.endpoints?.microsoft)

  const discovery = await readTenantDiscovery({
    authorityOrigin: endpoints.authorityOrigin,
    tenant: options.tenant,
    caPem,
    signal: options.signal,
  })
  // A cloud hcal does not recognise (a private one behind an endpoint override) is taken as configured.
  if (discovery.cloud) assertSameCloud(options.tenant, cloud, discovery.cloud, options.cloud !== undefined)

  const previous: Previous = {
    connection: profile?.microsoft,
    record: profile ? provisioningRecordOf(profile, 'microsoft') : undefined,
  }
  const unchanged = await sameAsStored(previous, options, credential, deps.secrets)
  const alreadyConfigured = unchanged && previous.record?.lastProof?.failed.length === 0

  let consent: MicrosoftProvisioningResult['consent'] = 'skipped'
  if (options.consent === 'ask' && alreadyConfigured) consent = 'alreadyGranted'
  else if (options.consent === 'ask') {
    await askConsent(options, endpoints.authorityOrigin, deps)
    consent = 'granted'
  }

  const testMailbox = options.testUser ?? previous.connection?.testMailbox
  const proof = await proveMicrosoftAccess(
    {
      tenantId: options.tenant,
      clientId: options.clientId,
      ...(credential.auth === 'secret' ? {clientSecret: credential.value} : {certificatePem: credential.value}),
      ...endpoints,
      ...(caPem ? {caPem} : {}),
    },
    {testMailbox, thumbprint: credential.thumbprintSha256},
  )
  const now = new Date()
  const storedAt = unchanged ? (previous.record?.credential?.storedAt ?? now.toISOString()) : now.toISOString()
  const expiresAt = credential.expiresAt ?? (unchanged ? previous.record?.credential?.expiresAt : undefined) ?? null
  const checks: ProofCheck[] = [
    ...proof.checks,
    clockSkewCheck('clock', 'Microsoft Entra ID', discovery.serverDate, Date.parse(discovery.receivedAt)),
    credentialExpiryCheck(credential.auth, {expiresAt, storedAt}, now.getTime()),
  ]

  // Entra accepted the credential when it issued a token at all, roles or not.
  const token = checks.find((check) => check.id === 'token')
  if (token?.status === 'pass' || token?.code === 'MICROSOFT_ROLE_MISSING') {
    if (!unchanged) {
      await deps.secrets.set(credential.secretName, credential.value)
      // The other kind of credential of the same app is stale now: doctor must not find and use it.
      const other = credential.secretName === CLIENT_SECRET_SECRET ? CERTIFICATE_KEY_SECRET : CLIENT_SECRET_SECRET
      if ((await deps.secrets.list()).some((info) => info.name === other && info.source === 'keychain')) {
        await deps.secrets.delete(other)
      }
    }
    await saveProvisioning(
      options.profile,
      'microsoft',
      (_record, current) => ({
        profile: {
          ...current,
          microsoft: {
            tenantId: options.tenant,
            clientId: options.clientId,
            auth: credential.auth,
            ...(cloud === 'global' ? {} : {cloud}),
            ...(testMailbox ? {testMailbox} : {}),
          },
        },
        record: {
          credential: {
            kind: credential.auth === 'secret' ? 'clientSecret' : 'certificate',
            storedAt,
            fingerprint: credential.fingerprint,
            expiresAt,
          },
          lastProof: summariseProof(checks, testMailbox ?? null, now),
        },
      }),
      env,
    )
  }

  const failure = proofFailure('Microsoft 365 provisioning', checks, 'MICROSOFT_PROOF_FAILED')
  if (failure) throw failure
  return {
    profile: options.profile,
    tenantId: options.tenant,
    clientId: options.clientId,
    auth: credential.auth,
    cloud,
    consent,
    alreadyConfigured,
    credential: {
      kind: credential.auth === 'secret' ? 'clientSecret' : 'certificate',
      secretName: credential.secretName,
      fingerprint: credential.fingerprint,
      expiresAt,
    },
    testMailbox: testMailbox ?? null,
    roles: proof.roles,
    checks,
  }
}

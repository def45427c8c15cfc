/**
 * `hcal provision google`, callable without oclif (hcal demo runs it in-process): validate the key, store
 * it through the SecretStore, record the connection (client ID, client email, Workspace domain, test user)
 * and the key's dates in the profile, and, with a test user, prove delegation. Endpoint overrides stay in
 * the profile's `endpoints.google`, where the admin (or the sandbox) put them.
 */
import {loadProfile, type ProfileConfig} from '../../../config/profiles.js'
import {UsageError} from '../../../errors.js'
import type {ProofCheck} from '../../../provisioning/checks.js'
import {type CredentialRecord, saveProvisioning, summariseProof} from '../../../provisioning/record.js'
import type {SecretStore} from '../../../secrets/index.js'
import {readProfileCa} from '../../ca.js'
import {type DelegationInstructions, delegationInstructions} from '../delegation.js'
import type {GoogleConnection} from '../index.js'
import {GOOGLE_KEY_SECRET, type GoogleServiceAccountKey, parseProvisioningKey, parseServiceAccountKey} from '../key.js'
import {proveGoogleAccess} from './proof.js'

export interface ProvisionGoogleInput {
  profile: string
  /** The service-account key JSON as the Cloud console gives it. */
  keyJson: string
  /** The Workspace primary domain; derived when the profile or the test user tells it. */
  domain?: string
  /** A user to prove delegation with; kept in the profile for doctor. */
  testUser?: string
  secrets: SecretStore
  env?: NodeJS.ProcessEnv
}

/** What happened to the key: first stored, the same as the stored one, or a different one replacing it. */
export type KeyOutcome = 'stored' | 'unchanged' | 'replaced'

export interface GoogleProvisioning {
  profile: string
  clientId: string
  clientEmail: string
  domain: string
  /** The key's id (private_key_id): public, tells keys apart. */
  keyId: string | null
  key: KeyOutcome
  /** The profile already had this connection with this key: nothing changed but the proof. */
  alreadyConfigured: boolean
  delegation: DelegationInstructions
  testUser: string | null
  /** The proof's checks; empty without a test user. */
  checks: ProofCheck[]
}

/** The key's public identity: a different id (or account) is a different key. */
function fingerprintOf(key: GoogleServiceAccountKey): string {
  return `${key.client_email.toLowerCase()}#${key.private_key_id ?? ''}`
}

function storedFingerprint(json: string | undefined): string | undefined {
  if (json === undefined) return undefined
  try {
    return fingerprintOf(parseServiceAccountKey(json))
  } catch {
    return 'unreadable'
  }
}

/**
 * --domain, else what the profile has (its google.domain, or its one verified domain served by Google), else
 * the test user's domain.
 */
function resolveDomain(input: ProvisionGoogleInput, profile: ProfileConfig | undefined): string {
  const given = input.domain?.trim().toLowerCase()
  if (given) return given
  if (profile?.google?.domain) return profile.google.domain
  const verified = (profile?.domains ?? []).filter((entry) => entry.provider === 'google')
  if (verified.length === 1 && verified[0]) return verified[0].domain
  const fromUser = input.testUser?.split('@')[1]?.toLowerCase()
  if (fromUser) return fromUser
  throw new UsageError('MISSING_FLAG', 'The Workspace domain is not known here: pass --domain.', {
    suggestions: [
      'Pass --domain with the Workspace primary domain (Admin console > Account > Domains), or --test-user with a user of it.',
    ],
  })
}

/** The test user given, checked before anything is stored or asked of Google. */
function givenTestUser(input: ProvisionGoogleInput): string | undefined {
  const user = input.testUser?.trim().toLowerCase()
  if (user === undefined || user === '') return undefined
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(user)) {
    throw new UsageError('TEST_USER_INVALID', `--test-user ${user} is not an email address.`, {
      suggestions: ['Pass the primary address of an active user of the Workspace domain.'],
    })
  }
  return user
}

function sameConnection(a: GoogleConnection | undefined, b: GoogleConnection): boolean {
  return (
    a?.clientId === b.clientId &&
    a.clientEmail.toLowerCase() === b.clientEmail.toLowerCase() &&
    a.domain === b.domain &&
    a.testUser === b.testUser
  )
}

export async function provisionGoogle(input: ProvisionGoogleInput): Promise<GoogleProvisioning> {
  const env = input.env ?? process.env
  const key = parseProvisioningKey(input.keyJson)
  const proveAs = givenTestUser(input)
  const profile = await loadProfile(input.profile, env)
  const domain = resolveDomain(input, profile)
  const testUser = proveAs ?? profile?.google?.testUser
  const connection: GoogleConnection = {
    clientId: key.client_id,
    clientEmail: key.client_email,
    domain,
    ...(testUser ? {testUser} : {}),
  }

  const previous = storedFingerprint(await input.secrets.get(GOOGLE_KEY_SECRET))
  const sameKey = previous === fingerprintOf(key)
  const keyOutcome: KeyOutcome = sameKey ? 'unchanged' : previous === undefined ? 'stored' : 'replaced'
  const alreadyConfigured = sameKey && sameConnection(profile?.google, connection)
  if (!sameKey) await input.secrets.set(GOOGLE_KEY_SECRET, input.keyJson)

  const endpoints = profile?.endpoints?.google
  const checks = proveAs
    ? (
        await proveGoogleAccess({
          serviceAccountJson: input.keyJson,
          clientId: key.client_id,
          testUser: proveAs,
          ...(endpoints?.tokenUrl ? {tokenUrl: endpoints.tokenUrl} : {}),
          ...(endpoints?.rootUrl ? {rootUrl: endpoints.rootUrl} : {}),
          ...(profile?.caFile ? {caPem: await readProfileCa(profile.caFile)} : {}),
        })
      ).checks
    : []

  await saveProvisioning(
    input.profile,
    'google',
    (record, current) => {
      const credential: CredentialRecord =
        sameKey && record?.credential
          ? record.credential
          : {
              kind: 'serviceAccountKey',
              storedAt: new Date().toISOString(),
              fingerprint: key.private_key_id ?? null,
              expiresAt: null,
            }
      return {
        record: {
          credential,
          lastProof: testUser && checks.length > 0 ? summariseProof(checks, testUser) : (record?.lastProof ?? null),
        },
        profile: {...current, google: connection},
      }
    },
    env,
  )

  return {
    profile: input.profile,
    clientId: key.client_id,
    clientEmail: key.client_email,
    domain,
    keyId: key.private_key_id ?? null,
    key: keyOutcome,
    alreadyConfigured,
    delegation: delegationInstructions(key.client_id),
    testUser: testUser ?? null,
    checks,
  }
}

/**
 * What provisioning remembers about each connection, in the profile's `provisioning.<id>`: when it was set
 * up, its last proof, and the credential's dates (never the credential). provision status and
 * doctor read it without touching the keychain or the network.
 */
import {loadProfile, type ProfileConfig, saveProfile} from '../config/profiles.js'
import type {ProviderId} from '../core/model.js'
import type {ProofCheck} from './checks.js'

export interface ProofSummary {
  /** When the proof ran (ISO 8601). */
  at: string
  /** The mailbox it was proven with, when one was. */
  testMailbox: string | null
  passed: string[]
  warned: string[]
  failed: string[]
}

export interface CredentialRecord {
  /** serviceAccountKey, clientSecret, certificate, password… (the provider's word for it). */
  kind: string
  /** When hcal stored it (ISO 8601). */
  storedAt: string
  /**
   * A public identifier of the credential, to tell whether a re-run brings a different one: a key id, a
   * certificate thumbprint. Null for passwords and secrets (a hash of a weak secret would leak it).
   */
  fingerprint: string | null
  /** When it stops working, when known (certificate notAfter, a secret's declared expiry). */
  expiresAt: string | null
}

export interface ProvisioningRecord {
  provisionedAt: string
  updatedAt: string
  credential: CredentialRecord | null
  lastProof: ProofSummary | null
}

export function summariseProof(
  checks: readonly ProofCheck[],
  testMailbox: string | null,
  at = new Date(),
): ProofSummary {
  const ids = (status: ProofCheck['status']) => checks.filter((check) => check.status === status).map((c) => c.id)
  return {at: at.toISOString(), testMailbox, passed: ids('pass'), warned: ids('warn'), failed: ids('fail')}
}

function isRecord(value: unknown): value is ProvisioningRecord {
  const record = value as Partial<ProvisioningRecord> | undefined
  return typeof record?.provisionedAt === 'string' && typeof record.updatedAt === 'string'
}

/** The record of one connection in a loaded profile; undefined when never provisioned (or hand-broken). */
export function provisioningRecordOf(profile: ProfileConfig, id: ProviderId): ProvisioningRecord | undefined {
  const value = profile.provisioning?.[id]
  return isRecord(value) ? value : undefined
}

/**
 * Updates a connection's record (creating it), together with any change to the profile itself: one atomic
 * write, so a connection is never recorded without its section or the other way round.
 */
export async function saveProvisioning(
  profileName: string,
  id: ProviderId,
  update: (
    record: ProvisioningRecord | undefined,
    profile: ProfileConfig,
  ) => {
    record: Omit<ProvisioningRecord, 'provisionedAt' | 'updatedAt'>
    profile?: ProfileConfig
  },
  env: NodeJS.ProcessEnv = process.env,
): Promise<ProvisioningRecord> {
  let saved: ProvisioningRecord | undefined
  await saveProfile(
    profileName,
    (current) => {
      const previous = provisioningRecordOf(current, id)
      const {record, profile = current} = update(previous, current)
      const now = new Date().toISOString()
      saved = {provisionedAt: previous?.provisionedAt ?? now, ...record, updatedAt: now}
      return {...profile, provisioning: {...profile.provisioning, [id]: saved}}
    },
    env,
  )
  return saved as ProvisioningRecord
}

/** Reads a profile's record for one connection (no keychain, no network). */
export async function readProvisioning(
  profileName: string,
  id: ProviderId,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ProvisioningRecord | undefined> {
  const profile = await loadProfile(profileName, env)
  return profile && provisioningRecordOf(profile, id)
}

/**
 * `hcal provision status`: every connection the profile configures or has a provisioning record for, with
 * its last proof, its credential's age and expiry, and its mailbox scope's last test. Built from the
 * profile and the secret list's metadata only: no secret value is read and nothing goes over the network,
 * so it is instant, works offline and unlocks no keychain.
 */
import type {ProfileConfig} from '../config/profiles.js'
import type {ProviderId} from '../core/model.js'
import {sectionProblems} from '../providers/schema.js'
import type {ProviderModule} from '../providers/types.js'
import {type MailboxScopeRecord, scopeRecordOf} from '../scope/record.js'
import type {SecretInfo} from '../secrets/index.js'
import {expiryCheck, failed, passed, type ProofCheck, skipped, warned} from './checks.js'
import {type ProofSummary, provisioningRecordOf, type ProvisioningRecord} from './record.js'

const DAY_MS = 86_400_000

export interface StoredSecret {
  name: string
  /** Where it is read from: the keychain, or an environment variable (CI). */
  source: 'keychain' | 'env' | 'credential' | 'memory'
  /** When the keychain item was stored; null for environment variables. */
  storedAt: string | null
}

export interface CredentialStatus {
  /** The provider's word for it (clientSecret, certificate, serviceAccountKey, password), when recorded. */
  kind: string | null
  /** This system's secrets that are set. */
  secrets: StoredSecret[]
  storedAt: string | null
  ageDays: number | null
  expiresAt: string | null
  /** A public identifier (key id, certificate thumbprint), when recorded. */
  fingerprint: string | null
}

export interface ConnectionStatus {
  provider: string
  displayName: string
  /** One line naming the connection (tenant, domain, server); null when the section is missing or invalid. */
  summary: string | null
  provisionedAt: string | null
  lastProof: ProofSummary | null
  credential: CredentialStatus
  /** When the scope script was written and the last scope test; null when there is neither. */
  mailboxScope: MailboxScopeRecord | null
  /** The worst of `checks`. */
  status: 'pass' | 'warn' | 'fail'
  /** `<id>.connection`, `<id>.proof`, `<id>.credential`, and `<id>.scope` where the system has a scope. */
  checks: ProofCheck[]
}

export interface StatusInput {
  profileName: string
  profile: ProfileConfig
  modules: readonly ProviderModule[]
  /** The secret list without values (SecretStore.list() without verify: hcal's index and the environment). */
  secrets: readonly SecretInfo[]
  now: Date
}

function connectionCheck(module: ProviderModule, section: unknown): ProofCheck {
  const id = `${module.id}.connection`
  const fix = `Provision it: "hcal provision ${module.id}".`
  if (section === undefined) {
    return failed(id, `a provisioning record but no ${module.displayName} connection`, fix, 'CONNECTION_MISSING')
  }
  const problems = sectionProblems(module.connection.fields, section)
  if (problems.length > 0) {
    const list = problems.map((p) => `${module.id}.${p.field ?? ''} ${p.problem}`).join('; ')
    return failed(id, `the ${module.displayName} connection is not valid: ${list}`, fix, 'CONFIG_INVALID')
  }
  return passed(id, `${module.displayName}: ${module.connection.summary(section)}`)
}

function proofCheck(module: ProviderModule, proof: ProofSummary | null): ProofCheck {
  const id = `${module.id}.proof`
  const prove = `"hcal provision ${module.id} --test-user EMAIL"`
  if (!proof) return warned(id, 'never proven', `Prove it with ${prove}.`, 'NOT_PROVEN')
  const mailbox = proof.testMailbox ? ` with ${proof.testMailbox}` : ''
  const counts = `${proof.passed.length} passed, ${proof.warned.length} warned, ${proof.failed.length} failed`
  if (proof.failed.length > 0) {
    return failed(
      id,
      `last proven ${proof.at}${mailbox}: ${counts} (failed: ${proof.failed.join(', ')})`,
      `Fix what failed, then prove it again with ${prove}.`,
      'PROOF_FAILED',
    )
  }
  if (proof.warned.length > 0) {
    return warned(
      id,
      `last proven ${proof.at}${mailbox}: ${counts} (warned: ${proof.warned.join(', ')})`,
      `See the warnings with ${prove}.`,
      'PROOF_WARNED',
    )
  }
  return passed(id, `last proven ${proof.at}${mailbox}: ${counts}`)
}

function storedSecrets(module: ProviderModule, secrets: readonly SecretInfo[]): StoredSecret[] {
  return secrets
    .filter((info) => Object.hasOwn(module.secrets, info.name) && info.status !== 'missing')
    .map((info) => ({name: info.name, source: info.source, storedAt: info.createdAt ?? null}))
}

function credentialOf(record: ProvisioningRecord | undefined, stored: StoredSecret[], now: Date): CredentialStatus {
  const credential = record?.credential ?? null
  const storedAt = credential?.storedAt ?? stored.find((s) => s.storedAt)?.storedAt ?? null
  const stamp = storedAt ? Date.parse(storedAt) : Number.NaN
  return {
    kind: credential?.kind ?? null,
    secrets: stored,
    storedAt,
    ageDays: Number.isNaN(stamp) ? null : Math.floor((now.getTime() - stamp) / DAY_MS),
    expiresAt: credential?.expiresAt ?? null,
    fingerprint: credential?.fingerprint ?? null,
  }
}

function credentialCheck(module: ProviderModule, credential: CredentialStatus, now: Date): ProofCheck {
  const id = `${module.id}.credential`
  if (credential.secrets.length === 0) {
    const names = Object.keys(module.secrets).join(' or ')
    const env = Object.values(module.secrets)
      .map((s) => s.env)
      .join(' or ')
    return failed(
      id,
      `no credential stored (${names}: neither in the keychain nor in ${env})`,
      `Provision it: "hcal provision ${module.id}", or set ${env} in CI.`,
      'CREDENTIAL_MISSING',
      {auth: true},
    )
  }
  const what = credential.kind ? `the ${credential.kind}` : (credential.secrets[0]?.name ?? 'the credential')
  return expiryCheck(
    id,
    {
      what,
      expiresAt: credential.expiresAt,
      storedAt: credential.storedAt,
      rotate: `Create a new one in the ${module.displayName} console and store it with "hcal provision ${module.id}".`,
    },
    now.getTime(),
  )
}

function scopeCheck(module: ProviderModule, record: MailboxScopeRecord | undefined): ProofCheck | undefined {
  if (module.scope.kind === 'none') return undefined
  const id = `${module.id}.scope`
  const test = record?.lastTest
  const command = `"hcal scope test --provider ${module.id} --in EMAIL --out EMAIL"`
  if (!test) return skipped(id, `mailbox scope never tested: ${command} proves one`)
  if (test.passed) return passed(id, `mailbox scope held at ${test.at}: ${test.in} readable, ${test.out} denied`)
  return warned(
    id,
    `mailbox scope did not hold at ${test.at} (${test.code ?? 'failed'}; in ${test.in}, out ${test.out})`,
    `Fix the scope ("hcal scope limit --provider ${module.id}"), then run ${command} again.`,
    test.code ?? 'SCOPE_NOT_PROVEN',
  )
}

function worst(checks: readonly ProofCheck[]): ConnectionStatus['status'] {
  if (checks.some((c) => c.status === 'fail')) return 'fail'
  return checks.some((c) => c.status === 'warn') ? 'warn' : 'pass'
}

/** The connections of a profile: those with a section or a provisioning record, in registry order. */
export function provisionStatus(input: StatusInput): ConnectionStatus[] {
  const {profile, now} = input
  return input.modules.flatMap((module) => {
    const id = module.id as ProviderId
    const section = (profile as Record<string, unknown>)[id]
    const record = provisioningRecordOf(profile, id)
    if (section === undefined && record === undefined) return []
    const credential = credentialOf(record, storedSecrets(module, input.secrets), now)
    const scope = scopeRecordOf(profile, id)
    const connection = connectionCheck(module, section)
    const checks = [
      connection,
      proofCheck(module, record?.lastProof ?? null),
      credentialCheck(module, credential, now),
      ...[scopeCheck(module, scope)].filter((c): c is ProofCheck => c !== undefined),
    ]
    return [
      {
        provider: id,
        displayName: module.displayName,
        summary: connection.status === 'pass' ? module.connection.summary(section) : null,
        provisionedAt: record?.provisionedAt ?? null,
        lastProof: record?.lastProof ?? null,
        credential,
        mailboxScope: scope ?? null,
        status: worst(checks),
        checks,
      },
    ]
  })
}

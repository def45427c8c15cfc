/**
 * What hcal remembers about a connection's mailbox scope, in the profile's `mailboxScope.<id>`: when
 * `hcal scope limit` last wrote its script (a scope applied since may still be propagating), and the last
 * `hcal scope test`. `hcal provision status` shows both; nothing here is secret.
 */
import {type ProfileConfig, readProfileDocument, saveProfile} from '../config/profiles.js'
import type {ProviderId} from '../core/model.js'

export interface ScopeTestSummary {
  at: string
  passed: boolean
  in: string
  out: string
  /** The failure's code (SCOPE_OUT_READABLE...), null when it passed. */
  code: string | null
}

export interface MailboxScopeRecord {
  /** How the last script sets the scope ('rbac-for-applications'...), null before any. */
  mechanism: string | null
  /** When `hcal scope limit` last wrote the script (ISO 8601); when it was run is not known. */
  scriptAt: string | null
  lastTest: ScopeTestSummary | null
}

const EMPTY: MailboxScopeRecord = {mechanism: null, scriptAt: null, lastTest: null}

export function scopeRecordOf(profile: ProfileConfig, id: ProviderId): MailboxScopeRecord | undefined {
  const value = profile.mailboxScope?.[id] as Partial<MailboxScopeRecord> | undefined
  if (typeof value !== 'object' || value === null) return undefined
  return {
    mechanism: typeof value.mechanism === 'string' ? value.mechanism : null,
    scriptAt: typeof value.scriptAt === 'string' ? value.scriptAt : null,
    lastTest: typeof value.lastTest?.at === 'string' ? value.lastTest : null,
  }
}

async function update(
  profileName: string,
  id: ProviderId,
  change: (record: MailboxScopeRecord) => MailboxScopeRecord,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  await saveProfile(
    profileName,
    (profile) => ({
      ...profile,
      mailboxScope: {...profile.mailboxScope, [id]: change(scopeRecordOf(profile, id) ?? EMPTY)},
    }),
    env,
  )
}

/** Notes that a scope script was written, for a profile that exists and configures this connection. */
export async function recordScopeScript(
  profileName: string,
  id: ProviderId,
  mechanism: string,
  at: Date,
  env: NodeJS.ProcessEnv = process.env,
): Promise<boolean> {
  const document = await readProfileDocument(profileName, env)
  if (document?.[id] === undefined) return false
  await update(profileName, id, (record) => ({...record, mechanism, scriptAt: at.toISOString()}), env)
  return true
}

export async function recordScopeTest(
  profileName: string,
  id: ProviderId,
  test: ScopeTestSummary,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  await update(profileName, id, (record) => ({...record, lastTest: test}), env)
}

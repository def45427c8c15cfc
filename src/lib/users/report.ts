/**
 * The JSON contract of `hcal users activate|validate|list` (scripts and CI rely on it):
 * `{users: [{email, kind, provider, state, reasonCode, reason, fix}], summary: {active, error, pending, deactivated}}`.
 */
import type {StoredUser, UserKind, UserState} from '../store/types.js'

export interface UserEntry {
  email: string
  kind: UserKind
  /** Null for an address hcal could not place in a verified domain (it was not recorded). */
  provider: string | null
  state: UserState
  reasonCode: string | null
  reason: string | null
  fix: string | null
}

export interface UsersSummary {
  active: number
  error: number
  pending: number
  deactivated: number
}

export interface UsersReport {
  users: UserEntry[]
  summary: UsersSummary
}

export function entryOf(user: StoredUser): UserEntry {
  return {
    email: user.email,
    kind: user.kind,
    provider: user.provider,
    state: user.state,
    reasonCode: user.reasonCode ?? null,
    reason: user.reason ?? null,
    fix: user.fix ?? null,
  }
}

export function summarise(entries: readonly UserEntry[]): UsersSummary {
  const summary: UsersSummary = {active: 0, error: 0, pending: 0, deactivated: 0}
  for (const entry of entries) summary[entry.state] += 1
  return summary
}

export function report(entries: UserEntry[]): UsersReport {
  return {users: entries, summary: summarise(entries)}
}

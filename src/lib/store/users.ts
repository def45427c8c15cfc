import type {Database, Statement} from 'better-sqlite3'

import type {ProviderId} from '../core/model.js'
import {normaliseMailbox} from './meetings.js'
import type {StoredUser, UserKind, UserState} from './types.js'

interface UserRow {
  email: string
  provider: ProviderId
  kind: UserKind
  state: UserState
  reason_code: string | null
  reason: string | null
  fix: string | null
  device_sip: string | null
  primary_email: string | null
  retry_at: string | null
  validated_at: string | null
  synced_at: string | null
  updated_at: string
}

export type UserInput = Omit<StoredUser, 'updatedAt'> & {updatedAt?: string}

export interface UserFilter {
  state?: UserState
  provider?: ProviderId
}

const COLUMNS = [
  'email',
  'provider',
  'kind',
  'state',
  'reason_code',
  'reason',
  'fix',
  'device_sip',
  'primary_email',
  'retry_at',
  'validated_at',
  'synced_at',
  'updated_at',
] as const

/** Users and rooms hcal knows, with their activation state; addresses are kept lower-case. */
export class UserRepository {
  private readonly statements: {
    upsert: Statement
    get: Statement
    list: Statement
    remove: Statement
    statesOfMailbox: Statement
    markSynced: Statement
  }

  constructor(private readonly db: Database) {
    const updates = COLUMNS.filter((c) => c !== 'email' && c !== 'synced_at').map((c) => `${c} = excluded.${c}`)
    this.statements = {
      upsert: db.prepare(`INSERT INTO users (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => `@${c}`).join(', ')})
        ON CONFLICT (email) DO UPDATE SET ${updates.join(', ')},
          synced_at = COALESCE(excluded.synced_at, users.synced_at)`),
      get: db.prepare('SELECT * FROM users WHERE email = ?'),
      list: db.prepare('SELECT * FROM users ORDER BY email'),
      remove: db.prepare('DELETE FROM users WHERE email = ?'),
      // The records that reach one mailbox: activated under it, or under an alias of it.
      statesOfMailbox: db.prepare('SELECT state FROM users WHERE email = ? OR primary_email = ?').pluck(),
      markSynced: db.prepare('UPDATE users SET synced_at = ? WHERE email = ? OR primary_email = ?'),
    }
  }

  /** Writes the whole record (a sync time already stored is kept unless given). */
  upsert(user: UserInput): StoredUser {
    const stored: StoredUser = {
      ...user,
      email: normaliseMailbox(user.email),
      ...(user.primaryEmail ? {primaryEmail: normaliseMailbox(user.primaryEmail)} : {}),
      updatedAt: user.updatedAt ?? new Date().toISOString(),
    }
    this.statements.upsert.run(toRow(stored))
    return this.get(stored.email) ?? stored
  }

  /**
   * Writes several records in one transaction: one commit (one fsync) instead of one per record, which a
   * bulk activation of thousands would otherwise spend; all are written or none.
   */
  upsertMany(users: readonly UserInput[]): StoredUser[] {
    return this.db.transaction(() => users.map((user) => this.upsert(user)))()
  }

  get(email: string): StoredUser | undefined {
    const row = this.statements.get.get(normaliseMailbox(email)) as UserRow | undefined
    return row && fromRow(row)
  }

  /** Every user, by address; optionally only those in one state or of one calendar system. */
  list(filter: UserFilter = {}): StoredUser[] {
    return (this.statements.list.all() as UserRow[])
      .map(fromRow)
      .filter(
        (user) =>
          (!filter.state || user.state === filter.state) && (!filter.provider || user.provider === filter.provider),
      )
  }

  /** The states of every record reaching `mailbox` (its own, and those of its aliases). */
  statesOfMailbox(mailbox: string): UserState[] {
    const address = normaliseMailbox(mailbox)
    return this.statements.statesOfMailbox.all(address, address) as UserState[]
  }

  /** Records that a sync of `mailbox` completed (issue 11's engine calls this). */
  markSynced(mailbox: string, at = new Date().toISOString()): void {
    const address = normaliseMailbox(mailbox)
    this.statements.markSynced.run(at, address, address)
  }

  remove(email: string): boolean {
    return this.statements.remove.run(normaliseMailbox(email)).changes > 0
  }
}

function toRow(user: StoredUser): UserRow {
  return {
    email: user.email,
    provider: user.provider,
    kind: user.kind,
    state: user.state,
    reason_code: user.reasonCode ?? null,
    reason: user.reason ?? null,
    fix: user.fix ?? null,
    device_sip: user.deviceSip ?? null,
    primary_email: user.primaryEmail ?? null,
    retry_at: user.retryAt ?? null,
    validated_at: user.validatedAt ?? null,
    synced_at: user.syncedAt ?? null,
    updated_at: user.updatedAt,
  }
}

function fromRow(row: UserRow): StoredUser {
  const optional = <K extends keyof StoredUser>(key: K, value: StoredUser[K] | null) =>
    value === null ? {} : ({[key]: value} as Pick<StoredUser, K>)
  return {
    email: row.email,
    provider: row.provider,
    kind: row.kind,
    state: row.state,
    ...optional('reasonCode', row.reason_code),
    ...optional('reason', row.reason),
    ...optional('fix', row.fix),
    ...optional('deviceSip', row.device_sip),
    ...optional('primaryEmail', row.primary_email),
    ...optional('retryAt', row.retry_at),
    ...optional('validatedAt', row.validated_at),
    ...optional('syncedAt', row.synced_at),
    updatedAt: row.updated_at,
  }
}

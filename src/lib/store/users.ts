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
  device_sip: string | null
  updated_at: string
}

export type UserInput = Omit<StoredUser, 'updatedAt'> & {updatedAt?: string}

/** Users and rooms hcal knows, with their activation state; addresses are kept lower-case. */
export class UserRepository {
  private readonly statements: {upsert: Statement; get: Statement; list: Statement; remove: Statement}

  constructor(db: Database) {
    this.statements = {
      upsert: db.prepare(`INSERT INTO users (email, provider, kind, state, reason_code, reason, device_sip, updated_at)
        VALUES (@email, @provider, @kind, @state, @reason_code, @reason, @device_sip, @updated_at)
        ON CONFLICT (email) DO UPDATE SET provider = excluded.provider, kind = excluded.kind, state = excluded.state,
          reason_code = excluded.reason_code, reason = excluded.reason, device_sip = excluded.device_sip,
          updated_at = excluded.updated_at`),
      get: db.prepare('SELECT * FROM users WHERE email = ?'),
      list: db.prepare('SELECT * FROM users ORDER BY email'),
      remove: db.prepare('DELETE FROM users WHERE email = ?'),
    }
  }

  upsert(user: UserInput): StoredUser {
    const stored: StoredUser = {
      ...user,
      email: normaliseMailbox(user.email),
      updatedAt: user.updatedAt ?? new Date().toISOString(),
    }
    this.statements.upsert.run({
      email: stored.email,
      provider: stored.provider,
      kind: stored.kind,
      state: stored.state,
      reason_code: stored.reasonCode ?? null,
      reason: stored.reason ?? null,
      device_sip: stored.deviceSip ?? null,
      updated_at: stored.updatedAt,
    })
    return stored
  }

  get(email: string): StoredUser | undefined {
    const row = this.statements.get.get(normaliseMailbox(email)) as UserRow | undefined
    return row && fromRow(row)
  }

  /** Every user, by address; optionally only those in one state. */
  list(filter: {state?: UserState} = {}): StoredUser[] {
    const users = (this.statements.list.all() as UserRow[]).map(fromRow)
    return filter.state ? users.filter((user) => user.state === filter.state) : users
  }

  remove(email: string): boolean {
    return this.statements.remove.run(normaliseMailbox(email)).changes > 0
  }
}

function fromRow(row: UserRow): StoredUser {
  return {
    email: row.email,
    provider: row.provider,
    kind: row.kind,
    state: row.state,
    ...(row.reason_code === null ? {} : {reasonCode: row.reason_code}),
    ...(row.reason === null ? {} : {reason: row.reason}),
    ...(row.device_sip === null ? {} : {deviceSip: row.device_sip}),
    updatedAt: row.updated_at,
  }
}

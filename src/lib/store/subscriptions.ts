import type {Database, Statement} from 'better-sqlite3'

import type {ProviderId} from '../core/model.js'
import type {FieldCipher, FieldRef} from './crypto.js'

/**
 * The push subscriptions watch mode made (Google channels, Graph subscriptions, EWS streaming subscriptions):
 * what is needed to admit their notifications, renew them and stop them, after a restart too. The clientState
 * (Google channel token, Graph clientState) is a secret and sealed like meeting fields.
 *
 * `active`: the mailbox's current one. `superseded`: replaced by a renewal (Google) and stopped once the new
 * one is confirmed. `stopped`: ended. Both are kept until `keepUntil`, so a late notification from them is
 * recognised (and dropped) rather than taken for a forgery.
 */
export type SubscriptionState = 'active' | 'superseded' | 'stopped'

export interface StoredSubscription {
  provider: ProviderId
  id: string
  mailbox: string
  state: SubscriptionState
  clientState: string
  /** The adapter's opaque fields to renew or stop it. */
  handle: Record<string, string>
  expiresAt: string
  createdAt: string
  keepUntil?: string
}

interface Row {
  provider: string
  id: string
  mailbox: string
  state: SubscriptionState
  client_state: Buffer
  handle: string
  expires_at: string
  created_at: string
  keep_until: string | null
}

export class SubscriptionRepository {
  private readonly statements: {
    upsert: Statement
    get: Statement
    all: Statement
    setState: Statement
    forget: Statement
    expired: Statement
  }

  constructor(
    db: Database,
    private readonly cipher: FieldCipher,
  ) {
    this.statements = {
      upsert: db.prepare(`INSERT INTO push_subscriptions
          (provider, id, mailbox, state, client_state, handle, expires_at, created_at, keep_until)
        VALUES (@provider, @id, @mailbox, @state, @client_state, @handle, @expires_at, @created_at, @keep_until)
        ON CONFLICT (provider, id) DO UPDATE SET mailbox = excluded.mailbox, state = excluded.state,
          client_state = excluded.client_state, handle = excluded.handle, expires_at = excluded.expires_at,
          keep_until = excluded.keep_until`),
      get: db.prepare('SELECT * FROM push_subscriptions WHERE provider = ? AND id = ?'),
      all: db.prepare('SELECT * FROM push_subscriptions ORDER BY provider, mailbox, created_at'),
      setState: db.prepare('UPDATE push_subscriptions SET state = ?, keep_until = ? WHERE provider = ? AND id = ?'),
      forget: db.prepare('DELETE FROM push_subscriptions WHERE provider = ? AND id = ?'),
      expired: db.prepare(
        "DELETE FROM push_subscriptions WHERE state != 'active' AND keep_until IS NOT NULL AND keep_until < ?",
      ),
    }
  }

  save(subscription: StoredSubscription): void {
    this.statements.upsert.run({
      provider: subscription.provider,
      id: subscription.id,
      mailbox: subscription.mailbox,
      state: subscription.state,
      client_state: this.cipher.seal(subscription.clientState, ref(subscription.provider, subscription.id)),
      handle: JSON.stringify(subscription.handle),
      expires_at: subscription.expiresAt,
      created_at: subscription.createdAt,
      keep_until: subscription.keepUntil ?? null,
    })
  }

  get(provider: ProviderId, id: string): StoredSubscription | undefined {
    const row = this.statements.get.get(provider, id) as Row | undefined
    return row ? this.fromRow(row) : undefined
  }

  /** Every subscription, optionally of one provider or mailbox or in one state. */
  list(filter: {provider?: ProviderId; mailbox?: string; state?: SubscriptionState} = {}): StoredSubscription[] {
    return (this.statements.all.all() as Row[])
      .filter(
        (row) =>
          (filter.provider === undefined || row.provider === filter.provider) &&
          (filter.mailbox === undefined || row.mailbox === filter.mailbox) &&
          (filter.state === undefined || row.state === filter.state),
      )
      .map((row) => this.fromRow(row))
  }

  /** Marks it superseded or stopped, kept (for recognising late notifications) until `keepUntil`. */
  retire(provider: ProviderId, id: string, state: 'superseded' | 'stopped', keepUntil: string): void {
    this.statements.setState.run(state, keepUntil, provider, id)
  }

  forget(provider: ProviderId, id: string): void {
    this.statements.forget.run(provider, id)
  }

  /** Drops retired subscriptions whose overlap has ended; returns how many. */
  dropRetired(now: Date): number {
    return this.statements.expired.run(now.toISOString()).changes
  }

  private fromRow(row: Row): StoredSubscription {
    return {
      provider: row.provider as ProviderId,
      id: row.id,
      mailbox: row.mailbox,
      state: row.state,
      clientState: this.cipher.open(row.client_state, ref(row.provider, row.id)) ?? '',
      handle: JSON.parse(row.handle) as Record<string, string>,
      expiresAt: row.expires_at,
      createdAt: row.created_at,
      ...(row.keep_until ? {keepUntil: row.keep_until} : {}),
    }
  }
}

function ref(provider: string, id: string): FieldRef {
  return {table: 'push_subscriptions', column: 'client_state', row: [provider, id]}
}

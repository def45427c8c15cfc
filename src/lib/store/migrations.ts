import type {Database} from 'better-sqlite3'

import {HcalError} from '../errors.js'

export interface Migration {
  version: number
  name: string
  sql: string
}

/**
 * The state store's schema, one step per entry, applied in order and never edited once released:
 * a change is a new entry. Columns holding BLOBs are sealed by crypto.ts (see ENCRYPTED_COLUMNS).
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'meetings, users, cursors, data keys',
    sql: `
      CREATE TABLE data_keys (
        key_id TEXT PRIMARY KEY,
        added_at TEXT NOT NULL
      );
      CREATE TABLE meetings (
        mailbox TEXT NOT NULL,
        id TEXT NOT NULL,
        provider TEXT NOT NULL,
        series_id TEXT,
        original_start TEXT,
        start TEXT NOT NULL,
        "end" TEXT NOT NULL,
        start_ms INTEGER NOT NULL,
        end_ms INTEGER NOT NULL,
        all_day INTEGER NOT NULL,
        time_zone TEXT,
        status TEXT NOT NULL,
        my_response TEXT NOT NULL,
        sensitivity TEXT NOT NULL,
        body_type TEXT NOT NULL,
        change_token TEXT NOT NULL,
        updated TEXT,
        marker TEXT,
        keyword TEXT,
        join_provider TEXT,
        title BLOB,
        location BLOB,
        body BLOB,
        organizer BLOB,
        attendees BLOB,
        conference BLOB,
        join_url BLOB,
        join_sip BLOB,
        stored_at TEXT NOT NULL,
        PRIMARY KEY (mailbox, id)
      ) WITHOUT ROWID;
      CREATE INDEX meetings_by_mailbox_start ON meetings (mailbox, start_ms);
      CREATE INDEX meetings_by_start ON meetings (start_ms);
      CREATE INDEX meetings_by_end ON meetings (end_ms);
      CREATE TABLE users (
        email TEXT PRIMARY KEY,
        provider TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('user', 'room')),
        state TEXT NOT NULL CHECK (state IN ('pending', 'active', 'error')),
        reason_code TEXT,
        reason TEXT,
        device_sip TEXT,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE cursors (
        mailbox TEXT NOT NULL,
        kind TEXT NOT NULL,
        cursor TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (mailbox, kind)
      );
    `,
  },
  {
    version: 2,
    name: 'join service column named after the meeting service, not the calendar provider',
    sql: `ALTER TABLE meetings RENAME COLUMN join_provider TO join_service;`,
  },
  {
    // SQLite cannot change a CHECK constraint in place: the table is rebuilt with its rows.
    version: 3,
    name: 'users: deactivated state, fix, primary address of an alias, retry time, last validated and synced',
    sql: `
      CREATE TABLE users_v3 (
        email TEXT PRIMARY KEY,
        provider TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('user', 'room')),
        state TEXT NOT NULL CHECK (state IN ('pending', 'active', 'error', 'deactivated')),
        reason_code TEXT,
        reason TEXT,
        fix TEXT,
        device_sip TEXT,
        primary_email TEXT,
        retry_at TEXT,
        validated_at TEXT,
        synced_at TEXT,
        updated_at TEXT NOT NULL
      );
      INSERT INTO users_v3 (email, provider, kind, state, reason_code, reason, device_sip, updated_at)
        SELECT email, provider, kind, state, reason_code, reason, device_sip, updated_at FROM users;
      DROP TABLE users;
      ALTER TABLE users_v3 RENAME TO users;
      CREATE INDEX users_by_primary_email ON users (primary_email) WHERE primary_email IS NOT NULL;
      CREATE INDEX users_by_state ON users (state);
    `,
  },
  {
    // The sync engine (issue 11): a cursor remembers the window its round covered, and presence is per mailbox.
    version: 4,
    name: 'sync: the window each cursor covers; presence (out-of-office and mailbox settings) per mailbox',
    sql: `
      ALTER TABLE cursors ADD COLUMN window_start TEXT;
      ALTER TABLE cursors ADD COLUMN window_end TEXT;
      CREATE INDEX meetings_by_series ON meetings (mailbox, series_id) WHERE series_id IS NOT NULL;
      CREATE TABLE presence (
        mailbox TEXT PRIMARY KEY,
        provider TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('off', 'on', 'scheduled')),
        start TEXT,
        "end" TEXT,
        language TEXT,
        time_zone TEXT,
        settings_at TEXT,
        checked_at TEXT NOT NULL,
        changed_at TEXT NOT NULL
      );
    `,
  },
  {
    // Version 4 is the sync engine's. The outbox: one row per event and sink, the payload already shaped
    // for that sink and sealed; the row is deleted once delivered, or kept as 'dead' after the last attempt.
    version: 5,
    name: 'publishing outbox',
    sql: `
      CREATE TABLE outbox (
        message_id TEXT PRIMARY KEY,
        seq INTEGER NOT NULL,
        sink TEXT NOT NULL,
        payload BLOB NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'dead')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_ms INTEGER NOT NULL,
        last_error TEXT,
        last_attempt_at TEXT,
        created_at TEXT NOT NULL
      );
      CREATE INDEX outbox_due ON outbox (sink, state, next_attempt_ms, seq);
    `,
  },
  {
    // Watch mode (issue 12): Google cannot list its channels, so hcal remembers every subscription it made.
    // Superseded and stopped ones stay until `keep_until`, so their late notifications are recognised and dropped.
    version: 6,
    name: 'watch mode: push subscriptions (clientState sealed)',
    sql: `
      CREATE TABLE push_subscriptions (
        provider TEXT NOT NULL,
        id TEXT NOT NULL,
        mailbox TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('active', 'superseded', 'stopped')),
        client_state BLOB NOT NULL,
        handle TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        created_at TEXT NOT NULL,
        keep_until TEXT,
        PRIMARY KEY (provider, id)
      ) WITHOUT ROWID;
      CREATE INDEX push_subscriptions_by_mailbox ON push_subscriptions (mailbox, state);
    `,
  },
]

/** Encrypted columns per table, with the columns that form each row's key (bound into the AAD). */
export const ENCRYPTED_COLUMNS = {
  meetings: {
    key: ['mailbox', 'id'],
    columns: ['title', 'location', 'body', 'organizer', 'attendees', 'conference', 'join_url', 'join_sip'],
  },
  outbox: {key: ['message_id'], columns: ['payload']},
  push_subscriptions: {key: ['provider', 'id'], columns: ['client_state']},
} as const

export const LATEST_SCHEMA_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0)

/** Applies pending migrations, each in its own transaction; returns the schema version now in place. */
export function migrate(db: Database, path: string): number {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`)
  const current = (db.prepare('SELECT MAX(version) FROM schema_migrations').pluck().get() as number | null) ?? 0
  if (current > LATEST_SCHEMA_VERSION) {
    throw new HcalError(
      'STORE_SCHEMA_NEWER',
      `The state store ${path} has schema version ${current}, newer than this hcal understands (${LATEST_SCHEMA_VERSION}).`,
      {suggestions: ['Upgrade hcal to the version that last wrote this store.']},
    )
  }
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
  for (const migration of MIGRATIONS) {
    if (migration.version <= current) continue
    db.transaction(() => {
      db.exec(migration.sql)
      record.run(migration.version, migration.name, new Date().toISOString())
    })()
  }
  return Math.max(current, LATEST_SCHEMA_VERSION)
}

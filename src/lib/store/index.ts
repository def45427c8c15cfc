import {chmod, open} from 'node:fs/promises'
import {join} from 'node:path'

import Database from 'better-sqlite3'

import {ensureDir, fsFailure} from '../config/dirs.js'
import {dataDir as defaultDataDir} from '../config/paths.js'
import type {SecretStore} from '../secrets/index.js'
import {FieldCipher} from './crypto.js'
import {CursorRepository} from './cursors.js'
import {loadKeyRing, recordKeyId} from './data-key.js'
import {MeetingRepository} from './meetings.js'
import {migrate} from './migrations.js'
import {PresenceRepository} from './presence.js'
import {OutboxRepository} from './outbox.js'
import {rotateDataKey} from './rotation.js'
import {SubscriptionRepository} from './subscriptions.js'
import type {PurgeResult, RotationResult} from './types.js'
import {UserRepository} from './users.js'

export type {JoinDetails, PurgeResult, RotationResult, StoredMeeting, StoredUser, UserKind, UserState} from './types.js'
export type {CursorRepository, CursorState} from './cursors.js'
export type {PresenceRepository, StoredPresence} from './presence.js'
export type {MeetingRepository} from './meetings.js'
export type {OutboxMessage, OutboxRepository, OutboxSinkStats} from './outbox.js'
export type {UserInput, UserRepository} from './users.js'
export type {StoredSubscription, SubscriptionRepository, SubscriptionState} from './subscriptions.js'

/** Meetings are kept from 7 days back to 31 days ahead, the window hcal syncs. */
export const RETENTION = {backDays: 7, aheadDays: 31} as const
const DAY_MS = 86_400_000

/**
 * hcal's state on disk, one SQLite database per profile (`<data dir>/<profile>/state.db`, directory
 * 0700, files 0600, WAL). Meeting titles, locations, bodies, organiser and attendee addresses and join
 * URLs/SIP addresses are sealed per field with AES-256-GCM (crypto.ts); the data key is the
 * SecretStore's `store.dataKey`, created on first use. User addresses, states and sync cursors are
 * stored as they are: they are needed for lookups and name no meeting.
 */
export interface StateStore {
  readonly path: string
  readonly schemaVersion: number
  readonly meetings: MeetingRepository
  readonly users: UserRepository
  readonly cursors: CursorRepository
  readonly presence: PresenceRepository
  /**
   * Runs `work` in one SQLite transaction: everything it writes lands together or not at all (a cursor with
   * the changes it covers). Synchronous on purpose: no I/O may happen while it is open. Nested calls join it.
   */
  transaction<T>(work: () => T): T
  /** Events waiting for delivery to the publishing sinks (src/lib/publish/). */
  readonly outbox: OutboxRepository
  /** Watch mode's push subscriptions (channels, subscriptions), kept across restarts. */
  readonly subscriptions: SubscriptionRepository
  /** New data key; every sealed field re-encrypted in one transaction; old key dropped last. */
  rotateKey(): Promise<RotationResult>
  /** Deletes meetings that ended more than 7 days before `now` or start more than 31 days after it. */
  applyRetention(now?: Date): number
  /** Deletes a mailbox's meetings and cursors together (deactivation). */
  purgeMailbox(mailbox: string): PurgeResult
  close(): void
}

export interface OpenStateStoreOptions {
  profile: string
  secrets: SecretStore
  /** Base data directory; defaults to HCAL_DATA_DIR or the XDG data directory. */
  dataDir?: string
}

export async function openStateStore(options: OpenStateStoreOptions): Promise<StateStore> {
  const dir = join(options.dataDir ?? defaultDataDir(), options.profile)
  await ensureDir(dir)
  const path = join(dir, 'state.db')
  try {
    await chmod(dir, 0o700)
    // Create the file owner-only before SQLite opens it; SQLite gives -wal and -shm the same mode.
    await (await open(path, 'a', 0o600)).close()
    await chmod(path, 0o600)
  } catch (error) {
    throw await fsFailure(error, path, `open the state store ${path}`)
  }
  const db = new Database(path)
  try {
    db.pragma('journal_mode = WAL')
    db.pragma('busy_timeout = 5000')
    // Deleted rows (retention, purges, old ciphertexts) are overwritten, not left in free pages.
    db.pragma('secure_delete = ON')
    const schemaVersion = migrate(db, path)
    const cipher = new FieldCipher(await loadKeyRing(db, options.secrets, path))
    recordKeyId(db, cipher.ring.activeId)
    return new SqliteStateStore(db, path, schemaVersion, cipher, options.secrets)
  } catch (error) {
    db.close()
    throw error
  }
}

class SqliteStateStore implements StateStore {
  readonly meetings: MeetingRepository
  readonly users: UserRepository
  readonly cursors: CursorRepository
  readonly presence: PresenceRepository
  readonly outbox: OutboxRepository
  readonly subscriptions: SubscriptionRepository

  constructor(
    private readonly db: Database.Database,
    readonly path: string,
    readonly schemaVersion: number,
    private readonly cipher: FieldCipher,
    private readonly secrets: SecretStore,
  ) {
    this.meetings = new MeetingRepository(db, cipher)
    this.users = new UserRepository(db)
    this.cursors = new CursorRepository(db)
    this.outbox = new OutboxRepository(db, cipher)
    this.presence = new PresenceRepository(db)
    this.subscriptions = new SubscriptionRepository(db, cipher)
  }

  transaction<T>(work: () => T): T {
    return this.db.transaction(work)()
  }

  rotateKey(): Promise<RotationResult> {
    return rotateDataKey(this.db, this.cipher, this.secrets)
  }

  applyRetention(now = new Date()): number {
    const oldestEnd = now.getTime() - RETENTION.backDays * DAY_MS
    const latestStart = now.getTime() + RETENTION.aheadDays * DAY_MS
    return this.db.prepare('DELETE FROM meetings WHERE end_ms < ? OR start_ms > ?').run(oldestEnd, latestStart).changes
  }

  purgeMailbox(mailbox: string): PurgeResult {
    return this.db.transaction(() => ({
      meetings: this.meetings.deleteForMailbox(mailbox),
      cursors: this.cursors.deleteForMailbox(mailbox),
      presence: this.presence.delete(mailbox) ? 1 : 0,
    }))()
  }

  close(): void {
    if (this.db.open) this.db.close()
  }
}

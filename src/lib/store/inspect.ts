import {access} from 'node:fs/promises'
import {join} from 'node:path'

import Database from 'better-sqlite3'

import {assertDirCreatable, errnoOf, fsFailure} from '../config/dirs.js'
import {dataDir as defaultDataDir} from '../config/paths.js'
import type {SecretStore} from '../secrets/index.js'
import {existingKeyRing, recordedKeyIds} from './data-key.js'
import {LATEST_SCHEMA_VERSION} from './migrations.js'

export type StoreInspection =
  | {path: string; state: 'absent'}
  | {path: string; state: 'present'; schemaVersion: number; latestVersion: number; keyIds: string[]; hasKey: boolean}

/**
 * Looks at a profile's state store without changing anything: no directory, file, migration or data
 * key is created (`openStateStore` does all four on first use). An absent store is only checked for
 * whether it could be created; a present one for its schema version and for the data key it needs.
 */
export async function inspectStateStore(options: {
  profile: string
  secrets: SecretStore
  dataDir?: string
}): Promise<StoreInspection> {
  const dir = join(options.dataDir ?? defaultDataDir(), options.profile)
  const path = join(dir, 'state.db')
  try {
    await access(path)
  } catch (error) {
    if (errnoOf(error) !== 'ENOENT' && errnoOf(error) !== 'ENOTDIR')
      throw await fsFailure(error, path, 'find the state store')
    await assertDirCreatable(dir)
    return {path, state: 'absent'}
  }
  // Opened read-write but only read: SQLite then removes its -wal and -shm files on close (a read-only
  // connection would leave them behind).
  const db = new Database(path, {fileMustExist: true})
  try {
    db.pragma('busy_timeout = 5000')
    const hasMigrations = db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
      .pluck()
      .get()
    const schemaVersion = hasMigrations
      ? ((db.prepare('SELECT MAX(version) FROM schema_migrations').pluck().get() as number | null) ?? 0)
      : 0
    const keyIds = schemaVersion > 0 ? recordedKeyIds(db) : []
    const ring = schemaVersion > 0 ? await existingKeyRing(db, options.secrets, path) : undefined
    return {
      path,
      state: 'present',
      schemaVersion,
      latestVersion: LATEST_SCHEMA_VERSION,
      keyIds,
      hasKey: ring !== undefined,
    }
  } finally {
    db.close()
  }
}

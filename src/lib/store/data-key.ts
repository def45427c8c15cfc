import type {Database} from 'better-sqlite3'

import {HcalError} from '../errors.js'
import type {SecretStore} from '../secrets/index.js'
import {KeyRing} from './crypto.js'

export const DATA_KEY_SECRET = 'store.dataKey'

/** Key ids that may have sealed something in this database (kept until a rotation retires them). */
export function recordedKeyIds(db: Database): string[] {
  return db.prepare('SELECT key_id FROM data_keys ORDER BY added_at').pluck().all() as string[]
}

export function recordKeyId(db: Database, keyId: string): void {
  db.prepare('INSERT OR IGNORE INTO data_keys (key_id, added_at) VALUES (?, ?)').run(keyId, new Date().toISOString())
}

/**
 * The data key ring for this store: read from the SecretStore, or created there on first use. A store
 * that already holds data never gets a fresh key silently (its rows would become unreadable): a
 * missing or different key is an error that says which key is needed.
 */
export async function loadKeyRing(db: Database, secrets: SecretStore, path: string): Promise<KeyRing> {
  const existing = await existingKeyRing(db, secrets, path)
  if (existing) return existing
  const ring = KeyRing.generate()
  await secrets.set(DATA_KEY_SECRET, ring.serialize())
  return ring
}

/**
 * The configured data key ring, checked against the keys this store was sealed with; undefined when
 * there is none yet and the store needs none. Creates nothing (`hcal doctor` uses it as it is).
 */
export async function existingKeyRing(db: Database, secrets: SecretStore, path: string): Promise<KeyRing | undefined> {
  const needed = recordedKeyIds(db)
  const value = await secrets.get(DATA_KEY_SECRET)
  if (value === undefined) {
    if (needed.length > 0) {
      throw new HcalError(
        'STORE_KEY_MISSING',
        `The state store ${path} is encrypted with data key ${needed.join(', ')}, but no store.dataKey is in the keychain or HCAL_STORE_KEY.`,
        {
          suggestions: [
            'Unlock the keychain that holds it, or set HCAL_STORE_KEY to the key this store was created with.',
            `The store only caches calendar data: if the key is lost, delete ${path} and run hcal sync again.`,
          ],
        },
      )
    }
    return undefined
  }
  const ring = KeyRing.parse(value)
  const missing = needed.filter((id) => !ring.has(id))
  if (missing.length > 0) {
    throw new HcalError(
      'STORE_KEY_MISMATCH',
      `The state store ${path} needs data key ${missing.join(', ')}, but the configured store.dataKey holds ${ring.ids.join(', ')}.`,
      {
        suggestions: [
          'Set HCAL_STORE_KEY (or the keychain item store.dataKey) to the key this store was created with; during a rotation list both keys, new first, comma-separated.',
          `The store only caches calendar data: if the key is lost, delete ${path} and run hcal sync again.`,
        ],
      },
    )
  }
  return ring
}

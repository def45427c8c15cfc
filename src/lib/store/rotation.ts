import {randomBytes} from 'node:crypto'

import type {Database} from 'better-sqlite3'

import {UsageError} from '../errors.js'
import type {SecretStore} from '../secrets/index.js'
import type {FieldCipher, KeyRing} from './crypto.js'
import {DATA_KEY_SECRET, recordKeyId} from './data-key.js'
import {ENCRYPTED_COLUMNS} from './migrations.js'
import type {RotationResult} from './types.js'

/**
 * Replaces the data key. The order keeps every row readable whatever step a crash interrupts:
 *  1. the keychain gets the new key in front of the old ones (both decrypt; the new one encrypts);
 *  2. one transaction re-encrypts every sealed field with the new key and retires the old key ids;
 *  3. the keychain drops the old keys.
 * With HCAL_STORE_KEY (read-only) there is no step 1 or 3: the operator puts the new key first in the
 * variable, and rotation re-encrypts everything under it; the result names the keys to remove.
 */
export async function rotateDataKey(db: Database, cipher: FieldCipher, secrets: SecretStore): Promise<RotationResult> {
  const fromEnv = (await secrets.list()).some((info) => info.name === DATA_KEY_SECRET && info.source === 'env')
  let staged: KeyRing
  if (fromEnv) {
    staged = cipher.ring
    if (staged.ids.length < 2) {
      throw new UsageError('KEY_ROTATE_ENV', 'The data key comes from HCAL_STORE_KEY, which hcal cannot change.', {
        suggestions: [
          'Generate a key (openssl rand -base64 32), set HCAL_STORE_KEY=<new key>,<current key>, run hcal keys rotate, then set HCAL_STORE_KEY=<new key>.',
        ],
      })
    }
  } else {
    staged = cipher.ring.withActive(randomBytes(32))
    await secrets.set(DATA_KEY_SECRET, staged.serialize())
  }
  cipher.ring = staged
  const retiredKeyIds = staged.ids.filter((id) => id !== staged.activeId)
  const counts = db.transaction(() => {
    recordKeyId(db, staged.activeId)
    const reencrypted = reencryptAll(db, staged)
    db.prepare('DELETE FROM data_keys WHERE key_id != ?').run(staged.activeId)
    return reencrypted
  })()
  if (!fromEnv) {
    const final = staged.activeOnly()
    await secrets.set(DATA_KEY_SECRET, final.serialize())
    cipher.ring = final
  }
  return {keyId: staged.activeId, retiredKeyIds, ...counts}
}

function reencryptAll(db: Database, ring: KeyRing): {rows: number; fields: number} {
  let rows = 0
  let fields = 0
  for (const [table, spec] of Object.entries(ENCRYPTED_COLUMNS)) {
    const keyColumns = spec.key.join(', ')
    const select = db.prepare(`SELECT ${keyColumns}, ${spec.columns.join(', ')} FROM ${table}`)
    const where = spec.key.map((column) => `${column} = ?`).join(' AND ')
    // Read first: better-sqlite3 allows no writes while a SELECT iterator is open on the connection.
    for (const row of select.all() as Record<string, Buffer | string | null>[]) {
      const rowKey = spec.key.map((column) => String(row[column]))
      const updates: [string, Buffer][] = []
      for (const column of spec.columns) {
        const sealed = row[column]
        if (!Buffer.isBuffer(sealed)) continue
        const ref = {table, column, row: rowKey}
        updates.push([column, ring.seal(ring.open(sealed, ref), ref)])
      }
      if (updates.length === 0) continue
      const set = updates.map(([column]) => `${column} = ?`).join(', ')
      db.prepare(`UPDATE ${table} SET ${set} WHERE ${where}`).run(...updates.map(([, value]) => value), ...rowKey)
      rows++
      fields += updates.length
    }
  }
  return {rows, fields}
}

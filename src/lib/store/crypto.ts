import {createCipheriv, createDecipheriv, createHash, randomBytes} from 'node:crypto'

import {HcalError} from '../errors.js'

/**
 * Field encryption for the state store: AES-256-GCM per value, a fresh 12-byte IV each time, and
 * additional data binding the ciphertext to its table, column and row, so a value copied into another
 * row or column fails to decrypt instead of being misread.
 *
 * Sealed format (a BLOB): version (1 byte, 0x01) | key id (8 bytes) | IV (12) | tag (16) | ciphertext.
 * The key id names the data key, so rows written before a rotation stay readable until re-encrypted.
 */
const FORMAT_VERSION = 1
const KEY_ID_BYTES = 8
const IV_BYTES = 12
const TAG_BYTES = 16
const HEADER_BYTES = 1 + KEY_ID_BYTES + IV_BYTES + TAG_BYTES
const KEY_BYTES = 32

export interface FieldRef {
  table: string
  column: string
  /** The row's natural key, e.g. [mailbox, eventId]. */
  row: readonly string[]
}

function additionalData(ref: FieldRef): Buffer {
  return Buffer.from(JSON.stringify([ref.table, ref.column, ...ref.row]), 'utf8')
}

/** A short public fingerprint of a key: which key sealed a value, without revealing the key. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256')
    .update('hcal-store-key-id\0')
    .update(key)
    .digest()
    .subarray(0, KEY_ID_BYTES)
    .toString('hex')
}

/** The data keys a store may use: the first encrypts, all decrypt (older keys stay during a rotation). */
export class KeyRing {
  private readonly keys: Map<string, Buffer>

  private constructor(
    readonly activeId: string,
    keys: Map<string, Buffer>,
  ) {
    this.keys = keys
  }

  static generate(): KeyRing {
    return KeyRing.fromKeys([randomBytes(KEY_BYTES)])
  }

  static fromKeys(keys: Buffer[]): KeyRing {
    const map = new Map<string, Buffer>()
    for (const key of keys) map.set(keyIdOf(key), key)
    const [first] = map.keys()
    if (first === undefined) throw new Error('a key ring needs at least one key')
    return new KeyRing(first, map)
  }

  /** Parses the `store.dataKey` secret: base64 keys of 32 bytes, comma-separated, active key first. */
  static parse(value: string): KeyRing {
    const keys = value.split(',').map((part) => Buffer.from(part.trim(), 'base64'))
    if (keys.length === 0 || keys.some((key) => key.length !== KEY_BYTES)) {
      throw new HcalError('STORE_KEY_INVALID', 'The state store data key is not base64 of 32 bytes.', {
        suggestions: [
          'Check HCAL_STORE_KEY (or the keychain item store.dataKey): base64 of 32 random bytes, e.g. from `openssl rand -base64 32`; several keys are separated by commas.',
        ],
      })
    }
    return KeyRing.fromKeys(keys)
  }

  get ids(): string[] {
    return [...this.keys.keys()]
  }

  has(id: string): boolean {
    return this.keys.has(id)
  }

  /** The same keys with a new active key in front. */
  withActive(key: Buffer): KeyRing {
    return KeyRing.fromKeys([key, ...this.keys.values()])
  }

  /** Only the active key (after every row has been re-encrypted with it). */
  activeOnly(): KeyRing {
    return KeyRing.fromKeys([this.activeKey()])
  }

  serialize(): string {
    return [...this.keys.values()].map((key) => key.toString('base64')).join(',')
  }

  seal(plaintext: string, ref: FieldRef): Buffer {
    const iv = randomBytes(IV_BYTES)
    const cipher = createCipheriv('aes-256-gcm', this.activeKey(), iv)
    cipher.setAAD(additionalData(ref))
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
    const header = Buffer.alloc(1 + KEY_ID_BYTES)
    header.writeUInt8(FORMAT_VERSION, 0)
    Buffer.from(this.activeId, 'hex').copy(header, 1)
    return Buffer.concat([header, iv, cipher.getAuthTag(), body])
  }

  open(sealed: Buffer, ref: FieldRef): string {
    if (sealed.length < HEADER_BYTES || sealed.readUInt8(0) !== FORMAT_VERSION) {
      throw corrupt(ref, 'unknown ciphertext format')
    }
    const keyId = sealed.subarray(1, 1 + KEY_ID_BYTES).toString('hex')
    const key = this.keys.get(keyId)
    if (!key) {
      throw new HcalError(
        'STORE_KEY_MISSING',
        `A value in the state store (${ref.table}.${ref.column}) was encrypted with data key ${keyId}, which is not available.`,
        {suggestions: ['Restore the previous store.dataKey (keychain) or HCAL_STORE_KEY, including that key.']},
      )
    }
    const ivEnd = 1 + KEY_ID_BYTES + IV_BYTES
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(1 + KEY_ID_BYTES, ivEnd))
    decipher.setAAD(additionalData(ref))
    decipher.setAuthTag(sealed.subarray(ivEnd, HEADER_BYTES))
    try {
      return Buffer.concat([decipher.update(sealed.subarray(HEADER_BYTES)), decipher.final()]).toString('utf8')
    } catch (error) {
      throw corrupt(ref, 'authentication failed', error)
    }
  }

  private activeKey(): Buffer {
    const key = this.keys.get(this.activeId)
    if (!key) throw new Error('active key missing from its own ring')
    return key
  }
}

function corrupt(ref: FieldRef, why: string, cause?: unknown): HcalError {
  return new HcalError(
    'STORE_CORRUPT',
    `A value in the state store (${ref.table}.${ref.column}) cannot be decrypted: ${why}.`,
    {
      cause,
      suggestions: [
        "The store only caches calendar data: delete this profile's state.db (in hcal's data directory) and run hcal sync again.",
      ],
    },
  )
}

/**
 * Seals and opens fields with whatever key ring is current; the ring is swapped after a key rotation,
 * so repositories holding this object keep working.
 */
export class FieldCipher {
  constructor(public ring: KeyRing) {}

  seal(value: string | null | undefined, ref: FieldRef): Buffer | null {
    return value === null || value === undefined ? null : this.ring.seal(value, ref)
  }

  open(sealed: Buffer | null, ref: FieldRef): string | null {
    return sealed === null ? null : this.ring.open(sealed, ref)
  }
}

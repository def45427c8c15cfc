/** Identifiers shaped like Exchange Online's: GUIDs for users, opaque base64url item ids, change keys. */
import {createHash, randomBytes} from 'node:crypto'

function digest(input: string): Buffer {
  return createHash('sha256').update(input).digest()
}

/** A deterministic GUID (same seed input => same id), formatted 8-4-4-4-12. */
export function stableGuid(input: string): string {
  const hex = digest(input).toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

/** A deterministic Outlook-style item id ('AAMk' + base64url), unique per mailbox and key. */
export function stableItemId(mailbox: string, key: string): string {
  return `AAMk${digest(`${mailbox}\u0000${key}`).toString('base64url')}`
}

export function randomItemId(): string {
  return `AAMk${randomBytes(32).toString('base64url')}`
}

const CHANGE_KEY_SALT = randomBytes(6)
let changeCounter = 0

/**
 * A fresh change key (Outlook's are opaque base64 strings that change on every write): a per-process
 * random salt plus a counter, so keys never repeat and seeding a million items stays cheap.
 */
export function newChangeKey(): string {
  changeCounter += 1
  const key = Buffer.allocUnsafe(12)
  CHANGE_KEY_SALT.copy(key, 0)
  key.writeUIntBE(changeCounter, 6, 6)
  return key.toString('base64')
}

export function randomGuid(): string {
  return stableGuid(randomBytes(16).toString('hex'))
}

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

/** A fresh change key (Outlook's are opaque base64 strings that change on every write). */
export function newChangeKey(): string {
  return randomBytes(12).toString('base64')
}

export function randomGuid(): string {
  return stableGuid(randomBytes(16).toString('hex'))
}

/**
 * Opaque EWS identifiers. Item, occurrence and folder ids are base64 like Exchange's and carry the owning
 * mailbox (so ConvertId and GetItem can route them); change keys are base64 of the item's version.
 */
export type DecodedId =
  | {kind: 'item'; mailbox: string; serial: string}
  | {kind: 'occurrence'; mailbox: string; serial: string; index: number}
  | {kind: 'folder'; mailbox: string; folder: string}

const PREFIX = {item: 'AAMkI', occurrence: 'AAMkO', folder: 'AQMkF'} as const

function pack(kind: keyof typeof PREFIX, parts: string[]): string {
  return PREFIX[kind] + Buffer.from(parts.join('\0'), 'utf8').toString('base64')
}

export function itemId(mailbox: string, serial: string): string {
  return pack('item', [mailbox, serial])
}

export function occurrenceId(mailbox: string, serial: string, index: number): string {
  return pack('occurrence', [mailbox, serial, String(index)])
}

export function folderId(mailbox: string, folder = 'calendar'): string {
  return pack('folder', [mailbox, folder])
}

export function decodeId(id: string): DecodedId | undefined {
  const kind = (Object.keys(PREFIX) as (keyof typeof PREFIX)[]).find((k) => id.startsWith(PREFIX[k]))
  if (!kind) return undefined
  const parts = Buffer.from(id.slice(PREFIX[kind].length), 'base64').toString('utf8').split('\0')
  const [mailbox, second, third] = parts
  if (!mailbox || !second) return undefined
  if (kind === 'item' && parts.length === 2) return {kind, mailbox, serial: second}
  if (kind === 'folder' && parts.length === 2) return {kind, mailbox, folder: second}
  if (kind === 'occurrence' && parts.length === 3 && third !== undefined && /^\d+$/.test(third)) {
    return {kind, mailbox, serial: second, index: Number(third)}
  }
  return undefined
}

export function serialOf(id: string): string {
  const decoded = decodeId(id)
  return decoded && decoded.kind !== 'folder' ? decoded.serial : id
}

/** Exchange-looking change key: a fixed header, a digest of the id, and the version (changes on every write). */
export function changeKey(id: string, version: number): string {
  const key = Buffer.alloc(16)
  key.write('\x0f\0\0\0\x16\0\0\0', 0, 'latin1')
  key.writeUInt32LE(hashId(id), 8)
  key.writeUInt32LE(version, 12)
  return key.toString('base64')
}

function hashId(id: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193)
  return hash >>> 0
}

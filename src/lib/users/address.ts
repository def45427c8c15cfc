/**
 * Mailbox addresses as admins type or export them: trimmed, lower-cased (domains in punycode), and checked
 * to be one address (local@domain) before anything is recorded or sent anywhere.
 */
import {domainOfAddress} from '../domains/index.js'

/** A dot-atom local part (RFC 5322 without quoted strings, which no calendar system issues). */
const LOCAL_PART = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/

/** The address as stored, or undefined when it is not one address. */
export function normaliseAddress(input: string): string | undefined {
  const trimmed = input
    .trim()
    .replace(/^mailto:/i, '')
    .replace(/^smtp:/i, '')
  const at = trimmed.lastIndexOf('@')
  if (at < 1 || trimmed.length > 254) return undefined
  const local = trimmed.slice(0, at).toLowerCase()
  const domain = domainOfAddress(trimmed)
  if (!domain || local.length > 64 || !LOCAL_PART.test(local)) return undefined
  return `${local}@${domain}`
}

/**
 * XML plumbing for the EWS emulator: one tolerant parser (namespace prefixes dropped, attributes kept) and
 * the small helpers that read the parsed tree and escape text into responses.
 */
import {XMLParser} from 'fast-xml-parser'

export const NS = {
  soap: 'http://schemas.xmlsoap.org/soap/envelope/',
  types: 'http://schemas.microsoft.com/exchange/services/2006/types',
  messages: 'http://schemas.microsoft.com/exchange/services/2006/messages',
  errors: 'http://schemas.microsoft.com/exchange/services/2006/errors',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  xsd: 'http://www.w3.org/2001/XMLSchema',
} as const

/** A parsed element: child elements by local name, attributes as `@_Name`, text as `#text`. */
export type XmlNode = Record<string, unknown>

// Elements that may repeat in the requests we read; always parsed as arrays so callers need one code path.
const REPEATED = new Set([
  'ItemChange',
  'SetItemField',
  'DeleteItemField',
  'AppendToItemField',
  'ItemId',
  'OccurrenceItemId',
  'RecurringMasterItemId',
  'FolderId',
  'DistinguishedFolderId',
  'FieldURI',
  'ExtendedFieldURI',
  'IndexedFieldURI',
  'ExtendedProperty',
  'Attendee',
  'MailboxData',
  'EventType',
  'SubscriptionId',
  'AlternateId',
  'CalendarItem',
  'Setting',
  'Mailbox',
])

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  // Decodes numeric character references (&#60;) as any XML parser does.
  htmlEntities: true,
  isArray: (name) => REPEATED.has(name),
})

export class XmlSyntaxError extends Error {
  override name = 'XmlSyntaxError'
}

export function parseXml(text: string): XmlNode {
  try {
    return parser.parse(text, true) as XmlNode
  } catch (error) {
    throw new XmlSyntaxError((error as Error).message)
  }
}

export function child(node: unknown, name: string): XmlNode | undefined {
  if (!node || typeof node !== 'object') return undefined
  const value = (node as XmlNode)[name]
  if (Array.isArray(value)) return asNode(value[0])
  return asNode(value)
}

export function children(node: unknown, name: string): XmlNode[] {
  if (!node || typeof node !== 'object') return []
  const value = (node as XmlNode)[name]
  if (value === undefined) return []
  return (Array.isArray(value) ? value : [value]).map((item) => asNode(item) ?? {})
}

function asNode(value: unknown): XmlNode | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value === 'object') return value as XmlNode
  return {'#text': String(value)}
}

/** Text content of an element (or of a named child). */
export function text(node: unknown, name?: string): string | undefined {
  const target = name === undefined ? node : (node as XmlNode | undefined)?.[name]
  const first = Array.isArray(target) ? target[0] : target
  if (first === undefined || first === null) return undefined
  if (typeof first !== 'object') return String(first)
  const value = (first as XmlNode)['#text']
  if (value === undefined) return ''
  return String(value)
}

export function attr(node: XmlNode | undefined, name: string): string | undefined {
  const value = node?.[`@_${name}`]
  return value === undefined ? undefined : String(value)
}

export function escapeXml(value: string): string {
  return value.replace(/[<>&"']/g, (c) =>
    c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : c === '"' ? '&quot;' : '&apos;',
  )
}

/** `<t:Name>text</t:Name>`, or nothing when the value is undefined. */
export function el(name: string, value: string | number | boolean | undefined): string {
  if (value === undefined) return ''
  return `<${name}>${escapeXml(String(value))}</${name}>`
}

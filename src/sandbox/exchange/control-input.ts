/**
 * Reads the JSON bodies of the /_sandbox/exchange/ control routes into checked values, so a wrong type is
 * a 400 naming the field rather than a crash later in an EWS response.
 */
import type {ExItem, OofSettings} from './model.js'
import type {ServerVersion} from './policy.js'

export class ControlInputError extends Error {
  override name = 'ControlInputError'
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

/** What an end user may set on a calendar item; times are epoch ms. */
export interface ItemEdit {
  subject?: string
  location?: string
  body?: string
  bodyType?: ExItem['bodyType']
  start?: number
  end?: number
  attendees?: string[]
  /** The organiser cancelled the meeting (this copy shows IsCancelled); on an occurrence, that occurrence is deleted. */
  cancelled?: boolean
  /** A new recurring series (POST only). */
  recurrence?: {freq: 'DAILY' | 'WEEKLY'; interval: number; count: number}
}

const ITEM_FIELDS = new Set([
  'subject',
  'location',
  'body',
  'bodyType',
  'start',
  'end',
  'attendees',
  'cancelled',
  'recurrence',
])

function readRecurrence(value: unknown, code: string): ItemEdit['recurrence'] {
  if (value === undefined) return undefined
  const input = record(value, code)
  const {freq, interval = 1, count} = input
  if ((freq !== 'DAILY' && freq !== 'WEEKLY') || !Number.isInteger(interval) || !Number.isInteger(count))
    throw new ControlInputError(
      code,
      'recurrence must be {freq: "DAILY"|"WEEKLY", interval?: integer, count: integer}.',
    )
  if ((interval as number) < 1 || (count as number) < 1 || (count as number) > 999)
    throw new ControlInputError(code, 'recurrence interval must be >= 1 and count 1..999.')
  return {freq, interval: interval as number, count: count as number}
}

function record(value: unknown, code: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new ControlInputError(code, 'The body must be a JSON object.')
  return value as Record<string, unknown>
}

function optionalString(input: Record<string, unknown>, field: string, code: string): string | undefined {
  const value = input[field]
  if (value === undefined || typeof value === 'string') return value
  throw new ControlInputError(code, `${field} must be a string.`)
}

function optionalInstant(input: Record<string, unknown>, field: string, code: string): number | undefined {
  const value = optionalString(input, field, code)
  if (value === undefined) return undefined
  const ms = Date.parse(value)
  if (Number.isNaN(ms)) throw new ControlInputError(code, `${field} must be an ISO instant, e.g. 2030-01-07T09:00:00Z.`)
  return ms
}

/** One item edit (PATCH) or new item (POST, where start and end are required). */
export function readItemEdit(body: unknown, options: {create: boolean}): ItemEdit {
  const code = 'invalid_item'
  const input = record(body, code)
  const unknown = Object.keys(input).find((key) => !ITEM_FIELDS.has(key))
  if (unknown !== undefined)
    throw new ControlInputError(code, `Unknown field "${unknown}"; known: ${[...ITEM_FIELDS].join(', ')}.`)
  const bodyType = input.bodyType
  if (bodyType !== undefined && bodyType !== 'HTML' && bodyType !== 'Text')
    throw new ControlInputError(code, 'bodyType must be "HTML" or "Text".')
  const attendees = input.attendees
  if (attendees !== undefined && !(Array.isArray(attendees) && attendees.every((a) => typeof a === 'string')))
    throw new ControlInputError(code, 'attendees must be an array of email addresses.')
  const edit: ItemEdit = {
    subject: optionalString(input, 'subject', code),
    location: optionalString(input, 'location', code),
    body: optionalString(input, 'body', code),
    bodyType,
    start: optionalInstant(input, 'start', code),
    end: optionalInstant(input, 'end', code),
    attendees,
    cancelled: readCancelled(input.cancelled, code),
    recurrence: readRecurrence(input.recurrence, code),
  }
  if (!options.create && edit.recurrence)
    throw new ControlInputError(code, 'recurrence can only be given when creating an item.')
  if (options.create && edit.cancelled !== undefined)
    throw new ControlInputError(code, 'cancelled applies to an existing item or occurrence.')
  if (options.create && (edit.start === undefined || edit.end === undefined))
    throw new ControlInputError(code, 'start and end (ISO instants) are required.')
  return edit
}

function readCancelled(value: unknown, code: string): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value
  throw new ControlInputError(code, 'cancelled must be true or false.')
}

/** The item's times after an edit must still have end >= start, as any calendar client enforces. */
export function checkTimes(start: number, end: number): void {
  if (end < start) throw new ControlInputError('invalid_item', 'end must not be before start.')
}

export function readOof(body: unknown): OofSettings {
  const code = 'invalid_oof'
  const input = record(body, code)
  const state = input.state
  if (state !== 'Enabled' && state !== 'Disabled' && state !== 'Scheduled')
    throw new ControlInputError(code, 'state must be Enabled, Disabled or Scheduled.')
  const internalReply = optionalString(input, 'internalReply', code) ?? ''
  const start = optionalInstant(input, 'start', code)
  const end = optionalInstant(input, 'end', code)
  return {
    state,
    start: start === undefined ? undefined : new Date(start).toISOString(),
    end: end === undefined ? undefined : new Date(end).toISOString(),
    internalReply,
    externalReply: optionalString(input, 'externalReply', code) ?? internalReply,
  }
}

const BUILD = /^(\d{1,2})\.(\d{1,2})\.(\d{1,5})\.(\d{1,5})$/

/**
 * The schema a build speaks when the body names none: Exchange 2013 answers Exchange2013_SP1, 2016 and
 * later V2017_07_11, older ones their own release's schema name.
 */
function schemaOf(major: number, minor: number): string {
  if (major < 14) return 'Exchange2007_SP1'
  if (major === 14) return 'Exchange2010_SP2'
  return minor === 0 ? 'Exchange2013_SP1' : 'V2017_07_11'
}

/** `{version: "15.1.2507.6", schema?}`: the build ServerVersionInfo reports (e.g. to play Exchange 2016). */
export function readServerVersion(value: unknown): ServerVersion {
  const input = record(value, 'invalid_settings')
  const match = typeof input.version === 'string' ? BUILD.exec(input.version) : null
  if (!match) throw new ControlInputError('invalid_settings', 'version must be a build like "15.2.2562.17".')
  const [major, minor, build, minorBuild] = match.slice(1).map(Number) as [number, number, number, number]
  const schema = optionalString(input, 'schema', 'invalid_settings') ?? schemaOf(major, minor)
  return {major, minor, build, minorBuild, schema}
}

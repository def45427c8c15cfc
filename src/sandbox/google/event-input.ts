/**
 * Applies an event resource sent to insert / update / patch onto the stored meeting, with Calendar's
 * rules: patch merges extendedProperties key by key, update replaces them; conferenceData only counts with
 * conferenceDataVersion=1; a time change bumps `sequence`; an empty time range is refused.
 */
import {randomBytes} from 'node:crypto'

import {apiErrors} from './errors.js'
import type {CalendarEntry, InstanceOverride, Meeting, ResponseStatus, StoredAttendee} from './model.js'
import {parseRecurrence} from './recurrence.js'
import {zoneOffsetMs} from './zones.js'

export type WriteMode = 'insert' | 'update' | 'patch'

const PASSTHROUGH_FIELDS = [
  'colorId',
  'guestsCanModify',
  'guestsCanInviteOthers',
  'guestsCanSeeOtherGuests',
  'anyoneCanAddSelf',
  'source',
  'reminders',
]
const RESPONSES: ReadonlySet<string> = new Set(['needsAction', 'declined', 'tentative', 'accepted'])
const EVENT_ID = /^[a-v0-9]{5,1024}$/

interface EventTimeInput {
  date?: string
  dateTime?: string
  timeZone?: string
}

/** Parses an EventDateTime into an instant; local date-times need `timeZone`, as Calendar requires. */
export function parseEventTime(
  input: unknown,
  which: 'start' | 'end',
): {ms: number; allDay: boolean; timeZone?: string} {
  if (!input || typeof input !== 'object') throw apiErrors.required(`${which} time`)
  const time = input as EventTimeInput
  if (time.date) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(time.date)) throw apiErrors.invalid(`Invalid ${which} time.`)
    return {ms: Date.parse(`${time.date}T00:00:00Z`), allDay: true}
  }
  if (!time.dateTime) throw apiErrors.required(`${which} time`)
  const hasOffset = /(Z|[+-]\d{2}:\d{2})$/i.test(time.dateTime)
  if (hasOffset) {
    const ms = Date.parse(time.dateTime)
    if (Number.isNaN(ms)) throw apiErrors.invalid(`Invalid ${which} time.`)
    return time.timeZone ? {ms, allDay: false, timeZone: time.timeZone} : {ms, allDay: false}
  }
  if (!time.timeZone) throw apiErrors.badRequest('Missing time zone definition for start time.')
  const wall = Date.parse(`${time.dateTime}Z`)
  if (Number.isNaN(wall)) throw apiErrors.invalid(`Invalid ${which} time.`)
  let ms = wall - zoneOffsetMs(wall, time.timeZone)
  ms = wall - zoneOffsetMs(ms, time.timeZone)
  return {ms, allDay: false, timeZone: time.timeZone}
}

function parseAttendees(input: unknown): StoredAttendee[] {
  if (!Array.isArray(input)) throw apiErrors.invalid('Invalid attendee list.')
  return input.map((raw: unknown) => {
    const attendee = (raw ?? {}) as Record<string, unknown>
    if (typeof attendee.email !== 'string' || !attendee.email.includes('@')) {
      throw apiErrors.invalid('Invalid attendee email.')
    }
    const response = typeof attendee.responseStatus === 'string' ? attendee.responseStatus : 'needsAction'
    if (!RESPONSES.has(response)) throw apiErrors.invalid('Invalid attendee response status.')
    const stored: StoredAttendee = {email: attendee.email.toLowerCase(), responseStatus: response as ResponseStatus}
    if (typeof attendee.displayName === 'string') stored.displayName = attendee.displayName
    if (attendee.resource === true) stored.resource = true
    if (attendee.optional === true) stored.optional = true
    if (typeof attendee.comment === 'string') stored.comment = attendee.comment
    return stored
  })
}

export function stringMap(
  input: unknown,
  merge: Record<string, string> | undefined,
): Record<string, string> | undefined {
  if (input === null) return undefined
  if (typeof input !== 'object' || Array.isArray(input)) throw apiErrors.invalid('Invalid extended property.')
  const updates = Object.entries(input as Record<string, unknown>)
  const removed = new Set(updates.filter(([, value]) => value === null).map(([key]) => key))
  const result: Record<string, string> = Object.fromEntries(
    Object.entries(merge ?? {}).filter(([key]) => !removed.has(key)),
  )
  for (const [key, value] of updates) if (value !== null) result[key] = String(value)
  return Object.keys(result).length > 0 ? result : undefined
}

function conference(input: unknown): Record<string, unknown> | undefined {
  if (input === null) return undefined
  if (typeof input !== 'object' || Array.isArray(input)) throw apiErrors.invalid('Invalid conference data.')
  const data = {...(input as Record<string, unknown>)}
  const create = data.createRequest as {requestId?: string; conferenceSolutionKey?: {type?: string}} | undefined
  if (create && !data.entryPoints) {
    if (!create.requestId) throw apiErrors.invalid('Invalid conference create request.')
    if (create.conferenceSolutionKey?.type !== 'hangoutsMeet') throw apiErrors.invalid('Invalid conference type value.')
    const letters = Array.from(randomBytes(10), (byte) => String.fromCharCode(97 + (byte % 26))).join('')
    const code = `${letters.slice(0, 3)}-${letters.slice(3, 7)}-${letters.slice(7, 10)}`
    data.createRequest = {...create, status: {statusCode: 'success'}}
    data.entryPoints = [
      {entryPointType: 'video', uri: `https://meet.google.com/${code}`, label: `meet.google.com/${code}`},
    ]
    data.conferenceSolution = {key: {type: 'hangoutsMeet'}, name: 'Google Meet'}
    data.conferenceId = code
  }
  return data
}

export interface ApplyOptions {
  mode: WriteMode
  conferenceDataVersion: number
}

/** Mutates the meeting and this calendar's entry; returns the attendee emails before the change. */
export function applyEventBody(
  meeting: Meeting,
  entry: CalendarEntry | undefined,
  body: Record<string, unknown>,
  options: ApplyOptions,
): string[] {
  const previousAttendees = meeting.attendees.map((attendee) => attendee.email)
  const replace = options.mode !== 'patch'
  const has = (field: string) => body[field] !== undefined

  for (const field of ['summary', 'description', 'location'] as const) {
    if (has(field)) meeting[field] = body[field] === null ? '' : String(body[field])
    else if (options.mode === 'update') meeting[field] = ''
  }
  if (replace || has('start') || has('end')) {
    const start = parseEventTime(body.start ?? (options.mode === 'patch' ? startInput(meeting) : undefined), 'start')
    const end = parseEventTime(body.end ?? (options.mode === 'patch' ? endInput(meeting) : undefined), 'end')
    if (start.allDay !== end.allDay || end.ms <= start.ms) throw apiErrors.timeRangeEmpty()
    if (options.mode !== 'insert' && (start.ms !== meeting.startMs || end.ms !== meeting.endMs)) meeting.sequence++
    meeting.startMs = start.ms
    meeting.endMs = end.ms
    meeting.allDay = start.allDay
    if (start.timeZone) meeting.timeZone = start.timeZone
  }
  if (has('attendees')) meeting.attendees = body.attendees === null ? [] : parseAttendees(body.attendees)
  else if (options.mode === 'update') meeting.attendees = []
  if (has('recurrence') || options.mode === 'update') {
    const rule = parseRecurrence(body.recurrence)
    if (rule) {
      meeting.recurrence = rule
      meeting.recurrenceLines = body.recurrence as string[]
    } else {
      delete meeting.recurrence
      delete meeting.recurrenceLines
    }
  }
  if (has('status')) {
    const status = String(body.status)
    if (status !== 'confirmed' && status !== 'tentative' && status !== 'cancelled')
      throw apiErrors.invalid('Invalid status value.')
    meeting.status = status
  }
  if (has('visibility')) {
    const visibility = String(body.visibility)
    if (!['default', 'public', 'private', 'confidential'].includes(visibility))
      throw apiErrors.invalid('Invalid visibility value.')
    meeting.visibility = visibility as Meeting['visibility']
  }
  if (has('transparency')) meeting.transparency = body.transparency === 'transparent' ? 'transparent' : 'opaque'
  applyExtendedProperties(meeting, entry, body.extendedProperties, replace)
  if (options.conferenceDataVersion >= 1 && has('conferenceData')) {
    const data = conference(body.conferenceData)
    if (data) meeting.conferenceData = data
    else delete meeting.conferenceData
  }
  for (const field of PASSTHROUGH_FIELDS) {
    if (!has(field)) continue
    meeting.extraFields = {...(meeting.extraFields ?? {}), [field]: body[field]}
  }
  return previousAttendees
}

function applyExtendedProperties(
  meeting: Meeting,
  entry: CalendarEntry | undefined,
  input: unknown,
  replace: boolean,
): void {
  if (input === undefined) {
    if (replace) {
      delete meeting.sharedProperties
      if (entry) delete entry.privateProperties
    }
    return
  }
  const properties = (input ?? {}) as {private?: unknown; shared?: unknown}
  if (properties.shared !== undefined || replace) {
    const shared =
      properties.shared === undefined
        ? undefined
        : stringMap(properties.shared, replace ? undefined : meeting.sharedProperties)
    if (shared) meeting.sharedProperties = shared
    else delete meeting.sharedProperties
  }
  if (entry && (properties.private !== undefined || replace)) {
    const own =
      properties.private === undefined
        ? undefined
        : stringMap(properties.private, replace ? undefined : entry.privateProperties)
    if (own) entry.privateProperties = own
    else delete entry.privateProperties
  }
}

function startInput(meeting: Meeting): EventTimeInput {
  return meeting.allDay
    ? {date: new Date(meeting.startMs).toISOString().slice(0, 10)}
    : {dateTime: new Date(meeting.startMs).toISOString()}
}

function endInput(meeting: Meeting): EventTimeInput {
  return meeting.allDay
    ? {date: new Date(meeting.endMs).toISOString().slice(0, 10)}
    : {dateTime: new Date(meeting.endMs).toISOString()}
}

export function validateClientEventId(id: unknown): string | undefined {
  if (id === undefined || id === null) return undefined
  if (typeof id !== 'string' || !EVENT_ID.test(id)) throw apiErrors.invalid('Invalid resource id value.')
  return id
}

/** Patch / update of one occurrence: only what an exception can carry. */
export function applyOccurrenceBody(
  override: InstanceOverride,
  body: Record<string, unknown>,
  durationMs: number,
  originalStartMs: number,
): void {
  if (typeof body.summary === 'string') override.summary = body.summary
  if (typeof body.location === 'string') override.location = body.location
  if (typeof body.description === 'string') override.description = body.description
  if (body.status === 'cancelled') override.cancelled = true
  if (body.start !== undefined || body.end !== undefined) {
    const start =
      body.start !== undefined ? parseEventTime(body.start, 'start').ms : (override.startMs ?? originalStartMs)
    const end = body.end !== undefined ? parseEventTime(body.end, 'end').ms : start + durationMs
    if (end <= start) throw apiErrors.timeRangeEmpty()
    override.startMs = start
    override.endMs = end
  }
  override.updatedMs = Date.now()
}

/**
 * The private properties an occurrence patch leaves on that occurrence (merged key by key into what it shows
 * now: its own, else the series'), or undefined when the body does not touch them. Validates before any change.
 */
export function occurrencePrivateProperties(
  entry: CalendarEntry,
  originalStartMs: number,
  input: unknown,
): Record<string, string> | undefined {
  if (input === undefined) return undefined
  if (input === null || typeof input !== 'object' || Array.isArray(input))
    throw apiErrors.invalid('Invalid extended property.')
  const given = (input as {private?: unknown}).private
  if (given === undefined) return undefined
  const current = entry.occurrenceProperties?.get(originalStartMs) ?? entry.privateProperties
  return stringMap(given, current) ?? {}
}

/** Applies a write to a copy first, so a refused body leaves the stored meeting and entry untouched. */
export function applyEventBodyAtomically(
  meeting: Meeting,
  entry: CalendarEntry | undefined,
  body: Record<string, unknown>,
  options: ApplyOptions,
): string[] {
  const draft = structuredClone(meeting)
  const draftEntry = entry
    ? {...entry, privateProperties: entry.privateProperties && {...entry.privateProperties}}
    : undefined
  const previous = applyEventBody(draft, draftEntry, body, options)
  for (const key of Object.keys(meeting) as (keyof Meeting)[]) if (!(key in draft)) Reflect.deleteProperty(meeting, key)
  Object.assign(meeting, draft)
  if (entry && draftEntry) entry.privateProperties = draftEntry.privateProperties
  return previous
}

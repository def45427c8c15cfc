/**
 * Google Calendar v3 events to core's CalendarEvent, and hcal's patch to an event body. Pure: no I/O.
 *
 * Decisions worth knowing:
 * - `description` is one string that Google's own UI writes as HTML (`<br>`, `<a href>`, `<b>`) and API
 *   clients often as plain text. It is read as `html` when it contains markup and `text` otherwise, so core
 *   inserts a block in the same form the description already has.
 * - Times: `dateTime` carries its offset (RFC 3339), so the instant never depends on our tz database; an
 *   all-day `date` is midnight UTC of that date (core's convention). A zone the platform does not know makes
 *   the event unreadable, as does a missing start or end: reported per event, never a failed page.
 * - The mailbox owner's response: `organizer` when the calendar is the organiser's, else the response of
 *   the attendee entry that is this calendar (`self`, or the address), else `needsAction`.
 * - hcal's marker lives in `extendedProperties.private` (per calendar: the attendees' copies never see it)
 *   under keys prefixed `hcal`.
 */
import type {calendar_v3} from '@googleapis/calendar'

import type {
  Attendee,
  BodyType,
  CalendarEvent,
  HcalMarker,
  ResponseStatus,
  Sensitivity,
  StructuredConference,
} from '../../../core/model.js'
import type {EventPatch} from '../../../ports/calendar.js'

export type GoogleEvent = calendar_v3.Schema$Event

/** extendedProperties.private keys of hcal's marker. */
export const MARKER_KEYS = {version: 'hcalVersion', hash: 'hcalHash', keyword: 'hcalKeyword'} as const

/** An event that cannot be read into the model, and why. */
export class UnreadableEvent extends Error {}

const RESPONSES: ReadonlySet<string> = new Set(['accepted', 'declined', 'tentative', 'needsAction'])
const MARKUP = /<\/?(?:a|b|i|u|br|p|div|span|ul|ol|li|strong|em|html|body|h[1-6]|table|font)\b[^>]*>/i

export function bodyTypeOf(description: string): BodyType {
  return MARKUP.test(description) ? 'html' : 'text'
}

const knownZones = new Map<string, boolean>()

export function isKnownTimeZone(zone: string): boolean {
  let known = knownZones.get(zone)
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', {timeZone: zone})
      known = true
    } catch {
      known = false
    }
    if (knownZones.size > 1000) knownZones.clear()
    knownZones.set(zone, known)
  }
  return known
}

interface Instant {
  iso: string
  allDay: boolean
  timeZone?: string
}

function instant(time: calendar_v3.Schema$EventDateTime | undefined, which: string): Instant {
  if (time?.date) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(time.date)) throw new UnreadableEvent(`its ${which} date "${time.date}" is invalid`)
    return {iso: new Date(`${time.date}T00:00:00Z`).toISOString(), allDay: true}
  }
  if (!time?.dateTime) throw new UnreadableEvent(`it has no ${which}`)
  const zone = time.timeZone ?? undefined
  if (zone && !isKnownTimeZone(zone)) throw new UnreadableEvent(`its ${which} time zone "${zone}" is unknown`)
  // Google always writes the offset; a local time without one cannot be placed.
  const ms = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(time.dateTime) ? Date.parse(time.dateTime) : Number.NaN
  if (Number.isNaN(ms)) throw new UnreadableEvent(`its ${which} "${time.dateTime}" is not an RFC 3339 instant`)
  return {iso: new Date(ms).toISOString(), allDay: false, ...(zone ? {timeZone: zone} : {})}
}

function responseOf(value: string | null | undefined): ResponseStatus {
  return value && RESPONSES.has(value) ? (value as ResponseStatus) : 'needsAction'
}

function sensitivityOf(visibility: string | null | undefined): Sensitivity {
  if (visibility === 'private') return 'private'
  if (visibility === 'confidential') return 'confidential'
  return 'normal'
}

function conferenceOf(event: GoogleEvent): StructuredConference[] {
  const data = event.conferenceData
  if (!data) return event.hangoutLink ? [{solution: 'hangoutsMeet', url: event.hangoutLink}] : []
  const points = data.entryPoints ?? []
  const url = points.find((point) => point.entryPointType === 'video')?.uri ?? event.hangoutLink ?? undefined
  const sip = points.find((point) => point.entryPointType === 'sip')?.uri?.replace(/^sip:/i, '')
  const solution = data.conferenceSolution?.key?.type ?? undefined
  if (!url && !sip && !solution) return []
  return [{...(solution ? {solution} : {}), ...(url ? {url} : {}), ...(sip ? {sip} : {})}]
}

export function markerOf(event: GoogleEvent): HcalMarker | undefined {
  const properties = event.extendedProperties?.private
  const hash = properties?.[MARKER_KEYS.hash]
  const version = Number(properties?.[MARKER_KEYS.version])
  // A marker someone else half-wrote is no marker: hcal then decides from the body alone.
  if (!properties || !hash || !Number.isInteger(version)) return undefined
  return {version, hash, keyword: properties[MARKER_KEYS.keyword] ?? null}
}

function attendeesOf(event: GoogleEvent): Attendee[] {
  return (event.attendees ?? [])
    .filter((attendee) => attendee.email)
    .map((attendee) => ({
      email: String(attendee.email).toLowerCase(),
      ...(attendee.displayName ? {name: attendee.displayName} : {}),
      response: responseOf(attendee.responseStatus),
      isRoom: attendee.resource === true,
      ...(attendee.optional ? {optional: true} : {}),
    }))
}

function myResponseOf(event: GoogleEvent, mailbox: string, attendees: Attendee[]): ResponseStatus {
  if (event.organizer?.self || event.organizer?.email?.toLowerCase() === mailbox) return 'organizer'
  const own = event.attendees?.find((attendee) => attendee.self)?.email?.toLowerCase() ?? mailbox
  return attendees.find((attendee) => attendee.email === own)?.response ?? 'needsAction'
}

export interface MapContext {
  mailbox: string
  /** The calendar's own zone (events.list `timeZone`), for events that name none. */
  calendarTimeZone?: string
}

/** The event in core's model; throws UnreadableEvent for data that cannot be read (no start, unknown zone). */
export function toCalendarEvent(event: GoogleEvent, context: MapContext): CalendarEvent {
  if (!event.id) throw new UnreadableEvent('it has no id')
  const start = instant(event.start, 'start')
  const end = instant(event.end, 'end')
  const status = event.status === 'tentative' || event.status === 'cancelled' ? event.status : 'confirmed'
  const body = event.description ?? ''
  const attendees = attendeesOf(event)
  const organizerEmail = (event.organizer?.email ?? event.creator?.email ?? context.mailbox).toLowerCase()
  const organizerName = event.organizer?.displayName ?? undefined
  const timeZone = start.timeZone ?? end.timeZone ?? context.calendarTimeZone
  const original = event.originalStartTime ? instant(event.originalStartTime, 'original start') : undefined
  const marker = markerOf(event)
  return {
    id: event.id,
    provider: 'google',
    mailbox: context.mailbox,
    ...(event.recurringEventId ? {seriesId: event.recurringEventId} : {}),
    ...(original ? {originalStart: original.iso} : {}),
    title: event.summary ?? '',
    location: event.location ?? '',
    body,
    bodyType: bodyTypeOf(body),
    start: start.iso,
    end: end.iso,
    allDay: start.allDay,
    ...(timeZone && isKnownTimeZone(timeZone) ? {timeZone} : {}),
    organizer: {email: organizerEmail, ...(organizerName ? {name: organizerName} : {})},
    attendees,
    status,
    myResponse: myResponseOf(event, context.mailbox, attendees),
    sensitivity: sensitivityOf(event.visibility),
    conference: conferenceOf(event),
    ...(marker ? {marker} : {}),
    changeToken: event.etag ?? '',
    ...(event.updated ? {updated: new Date(event.updated).toISOString()} : {}),
  }
}

/** The events.patch body for hcal's patch: only the description, the location and the marker's keys. */
export function patchBody(patch: EventPatch): GoogleEvent {
  const body: GoogleEvent = {}
  if (patch.body) body.description = patch.body.content
  if (patch.location !== undefined) body.location = patch.location
  if (patch.marker !== undefined) {
    const marker = patch.marker
    // events.patch merges private properties key by key; null removes a key.
    const values: Record<string, string | null> = marker
      ? {
          [MARKER_KEYS.version]: String(marker.version),
          [MARKER_KEYS.hash]: marker.hash,
          [MARKER_KEYS.keyword]: marker.keyword,
        }
      : {[MARKER_KEYS.version]: null, [MARKER_KEYS.hash]: null, [MARKER_KEYS.keyword]: null}
    body.extendedProperties = {private: values as Record<string, string>}
  }
  return body
}

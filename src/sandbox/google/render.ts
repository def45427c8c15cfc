/** Event resources as Calendar v3 returns them, seen from one calendar. */
import type {Calendar, CalendarEntry, Meeting} from './model.js'
import {formatRrule, instanceId, type Occurrence} from './recurrence.js'
import {zoneOffsetMs} from './zones.js'

const HOUR_MS = 3_600_000
/** Zone offsets by zone, then UTC hour: offsets only change on hour boundaries in practice. */
const offsets = new Map<string, Map<number, number>>()

function offsetMinutes(ms: number, timeZone: string): number {
  const hour = Math.floor(ms / HOUR_MS)
  let byHour = offsets.get(timeZone)
  if (!byHour) {
    byHour = new Map()
    offsets.set(timeZone, byHour)
  }
  let offset = byHour.get(hour)
  if (offset === undefined) {
    offset = Math.round(zoneOffsetMs(hour * HOUR_MS, timeZone) / 60_000)
    if (byHour.size > 100_000) byHour.clear()
    byHour.set(hour, offset)
  }
  return offset
}

/** RFC 3339 with the zone's offset, the way Calendar writes `dateTime` (e.g. 2026-11-23T10:00:00+01:00). */
export function formatDateTime(ms: number, timeZone: string): string {
  const seconds = Math.floor(ms / 1000) * 1000
  if (timeZone === 'UTC') return `${new Date(seconds).toISOString().slice(0, 19)}Z`
  const minutes = offsetMinutes(seconds, timeZone)
  const wall = new Date(seconds + minutes * 60_000).toISOString().slice(0, 19)
  const sign = minutes < 0 ? '-' : '+'
  const abs = Math.abs(minutes)
  return `${wall}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`
}

function eventTime(ms: number, meeting: Meeting, calendar: Calendar): Record<string, string> {
  if (meeting.allDay) return {date: new Date(ms).toISOString().slice(0, 10)}
  return {dateTime: formatDateTime(ms, calendar.timeZone), timeZone: meeting.timeZone}
}

function isoMs(ms: number): string {
  return new Date(ms).toISOString()
}

export function etagString(etag: number): string {
  return `"${etag}"`
}

function attendees(meeting: Meeting, calendar: Calendar) {
  return meeting.attendees.map((attendee) => {
    const rendered: Record<string, unknown> = {email: attendee.email}
    if (attendee.displayName) rendered.displayName = attendee.displayName
    if (attendee.email === meeting.organizer) rendered.organizer = true
    if (attendee.email === calendar.owner) rendered.self = true
    if (attendee.resource) rendered.resource = true
    if (attendee.optional) rendered.optional = true
    rendered.responseStatus = attendee.responseStatus
    if (attendee.comment) rendered.comment = attendee.comment
    return rendered
  })
}

function baseEvent(calendar: Calendar, entry: CalendarEntry, origin: string): Record<string, unknown> {
  const meeting = entry.meeting
  const event: Record<string, unknown> = {
    kind: 'calendar#event',
    etag: etagString(entry.etag),
    id: meeting.id,
    status: meeting.status,
    htmlLink: `${origin}/calendar/event?eid=${Buffer.from(`${meeting.id} ${calendar.owner}`).toString('base64url')}`,
    created: isoMs(meeting.createdMs),
    updated: isoMs(Math.max(entry.updatedMs, meeting.updatedMs)),
    summary: meeting.summary,
  }
  if (meeting.description) event.description = meeting.description
  if (meeting.location) event.location = meeting.location
  event.creator = {email: meeting.organizer, ...(meeting.organizer === calendar.owner ? {self: true} : {})}
  event.organizer = {email: meeting.organizer, ...(meeting.organizer === calendar.owner ? {self: true} : {})}
  return event
}

function decorate(
  event: Record<string, unknown>,
  calendar: Calendar,
  entry: CalendarEntry,
  privateProperties = entry.privateProperties,
): Record<string, unknown> {
  const meeting = entry.meeting
  if (meeting.transparency === 'transparent') event.transparency = 'transparent'
  if (meeting.visibility !== 'default') event.visibility = meeting.visibility
  event.iCalUID = meeting.iCalUID
  event.sequence = meeting.sequence
  if (meeting.attendees.length > 0) event.attendees = attendees(meeting, calendar)
  const hasPrivate = privateProperties !== undefined && Object.keys(privateProperties).length > 0
  if (hasPrivate || meeting.sharedProperties) {
    const properties: Record<string, Record<string, string>> = {}
    if (hasPrivate) properties.private = {...privateProperties}
    if (meeting.sharedProperties) properties.shared = {...meeting.sharedProperties}
    event.extendedProperties = properties
  }
  if (meeting.conferenceData) {
    event.conferenceData = meeting.conferenceData
    const entryPoints = meeting.conferenceData.entryPoints
    const video = Array.isArray(entryPoints)
      ? (entryPoints as {entryPointType?: string; uri?: string}[]).find((point) => point.entryPointType === 'video')
      : undefined
    if (video?.uri?.startsWith('https://meet.google.com/')) event.hangoutLink = video.uri
  }
  event.reminders = {useDefault: true}
  event.eventType = 'default'
  if (meeting.extraFields) Object.assign(event, meeting.extraFields)
  for (const [field, value] of Object.entries(meeting.wireOverrides ?? {})) {
    if (value === null) Reflect.deleteProperty(event, field)
    else event[field] = value
  }
  return event
}

/** The event itself: a single event, or a series master with its `recurrence`. */
export function renderEvent(calendar: Calendar, entry: CalendarEntry, origin: string): Record<string, unknown> {
  if (entry.deleted) return renderCancelled(calendar, entry)
  const meeting = entry.meeting
  const event = baseEvent(calendar, entry, origin)
  event.start = eventTime(meeting.startMs, meeting, calendar)
  event.end = eventTime(meeting.endMs, meeting, calendar)
  if (meeting.recurrence) event.recurrence = meeting.recurrenceLines ?? [formatRrule(meeting.recurrence)]
  return decorate(event, calendar, entry)
}

/** One occurrence of a series (expanded, or an exception listed on its own). */
export function renderOccurrence(
  calendar: Calendar,
  entry: CalendarEntry,
  occurrence: Occurrence,
  origin: string,
): Record<string, unknown> {
  const meeting = entry.meeting
  const override = occurrence.override
  const id = instanceId(meeting, occurrence.originalStartMs)
  const originalStartTime = eventTime(occurrence.originalStartMs, meeting, calendar)
  if (override?.cancelled || entry.deleted || meeting.status === 'cancelled') {
    return {
      kind: 'calendar#event',
      etag: etagString(entry.etag),
      id,
      status: 'cancelled',
      recurringEventId: meeting.id,
      originalStartTime,
    }
  }
  const event = baseEvent(calendar, entry, origin)
  event.id = id
  if (override) {
    event.updated = isoMs(Math.max(override.updatedMs, entry.updatedMs))
    if (override.summary !== undefined) event.summary = override.summary
    if (override.location !== undefined) event.location = override.location
    if (override.description !== undefined) event.description = override.description
  }
  event.start = eventTime(occurrence.startMs, meeting, calendar)
  event.end = eventTime(occurrence.endMs, meeting, calendar)
  event.recurringEventId = meeting.id
  event.originalStartTime = originalStartTime
  return decorate(event, calendar, entry, entry.occurrenceProperties?.get(occurrence.originalStartMs))
}

/** What sync reports for an event gone from this calendar. */
export function renderCancelled(calendar: Calendar, entry: CalendarEntry): Record<string, unknown> {
  const event: Record<string, unknown> = {
    kind: 'calendar#event',
    etag: etagString(entry.etag),
    id: entry.meeting.id,
    status: 'cancelled',
  }
  if (calendar.owner !== entry.meeting.organizer) event.updated = isoMs(entry.updatedMs)
  return event
}

/**
 * EWS calendar items (ews-javascript-api Appointments read with eventShape()) into core's CalendarEvent.
 * An item that cannot be read into the model (no start, end before start, an unreadable property) is an
 * `unreadable` change: reported, skipped, and the rest of the mailbox goes on.
 */
import {
  type Appointment,
  AppointmentType,
  type AttendeeCollection,
  BodyType,
  type DateTime,
  type ExtendedProperty,
  MeetingResponseType,
  Sensitivity as EwsSensitivity,
} from 'ews-javascript-api'

import type {
  Attendee,
  CalendarEvent,
  EventStatus,
  HcalMarker,
  ResponseStatus,
  Sensitivity,
} from '../../../core/model.js'
import type {EventChange} from '../../../ports/calendar.js'
import {parseMarkerJson} from '../../marker-json.js'
import {markerDefinition} from './properties.js'
import {ianaZoneOf} from './zones.js'

const DAY_MS = 86_400_000

class UnreadableItem extends Error {}

const RESPONSES: Record<MeetingResponseType, ResponseStatus> = {
  [MeetingResponseType.Unknown]: 'needsAction',
  [MeetingResponseType.Organizer]: 'organizer',
  [MeetingResponseType.Tentative]: 'tentative',
  [MeetingResponseType.Accept]: 'accepted',
  [MeetingResponseType.Decline]: 'declined',
  [MeetingResponseType.NoResponseReceived]: 'needsAction',
}

// Personal is a privacy flag too (Outlook shows the item as such to delegates): treated as private.
const SENSITIVITIES: Record<EwsSensitivity, Sensitivity> = {
  [EwsSensitivity.Normal]: 'normal',
  [EwsSensitivity.Personal]: 'private',
  [EwsSensitivity.Private]: 'private',
  [EwsSensitivity.Confidential]: 'confidential',
}

function instant(value: DateTime | null | undefined, name: string): number {
  const ms = value?.TotalMilliSeconds
  if (typeof ms !== 'number' || !Number.isFinite(ms)) throw new UnreadableItem(`no ${name}`)
  return ms
}

/** Midnight UTC of the local date `ms` falls on in `zone`. */
function utcMidnightOf(ms: number, zone: string | undefined): number {
  if (!zone) {
    // Exchange stores an all-day item as local midnight in UTC: for offsets within ±12 h, the nearest UTC
    // midnight is that date.
    return Math.round(ms / DAY_MS) * DAY_MS
  }
  const parts = new Intl.DateTimeFormat('en-CA', {timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit'})
    .formatToParts(new Date(ms))
    .reduce<Record<string, string>>((all, part) => ({...all, [part.type]: part.value}), {})
  return Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day))
}

function attendees(
  collection: AttendeeCollection | null | undefined,
  kind: 'required' | 'optional' | 'room',
): Attendee[] {
  if (!collection) return []
  return collection.GetEnumerator().map((a) => ({
    email: (a.Address ?? '').toLowerCase(),
    ...(a.Name ? {name: a.Name} : {}),
    response: RESPONSES[a.ResponseType] ?? 'needsAction',
    isRoom: kind === 'room',
    ...(kind === 'optional' ? {optional: true} : {}),
  }))
}

function readMarker(appointment: Appointment): HcalMarker | undefined {
  const holder = {outValue: null} as unknown as {outValue: ExtendedProperty}
  const found = appointment.ExtendedProperties.TryGetProperty(markerDefinition(), holder)
  return found ? parseMarkerJson((holder.outValue as ExtendedProperty | null)?.Value) : undefined
}

export interface MappingContext {
  mailbox: string
  /** Master ItemId by series UID, for occurrences and exceptions. */
  masters: ReadonlyMap<string, string>
}

export function toCalendarEvent(appointment: Appointment, context: MappingContext): CalendarEvent {
  const id = appointment.Id.UniqueId
  const type = appointment.AppointmentType
  const allDay = appointment.IsAllDayEvent === true
  const timeZone = ianaZoneOf(appointment.TimeZone)
  let start = instant(appointment.Start, 'start')
  let end = instant(appointment.End, 'end')
  if (end < start) throw new UnreadableItem('ends before it starts')
  if (allDay) {
    start = utcMidnightOf(start, timeZone)
    end = Math.max(start + DAY_MS, utcMidnightOf(end, timeZone))
  }
  const isOccurrence = type === AppointmentType.Occurrence || type === AppointmentType.Exception
  const seriesId = isOccurrence ? context.masters.get(appointment.ICalUid) : undefined
  if (isOccurrence && !seriesId) throw new UnreadableItem('an occurrence whose series was not found')
  const originalStart = isOccurrence ? appointment.OriginalStart?.TotalMilliSeconds : undefined
  const organizer = appointment.Organizer
  const body = appointment.Body
  const status: EventStatus = appointment.IsCancelled ? 'cancelled' : 'confirmed'
  const marker = readMarker(appointment)
  const updated = appointment.LastModifiedTime?.TotalMilliSeconds
  return {
    id,
    provider: 'exchange',
    mailbox: context.mailbox,
    ...(seriesId ? {seriesId} : {}),
    ...(typeof originalStart === 'number' ? {originalStart: new Date(originalStart).toISOString()} : {}),
    title: appointment.Subject ?? '',
    location: appointment.Location ?? '',
    body: body?.Text ?? '',
    bodyType: body?.BodyType === BodyType.Text ? 'text' : 'html',
    start: new Date(start).toISOString(),
    end: new Date(end).toISOString(),
    allDay,
    ...(timeZone ? {timeZone} : {}),
    organizer: {
      email: (organizer?.Address ?? '').toLowerCase(),
      ...(organizer?.Name ? {name: organizer.Name} : {}),
    },
    attendees: [
      ...attendees(appointment.RequiredAttendees, 'required'),
      ...attendees(appointment.OptionalAttendees, 'optional'),
      ...attendees(appointment.Resources, 'room'),
    ],
    status,
    myResponse: RESPONSES[appointment.MyResponseType] ?? 'needsAction',
    sensitivity: SENSITIVITIES[appointment.Sensitivity] ?? 'normal',
    conference: [],
    ...(marker ? {marker} : {}),
    changeToken: appointment.Id.ChangeKey,
    ...(typeof updated === 'number' && Number.isFinite(updated) ? {updated: new Date(updated).toISOString()} : {}),
  }
}

/** An upsert, or `unreadable` naming what was wrong with the item. */
export function toChange(appointment: Appointment, context: MappingContext): EventChange {
  try {
    return {type: 'upsert', event: toCalendarEvent(appointment, context)}
  } catch (error) {
    return {
      type: 'unreadable',
      eventId: appointment.Id?.UniqueId ?? '',
      problem: error instanceof Error ? error.message : String(error),
    }
  }
}

/**
 * Graph v1.0 `event` resources mapped to core's CalendarEvent. An event that cannot be read into the model
 * (no start, an unknown time zone, a body too large to be a real invitation) is reported as `unreadable`
 * with the reason, so the rest of the mailbox goes on.
 */
import type {
  Attendee,
  BodyType,
  CalendarEvent,
  EventStatus,
  ResponseStatus,
  Sensitivity,
  StructuredConference,
} from '../../../core/model.js'
import {graphInstant, type GraphDateTime, isIanaZone, isoInstant, UnreadableValue} from './graph-time.js'
import {type ExtendedProperty, readMarker} from './marker.js'

/** The parts of Graph's event resource hcal reads. */
export interface GraphEvent {
  '@odata.etag'?: string
  '@removed'?: {reason?: string}
  id?: string
  changeKey?: string
  lastModifiedDateTime?: string
  type?: 'singleInstance' | 'occurrence' | 'exception' | 'seriesMaster'
  seriesMasterId?: string | null
  originalStart?: string | null
  originalStartTimeZone?: string | null
  subject?: string | null
  body?: {contentType?: string; content?: string} | null
  location?: {displayName?: string | null} | null
  start?: GraphDateTime | null
  end?: GraphDateTime | null
  isAllDay?: boolean
  isCancelled?: boolean
  isOrganizer?: boolean
  showAs?: string
  sensitivity?: string
  responseStatus?: {response?: string} | null
  organizer?: {emailAddress?: {address?: string; name?: string}} | null
  attendees?: {type?: string; status?: {response?: string}; emailAddress?: {address?: string; name?: string}}[] | null
  isOnlineMeeting?: boolean
  onlineMeetingProvider?: string | null
  onlineMeetingUrl?: string | null
  onlineMeeting?: {joinUrl?: string | null; conferenceId?: string | null} | null
  singleValueExtendedProperties?: ExtendedProperty[]
}

/** Larger bodies are not invitations a person wrote; reading them would only cost memory. */
export const MAX_BODY_CHARS = 1_000_000

const RESPONSES: Record<string, ResponseStatus> = {
  accepted: 'accepted',
  declined: 'declined',
  tentativelyAccepted: 'tentative',
  organizer: 'organizer',
  none: 'needsAction',
  notResponded: 'needsAction',
}

const SENSITIVITIES: Record<string, Sensitivity> = {
  normal: 'normal',
  personal: 'private',
  private: 'private',
  confidential: 'confidential',
}

function response(value: string | undefined): ResponseStatus {
  return (value && RESPONSES[value]) || 'needsAction'
}

function status(event: GraphEvent): EventStatus {
  if (event.isCancelled) return 'cancelled'
  return event.showAs === 'tentative' ? 'tentative' : 'confirmed'
}

function attendees(event: GraphEvent): Attendee[] {
  return (event.attendees ?? []).flatMap((attendee) => {
    const email = attendee.emailAddress?.address
    if (!email) return []
    const name = attendee.emailAddress?.name
    return [
      {
        email: email.toLowerCase(),
        ...(name ? {name} : {}),
        response: response(attendee.status?.response),
        isRoom: attendee.type === 'resource',
        ...(attendee.type === 'optional' ? {optional: true} : {}),
      },
    ]
  })
}

function conference(event: GraphEvent): StructuredConference[] {
  const url = event.onlineMeeting?.joinUrl ?? event.onlineMeetingUrl ?? undefined
  if (!url && !event.isOnlineMeeting) return []
  const provider =
    event.onlineMeetingProvider && event.onlineMeetingProvider !== 'unknown' ? event.onlineMeetingProvider : undefined
  return [{...(provider ? {solution: provider} : {}), ...(url ? {url} : {})}]
}

/** All-day events as the model keeps them: midnight UTC of their dates, whatever zone Graph wrote. */
function allDayInstant(value: GraphDateTime | null | undefined, name: string): number {
  const date = /^(\d{4})-(\d{2})-(\d{2})/.exec(value?.dateTime ?? '')
  if (!date) throw new UnreadableValue(`its ${name} is missing or not a date`)
  return Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3]))
}

function bodyType(value: string | undefined): BodyType {
  return value?.toLowerCase() === 'html' ? 'html' : 'text'
}

export type MappedEvent = {ok: true; event: CalendarEvent} | {ok: false; problem: string}

/** One Graph event (not `@removed`) as core's model, or why it cannot be read. */
export function mapGraphEvent(raw: GraphEvent, mailbox: string): MappedEvent {
  try {
    const changeToken = raw['@odata.etag'] ?? (raw.changeKey ? `W/"${raw.changeKey}"` : undefined)
    if (!changeToken) throw new UnreadableValue('it carries neither an etag nor a change key')
    const content = raw.body?.content ?? ''
    if (content.length > MAX_BODY_CHARS) {
      throw new UnreadableValue(`its body has ${content.length} characters (more than ${MAX_BODY_CHARS})`)
    }
    const allDay = raw.isAllDay === true
    const start = allDay ? allDayInstant(raw.start, 'start') : graphInstant(raw.start, 'start')
    const end = allDay ? allDayInstant(raw.end, 'end') : graphInstant(raw.end, 'end')
    if (end < start) throw new UnreadableValue('it ends before it starts')
    const seriesId = raw.seriesMasterId ?? undefined
    // An unchanged occurrence starts where the series put it; Graph names it in originalStart as well.
    const originalStart = raw.originalStart
      ? isoInstant(Date.parse(raw.originalStart))
      : seriesId && raw.type === 'occurrence'
        ? isoInstant(start)
        : undefined
    const zone = raw.originalStartTimeZone ?? undefined
    const marker = readMarker(raw.singleValueExtendedProperties)
    const organizerEmail = raw.organizer?.emailAddress?.address?.toLowerCase() ?? ''
    const organizerName = raw.organizer?.emailAddress?.name
    const event: CalendarEvent = {
      id: raw.id ?? '',
      provider: 'microsoft',
      mailbox,
      ...(seriesId ? {seriesId} : {}),
      ...(originalStart ? {originalStart} : {}),
      title: raw.subject ?? '',
      location: raw.location?.displayName ?? '',
      body: content,
      bodyType: bodyType(raw.body?.contentType),
      start: isoInstant(start),
      end: isoInstant(end),
      allDay,
      ...(zone && zone !== 'UTC' && isIanaZone(zone) ? {timeZone: zone} : {}),
      organizer: {email: organizerEmail, ...(organizerName ? {name: organizerName} : {})},
      attendees: attendees(raw),
      status: status(raw),
      myResponse: raw.isOrganizer ? 'organizer' : response(raw.responseStatus?.response),
      sensitivity: (raw.sensitivity && SENSITIVITIES[raw.sensitivity]) || 'normal',
      conference: conference(raw),
      ...(marker ? {marker} : {}),
      changeToken,
      ...(raw.lastModifiedDateTime ? {updated: raw.lastModifiedDateTime} : {}),
    }
    return {ok: true, event}
  } catch (error) {
    if (error instanceof UnreadableValue) return {ok: false, problem: `Event ${raw.id ?? '(no id)'}: ${error.message}.`}
    throw error
  }
}

/** The query every event read carries: UTC times, and the marker. */
export const PREFER_UTC = 'outlook.timezone="UTC"'

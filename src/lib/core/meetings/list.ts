import type {CalendarEvent, EventStatus, Person, ResponseStatus} from '../model.js'
import type {MeetingSettings} from '../settings.js'
import {resolveJoin, type JoinInfo, type JoinSource} from './join.js'

/** The sync and meetings-list window: 7 days back to 31 days ahead. */
export const WINDOW_DAYS_BACK = 7
export const WINDOW_DAYS_AHEAD = 31
const DAY_MS = 86_400_000

export interface MeetingInvitee {
  email: string
  name: string | null
  response: ResponseStatus
  room: boolean
}

export interface MeetingsListEntry {
  id: string
  mailbox: string
  start: string
  end: string
  /** Null for private and confidential meetings: the list shows that a meeting exists, not what it is. */
  title: string | null
  private: boolean
  organizer: {email: string; name: string | null}
  invitees: MeetingInvitee[]
  join: JoinInfo | null
  source: JoinSource | null
  keyword: string | null
  allDay: boolean
  status: EventStatus
}

export interface MeetingsListOptions {
  /** Only this mailbox's copies (case-insensitive); all copies when omitted. */
  mailbox?: string
  /** ISO instants; default the window around `now`. */
  from?: string
  to?: string
  now?: Date
  settings: MeetingSettings
}

export function defaultWindow(now: Date = new Date()): {from: string; to: string} {
  return {
    from: new Date(now.getTime() - WINDOW_DAYS_BACK * DAY_MS).toISOString(),
    to: new Date(now.getTime() + WINDOW_DAYS_AHEAD * DAY_MS).toISOString(),
  }
}

/** A mailbox's meetings as the collaboration app lists them: those overlapping the window, by start. */
export function buildMeetingsList(events: readonly CalendarEvent[], options: MeetingsListOptions): MeetingsListEntry[] {
  const window = defaultWindow(options.now)
  const from = Date.parse(options.from ?? window.from)
  const to = Date.parse(options.to ?? window.to)
  const mailbox = options.mailbox?.toLowerCase()
  return events
    .filter((e) => mailbox === undefined || e.mailbox.toLowerCase() === mailbox)
    .filter((e) => Date.parse(e.end) > from && Date.parse(e.start) < to)
    .map((e) => toEntry(e, options.settings))
    .sort((a, b) => Date.parse(a.start) - Date.parse(b.start) || a.id.localeCompare(b.id))
}

export function isPrivate(event: Pick<CalendarEvent, 'sensitivity'>): boolean {
  return event.sensitivity === 'private' || event.sensitivity === 'confidential'
}

function toEntry(event: CalendarEvent, settings: MeetingSettings): MeetingsListEntry {
  const resolved = resolveJoin(event, settings)
  const organiser = event.organizer.email.toLowerCase()
  return {
    id: event.id,
    mailbox: event.mailbox,
    start: event.start,
    end: event.end,
    title: isPrivate(event) ? null : event.title,
    private: isPrivate(event),
    organizer: person(event.organizer),
    invitees: event.attendees
      .filter((a) => a.email.toLowerCase() !== organiser)
      .map((a) => ({...person(a), response: a.response, room: a.isRoom})),
    join: resolved.join,
    source: resolved.source,
    keyword: resolved.keyword,
    allDay: event.allDay,
    status: event.status,
  }
}

function person(p: Person): {email: string; name: string | null} {
  return {email: p.email, name: p.name ?? null}
}

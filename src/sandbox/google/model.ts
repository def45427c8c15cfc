/** The emulator's own storage shapes: one record per meeting, light per-calendar references to it. */

export type ResponseStatus = 'needsAction' | 'declined' | 'tentative' | 'accepted'

export interface StoredAttendee {
  email: string
  displayName?: string
  responseStatus: ResponseStatus
  resource?: boolean
  optional?: boolean
  comment?: string
}

/** RRULE subset the emulator expands: DAILY/WEEKLY with INTERVAL and COUNT or UNTIL. */
export interface RecurrenceRule {
  freq: 'DAILY' | 'WEEKLY'
  interval: number
  count?: number
  untilMs?: number
}

/** A change to one occurrence, keyed by its original start. */
export interface InstanceOverride {
  cancelled?: boolean
  startMs?: number
  endMs?: number
  summary?: string
  location?: string
  description?: string
  updatedMs: number
}

export interface Meeting {
  id: string
  iCalUID: string
  organizer: string
  summary: string
  description: string
  location: string
  startMs: number
  endMs: number
  allDay: boolean
  /** Zone named in start/end (the organiser's); times are stored as instants. */
  timeZone: string
  status: 'confirmed' | 'tentative' | 'cancelled'
  visibility: 'default' | 'public' | 'private' | 'confidential'
  transparency: 'opaque' | 'transparent'
  attendees: StoredAttendee[]
  recurrence?: RecurrenceRule
  /** The recurrence lines as given (RRULE/EXDATE...), returned verbatim. */
  recurrenceLines?: string[]
  /** Only series have exceptions; absent on most meetings to keep seeding light. */
  exceptions?: Map<number, InstanceOverride>
  conferenceData?: Record<string, unknown>
  sharedProperties?: Record<string, string>
  /** Fields a client sent that the emulator keeps and returns but does not interpret. */
  extraFields?: Record<string, unknown>
  /**
   * Raw fields laid over the API's rendering of this meeting (`PUT …/events/:id/wire`; null removes one): bad data
   * as legacy imports and other clients leave it, which no API write can produce.
   */
  wireOverrides?: Record<string, unknown>
  sequence: number
  createdMs: number
  updatedMs: number
}

/** One calendar's copy of a meeting. */
export interface CalendarEntry {
  meeting: Meeting
  privateProperties?: Record<string, string>
  /**
   * Private properties of single occurrences (exceptions), by original start: an exception is an event of its
   * own in Google, with its own properties, starting from the series' when first written. Replaced, never mutated
   * (seeded entries share it until `own`).
   */
  occurrenceProperties?: Map<number, Record<string, string>>
  /** The calendar's change sequence at this entry's last change (drives sync tokens). */
  changeSeq: number
  etag: number
  updatedMs: number
  /** Tombstone: deleted from this calendar, still reported to incremental sync. */
  deleted: boolean
  /**
   * Seeded copies start as one entry object shared by every holder of the meeting (light references);
   * the store gives a calendar its own copy before changing anything per calendar.
   */
  shared: boolean
}

export interface AclRule {
  id: string
  role: 'none' | 'freeBusyReader' | 'reader' | 'writer' | 'owner'
  scope: {type: 'default' | 'user' | 'group' | 'domain'; value?: string}
  etag: number
}

export interface Vacation {
  enableAutoReply: boolean
  responseSubject: string
  responseBodyPlainText: string
  responseBodyHtml?: string
  restrictToContacts: boolean
  restrictToDomain: boolean
  startTime?: string
  endTime?: string
}

export interface Calendar {
  owner: string
  displayName: string
  isRoom: boolean
  timeZone: string
  /** Google Calendar locale setting value, e.g. 'en', 'en_GB', 'de'. */
  locale: string
  entries: Map<string, CalendarEntry>
  seq: number
  /** Bumped to invalidate every sync token issued for this calendar. */
  syncEpoch: number
  acl: Map<string, AclRule>
  vacation: Vacation
}

/** An empty event owned by `calendar`, ready for a write body to fill in (insert through the API or the control API). */
export function blankMeeting(calendar: Calendar, id: string, iCalUID = `${id}@google.com`, now = Date.now()): Meeting {
  return {
    id,
    iCalUID,
    organizer: calendar.owner,
    summary: '',
    description: '',
    location: '',
    startMs: 0,
    endMs: 0,
    allDay: false,
    timeZone: calendar.timeZone,
    status: 'confirmed',
    visibility: 'default',
    transparency: 'opaque',
    attendees: [],
    sequence: 0,
    createdMs: now,
    updatedMs: now,
  }
}

/** The emulator's internal shape of an Outlook calendar item and mailbox (rendered to Graph JSON on read). */
import type {SeedMeeting} from '../types.js'

export type GraphResponseType = 'none' | 'organizer' | 'tentativelyAccepted' | 'accepted' | 'declined' | 'notResponded'
export type EventType = 'singleInstance' | 'occurrence' | 'exception' | 'seriesMaster'
export type Sensitivity = 'normal' | 'personal' | 'private' | 'confidential'
export type ShowAs = 'free' | 'tentative' | 'busy' | 'oof' | 'workingElsewhere' | 'unknown'

export interface EmailAddress {
  address: string
  name: string
}

export interface StoredAttendee extends EmailAddress {
  type: 'required' | 'optional' | 'resource'
  response: GraphResponseType
}

/** Graph's patternedRecurrence, restricted to what the emulator expands (daily and weekly). */
export interface Recurrence {
  pattern: {type: 'daily' | 'weekly'; interval: number; daysOfWeek?: string[]; firstDayOfWeek?: string}
  range: {type: 'numbered' | 'endDate' | 'noEnd'; startDate: string; endDate?: string; numberOfOccurrences?: number}
}

export interface StoredEvent {
  id: string
  iCalUId: string
  changeKey: string
  createdAt: number
  modifiedAt: number
  /** Position in the mailbox's change sequence (delta). */
  seq: number
  type: EventType
  seriesMasterId?: string
  recurrence?: Recurrence
  /** For occurrences and exceptions: the start the series rule gave this instance. */
  originalStart?: number
  subject: string
  bodyType: 'html' | 'text'
  body: string
  location: string
  start: number
  end: number
  isAllDay: boolean
  isCancelled: boolean
  sensitivity: Sensitivity
  showAs: ShowAs
  organizer: EmailAddress
  attendees: StoredAttendee[]
  isOrganizer: boolean
  responseStatus: GraphResponseType
  isOnlineMeeting: boolean
  onlineMeetingProvider: 'teamsForBusiness' | 'skypeForBusiness' | 'skypeForConsumer' | 'unknown'
  joinUrl?: string
  /** singleValueExtendedProperties keyed by lower-cased property id; absent until one is set (saves memory). */
  extended?: Map<string, {id: string; value: string}>
}

export interface AutomaticRepliesSetting {
  status: 'disabled' | 'alwaysEnabled' | 'scheduled'
  externalAudience: 'none' | 'contactsOnly' | 'all'
  scheduledStartDateTime: {dateTime: string; timeZone: string}
  scheduledEndDateTime: {dateTime: string; timeZone: string}
  internalReplyMessage: string
  externalReplyMessage: string
}

export interface Tombstone {
  id: string
  seq: number
  start: number
  end: number
}

export interface Mailbox {
  id: string
  address: string
  displayName: string
  kind: 'user' | 'room'
  locale: string
  timeZone: string
  automaticReplies: AutomaticRepliesSetting
  events: Map<string, StoredEvent>
  seq: number
  tombstones: Tombstone[]
  /** Seeded meetings not yet turned into items (done on first access; see MicrosoftStore.resolve). */
  unseeded?: SeedMeeting[]
}

export type ChangeType = 'created' | 'updated' | 'deleted'

/**
 * A field-by-field copy. Listing every field in one literal gives all items the same V8 shape, which keeps
 * a million seeded items compact and fast (object spread with overrides does not).
 */
export function cloneEvent(e: StoredEvent): StoredEvent {
  return {
    id: e.id,
    iCalUId: e.iCalUId,
    changeKey: e.changeKey,
    createdAt: e.createdAt,
    modifiedAt: e.modifiedAt,
    seq: e.seq,
    type: e.type,
    seriesMasterId: e.seriesMasterId,
    recurrence: e.recurrence,
    originalStart: e.originalStart,
    subject: e.subject,
    bodyType: e.bodyType,
    body: e.body,
    location: e.location,
    start: e.start,
    end: e.end,
    isAllDay: e.isAllDay,
    isCancelled: e.isCancelled,
    sensitivity: e.sensitivity,
    showAs: e.showAs,
    organizer: e.organizer,
    attendees: e.attendees,
    isOrganizer: e.isOrganizer,
    responseStatus: e.responseStatus,
    isOnlineMeeting: e.isOnlineMeeting,
    onlineMeetingProvider: e.onlineMeetingProvider,
    joinUrl: e.joinUrl,
    extended: e.extended && new Map(e.extended),
  }
}

/** Copies the user-visible content of `from` onto `to`, keeping `to`'s identity, series position and version. */
export function assignContent(to: StoredEvent, from: StoredEvent): void {
  to.subject = from.subject
  to.bodyType = from.bodyType
  to.body = from.body
  to.location = from.location
  to.isAllDay = from.isAllDay
  to.isCancelled = from.isCancelled
  to.sensitivity = from.sensitivity
  to.showAs = from.showAs
  to.organizer = from.organizer
  to.attendees = from.attendees
  to.isOrganizer = from.isOrganizer
  to.responseStatus = from.responseStatus
  to.isOnlineMeeting = from.isOnlineMeeting
  to.onlineMeetingProvider = from.onlineMeetingProvider
  to.joinUrl = from.joinUrl
  to.extended = from.extended && new Map(from.extended)
}

/** Applies an edited copy (see cloneEvent) back onto the stored item: content, times and recurrence. */
export function assignEdit(to: StoredEvent, edited: StoredEvent): void {
  assignContent(to, edited)
  to.start = edited.start
  to.end = edited.end
  to.type = edited.type
  to.recurrence = edited.recurrence
}

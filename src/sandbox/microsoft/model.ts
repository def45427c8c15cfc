/** The emulator's internal shape of an Outlook calendar item and mailbox (rendered to Graph JSON on read). */

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
  /** singleValueExtendedProperties keyed by lower-cased property id. */
  extended: Map<string, {id: string; value: string}>
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
}

export type ChangeType = 'created' | 'updated' | 'deleted'

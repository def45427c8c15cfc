/** The Exchange emulator's own store model: mailboxes with calendar items as EWS describes them. */

export type ResponseType = 'Unknown' | 'Organizer' | 'Tentative' | 'Accept' | 'Decline' | 'NoResponseReceived'

export interface ExAttendee {
  email: string
  name: string
  response: ResponseType
}

export interface ExtendedValue {
  propertySetId: string
  name: string
  type: string
  value: string
}

/** Per-occurrence overrides of a recurring master (an exception), or its deletion. */
export interface OccurrenceOverride {
  cancelled?: boolean
  startShiftMinutes?: number
  /** Length of this occurrence when it differs from the master's. */
  durationMinutes?: number
  subject?: string
  location?: string
  body?: string
  /**
   * Extended properties set on this occurrence (an exception is its own item inside the master: a property
   * set on it stays on it); `null` where one was deleted here. Others are read from the master.
   */
  extended?: Map<string, ExtendedValue | null>
  version: number
}

export interface ExRecurrence {
  freq: 'DAILY' | 'WEEKLY'
  interval: number
  count: number
  overrides: Map<number, OccurrenceOverride>
}

export interface ExItem {
  id: string
  /** Incremented on every write; the change key is derived from it. */
  version: number
  changeKey: string
  mailbox: string
  uid: string
  subject: string
  location: string
  body: string
  bodyType: 'HTML' | 'Text'
  start: number
  end: number
  isAllDay: boolean
  /** IANA zone the item was created in (the organiser's); reported as its Windows display name. */
  timeZone?: string
  isCancelled: boolean
  sensitivity: 'Normal' | 'Private'
  freeBusy: 'Free' | 'Tentative' | 'Busy' | 'OOF'
  myResponse: ResponseType
  organizer: {email: string; name: string}
  required: ExAttendee[]
  optional: ExAttendee[]
  resources: ExAttendee[]
  recurrence?: ExRecurrence
  /** Keyed by `${propertySetId}/${name}` (lower-case set id); created on the first write. */
  extended?: Map<string, ExtendedValue>
  created: number
  modified: number
  /** Position in the mailbox change sequence at creation and at the last write. */
  createdSeq: number
  seq: number
}

export interface OofSettings {
  state: 'Enabled' | 'Disabled' | 'Scheduled'
  start?: string
  end?: string
  internalReply: string
  externalReply: string
}

export interface Tombstone {
  id: string
  createdSeq: number
  seq: number
}

export interface ExMailbox {
  email: string
  displayName: string
  isRoom: boolean
  timeZone: string
  oof: OofSettings
  items: Map<string, ExItem>
  tombstones: Tombstone[]
  seq: number
  /** Bumped to invalidate every sync state issued for this mailbox. */
  syncGeneration: number
}

export type ChangeKind = 'created' | 'modified' | 'deleted'

export function extendedKey(propertySetId: string, name: string): string {
  return `${propertySetId.toLowerCase()}/${name}`
}

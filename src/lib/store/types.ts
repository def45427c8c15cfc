import type {CalendarEvent, ProviderId} from '../core/model.js'

/** How a meeting is joined, as hcal decided it (from the keyword, location, body or structured data). */
export interface JoinDetails {
  url: string | null
  sip: string | null
  service: string
}

/** A meeting as the store keeps it: the neutral event plus hcal's join decision. */
export type StoredMeeting = CalendarEvent & {
  join: JoinDetails | null
  keyword: string | null
}

export type UserKind = 'user' | 'room'
export type UserState = 'pending' | 'active' | 'error'

export interface StoredUser {
  /** Mailbox address, kept lower-case. */
  email: string
  provider: ProviderId
  kind: UserKind
  state: UserState
  /** Stable code for `error` (and for why a user is still pending), e.g. MAILBOX_NOT_FOUND. */
  reasonCode?: string
  reason?: string
  /** SIP address of the room's video device, for OBTP. */
  deviceSip?: string
  updatedAt: string
}

export interface RotationResult {
  /** Id of the key that now encrypts everything. */
  keyId: string
  /** Ids of keys no longer needed by any row. */
  retiredKeyIds: string[]
  rows: number
  fields: number
}

export interface PurgeResult {
  meetings: number
  cursors: number
}

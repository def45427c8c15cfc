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
/**
 * - `pending`: recorded, not (yet) proven: only validation may touch its mailbox;
 * - `active`: validated: hcal reads and writes its calendar;
 * - `error`: validation failed (reasonCode, reason, fix say why);
 * - `deactivated`: an admin stopped it: nothing touches its mailbox, its stored meetings are gone.
 */
export type UserState = 'pending' | 'active' | 'error' | 'deactivated'

export interface StoredUser {
  /** The address the user or room was activated under, kept lower-case (the record's key). */
  email: string
  provider: ProviderId
  kind: UserKind
  state: UserState
  /** Stable code for `error` (and for why a user is still pending), e.g. MAILBOX_NOT_FOUND. */
  reasonCode?: string
  reason?: string
  /** What fixes it: a console step or a command. */
  fix?: string
  /** SIP address (or device id) of the room's video device, for OBTP. */
  deviceSip?: string
  /** The mailbox's primary address when `email` is an alias of it (found by validation); hcal acts on it. */
  primaryEmail?: string
  /** When a throttled validation may be tried again (a pending user). */
  retryAt?: string
  /** When validation last completed for it (whatever the outcome). */
  validatedAt?: string
  /** When a sync last completed for its mailbox. */
  syncedAt?: string
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
  /** Presence rows removed (0 or 1). */
  presence: number
}

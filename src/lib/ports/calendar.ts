/**
 * The calendar port: what the sync engine and the watch service ask of a calendar system, in core's
 * neutral model. Adapters (src/lib/providers/<id>/) implement it over their SDK, map their errors to
 * ProviderFailure (./failures.ts) and declare their limits (./capabilities.ts). Every call carries the access
 * gate's grant for the mailbox it acts on (./access.ts), never a bare address: the adapter gets the address
 * from the gate (`mailboxFor(grant)` in src/lib/access/), which refuses a mailbox that is not active.
 */
import type {BodyType, CalendarEvent, HcalMarker, ProviderId} from '../core/model.js'
import type {MailboxGrant} from './access.js'
import type {ProviderCapabilities} from './capabilities.js'
import type {ProviderFailureInfo} from './failures.js'

/**
 * Where a mailbox's change feed stands (Google syncToken, Graph deltaLink, EWS SyncState). Opaque: the
 * engine stores it with the changes it covers, in one transaction, and hands it back unread.
 */
export type SyncCursor = string & {readonly __syncCursor: true}

export function syncCursor(value: string): SyncCursor {
  return value as SyncCursor
}

/** ISO 8601 instants; `end` exclusive. */
export interface TimeWindow {
  start: string
  end: string
}

export interface CallOptions {
  /** Aborted on shutdown: the adapter stops between requests and rejects. */
  signal?: AbortSignal
}

export interface ListChangesRequest extends CallOptions {
  grant: MailboxGrant
  window: TimeWindow
  /** Absent for a full read of the window. */
  cursor?: SyncCursor
  /** The `nextPage` of the previous page of this round. */
  page?: string
}

export type EventChange =
  | {type: 'upsert'; event: CalendarEvent}
  /** Deleted, cancelled, or (Graph) moved out of the round's window. */
  | {type: 'removed'; eventId: string}
  /** This event could not be read into the model (no start, an unknown time zone...): report it, go on. */
  | {type: 'unreadable'; eventId: string; problem: string}

export type ListChangesResult =
  | {
      kind: 'page'
      changes: EventChange[]
      /** Set while more pages follow in this round: ask again with it. */
      nextPage?: string
      /** Set on the last page only: the cursor for the next round. */
      cursor?: SyncCursor
    }
  /** The provider no longer knows the cursor: read the window again without one. */
  | {kind: 'cursorExpired'; failure: ProviderFailureInfo}

export interface EventRef extends CallOptions {
  grant: MailboxGrant
  eventId: string
}

/** What hcal changes on an event: only the parts it owns. */
export interface EventPatch {
  body?: {content: string; type: BodyType}
  location?: string
  /** Set or (null) remove hcal's marker in the provider's extended property. */
  marker?: HcalMarker | null
}

export interface WriteRequest extends EventRef {
  /** The token read with the event (etag / change key); the write fails as a conflict when it is stale. */
  changeToken: string
  patch: EventPatch
}

export type WriteResult =
  | {kind: 'written'; event: CalendarEvent}
  /** Someone changed the event since it was read: nothing was written. Re-read and decide again. */
  | {kind: 'conflict'; failure: ProviderFailureInfo}

export interface MailboxSettings {
  /** IANA time zone, when the provider has one. */
  timeZone?: string
  /** BCP 47 language tag (the join block's language). */
  language?: string
}

export interface OutOfOffice {
  state: 'off' | 'on' | 'scheduled'
  /** ISO instants of a scheduled window. */
  start?: string
  end?: string
}

export interface PushRequest extends CallOptions {
  grant: MailboxGrant
  /** https URL the provider calls (webhook kind only). */
  notificationUrl?: string
  /** Secret echoed with each notification, checked on receipt. */
  clientState: string
  /** Requested expiry; the provider may grant less (read back `expiresAt`). */
  expiresAt: string
}

export interface PushSubscription {
  id: string
  mailbox: string
  expiresAt: string
  /** Provider fields needed to renew or stop it (Google resourceId...), opaque to the engine. */
  handle: Record<string, string>
}

export interface CalendarProvider {
  readonly id: ProviderId
  readonly capabilities: ProviderCapabilities
  /** One page of changes since `cursor` (or of the whole window without one). */
  listChanges(request: ListChangesRequest): Promise<ListChangesResult>
  /** One event as it is now; undefined when it no longer exists. */
  readEvent(ref: EventRef): Promise<CalendarEvent | undefined>
  writeEvent(request: WriteRequest): Promise<WriteResult>
  readMailboxSettings(grant: MailboxGrant, options?: CallOptions): Promise<MailboxSettings>
  readOutOfOffice(grant: MailboxGrant, options?: CallOptions): Promise<OutOfOffice>
  /** Present when capabilities.push.kind is not 'none'. */
  push?: {
    subscribe(request: PushRequest): Promise<PushSubscription>
    /** Extends it, or replaces it when the provider cannot extend (Google channels): use the result. */
    renew(grant: MailboxGrant, subscription: PushSubscription, expiresAt: string): Promise<PushSubscription>
    /** Stopping needs no grant: it ends access (deactivation removes a user's subscriptions this way). */
    stop(subscription: PushSubscription): Promise<void>
  }
}

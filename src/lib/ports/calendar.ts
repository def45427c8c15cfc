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
  /**
   * False when only the window's events are wanted, not a cursor (the engine reading the slice a moved window
   * newly covers): the adapter skips what it does only to obtain a cursor, and may return none.
   */
  cursorNeeded?: boolean
  /** Items per page to ask for (capabilities.limits.pageSize when absent; at most maxPageSize). */
  pageSize?: number
}

export type EventChange =
  /** A single meeting or one occurrence of a series, as it is now. */
  | {type: 'upsert'; event: CalendarEvent}
  /** Deleted, cancelled, or (Graph) moved out of the round's window. A series master's id removes its occurrences too. */
  | {type: 'removed'; eventId: string}
  /**
   * Every occurrence of a recurring series within the request's window, after the series changed: the engine
   * replaces what it holds for `seriesId` with these, so a shortened or moved series leaves no stale occurrence,
   * and an edit to a long series costs the window's occurrences, not years of them.
   */
  | {type: 'series'; seriesId: string; occurrences: CalendarEvent[]}
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

/** One HTTP exchange an adapter made, for the engine's counts (requests, throttled) and the benchmark. */
export interface RequestRecord {
  /** What it served: the calendar itself, mailbox settings and out-of-office, or a token. */
  purpose: 'calendar' | 'settings' | 'token'
  /** HTTP status; 0 when no answer came (reset, timeout). */
  status: number
  /** The provider said to slow down (429, 503 with Retry-After, 403 rate limit, ErrorServerBusy). */
  throttled: boolean
}

export interface CalendarProviderHooks {
  /** Called once per HTTP exchange, batch sub-requests each counted as one. */
  onRequest?(record: RequestRecord): void
}

/**
 * Adapters map each answer to the port's terms; the engine owns retries (one policy, src/lib/retry/) and
 * pacing (the declared limits), so adapters turn their SDKs' own retries off. A rejected access token (401)
 * is refreshed once inside the adapter, single-flight per subject, before it surfaces as `auth`.
 */
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
  /** Releases connection pools and timers. */
  close(): Promise<void>
}

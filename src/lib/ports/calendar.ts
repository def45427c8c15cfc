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
  /** Webhook kind: the https URL the provider posts notifications to. */
  notificationUrl?: string
  /** Webhook kind, where the provider has them (Graph): lifecycle notifications' URL, fixed at creation. */
  lifecycleUrl?: string
  /** Secret the provider echoes with each notification (Google channel token, Graph clientState). */
  clientState: string
  /** Requested expiry; the provider may grant less (read back `expiresAt`). */
  expiresAt: string
}

export interface PushSubscription {
  /** The provider's id for it (Google channel id, Graph subscription id, EWS SubscriptionId). */
  id: string
  mailbox: string
  expiresAt: string
  /** Provider fields needed to renew or stop it (Google resourceId...), opaque to the engine. */
  handle: Record<string, string>
}

/**
 * What a notification says, in neutral terms. None carries the data: each one only triggers an incremental
 * sync of the subscription's mailbox.
 * - `changed`: something in the calendar changed;
 * - `sync`: the provider confirms a new subscription (Google's first message), nothing changed;
 * - `reauthorizationRequired`: renew now or it stops (Graph lifecycle);
 * - `missed`: notifications were lost: catch up with a sync (Graph lifecycle);
 * - `removed`: the provider ended it (Graph subscriptionRemoved, Google not_exists, EWS subscription gone):
 *   subscribe again and catch up.
 */
export type PushSignal = 'changed' | 'sync' | 'reauthorizationRequired' | 'missed' | 'removed'

export interface PushNotification {
  subscriptionId: string
  /** The secret the notification presented; the watch service compares it with the stored one in constant time. */
  clientState?: string
  signal: PushSignal
  /** The provider's per-subscription sequence number (Google X-Goog-Message-Number), to drop replays. */
  sequence?: number
}

/** One inbound HTTP request on the watch listener's path for this provider. */
export interface WebhookRequest {
  method: string
  /** Path and query string, as received. */
  url: string
  /** Header names in lower case. */
  headers: Readonly<Record<string, string | undefined>>
  /** The body as received (the listener has already capped its size). */
  body: string
}

export type WebhookReading =
  /** A validation handshake (Graph `validationToken`): answer 200 text/plain with `body`. */
  | {kind: 'handshake'; body: string}
  /** Notifications to check (clientState, known subscription, sequence) and act on; answer 202. */
  | {kind: 'notifications'; notifications: PushNotification[]}
  /** Not a notification of this provider's shape: answer 400 and act on nothing. */
  | {kind: 'invalid'; reason: string}

export interface StreamRequest {
  /** The mailbox the connection is opened as (EWS: the group's anchor mailbox, impersonated). */
  grant: MailboxGrant
  /** The subscriptions this connection serves (at most capabilities.push.maxPerStream). */
  subscriptions: readonly PushSubscription[]
  /** How long the provider holds the connection before closing it (EWS: 1 to 30 minutes). */
  connectionMinutes: number
  /** Aborting closes the connection; openStream then resolves `closed`. */
  signal: AbortSignal
  onNotification(notification: PushNotification): void
  /** Every sign of life (a notification or a keep-alive), so the service's watchdog can tell a hung stream. */
  onAlive(): void
}

export type StreamEnd =
  /** The connection ended normally (its timeout came, or the signal aborted): reopen it to go on. */
  | {kind: 'closed'}
  /** The provider no longer knows these subscriptions (EWS ErrorSubscriptionNotFound): subscribe again, catch up. */
  | {kind: 'lost'; subscriptionIds: string[]; failure: ProviderFailureInfo}

export interface RenewOptions extends CallOptions {
  /**
   * The subscription's secret (PushRequest.clientState). A provider that renews by replacing (Google channels)
   * gives the new channel the same one, so notifications of old and new are admitted alike; the adapter keeps
   * no copy of it (the handle is not sealed at rest, the registry's clientState is).
   */
  clientState: string
}

/** Change notifications, present when capabilities.push.kind is not 'none'. */
export interface PushPort {
  subscribe(request: PushRequest): Promise<PushSubscription>
  /** Extends it, or replaces it when the provider cannot extend (Google channels): use the result. */
  renew(
    grant: MailboxGrant,
    subscription: PushSubscription,
    expiresAt: string,
    options: RenewOptions,
  ): Promise<PushSubscription>
  /**
   * Ends it. Needs no grant: deactivation removes a user's subscriptions this way, and ending access never
   * needs access. An unknown or already ended subscription is not an error.
   */
  stop(subscription: PushSubscription, options?: CallOptions): Promise<void>
  /** Webhook kind: reads one inbound request; pure, no I/O. */
  decodeWebhook?(request: WebhookRequest): WebhookReading
  /** Stream kind: holds one connection open for a group of subscriptions until it ends; rejects with a ProviderFailure. */
  openStream?(request: StreamRequest): Promise<StreamEnd>
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
  push?: PushPort
  /** Releases connection pools and timers. */
  close(): Promise<void>
}

/**
 * What a calendar system can do and how hard it may be driven, as data. The sync engine schedules and
 * paces from these numbers; nothing outside a provider folder asks which provider it is talking to.
 */

/** At most `requests` requests per `windowMs`, counted per connection (account) or per mailbox. */
export interface RequestBudget {
  scope: 'account' | 'mailbox'
  requests: number
  windowMs: number
  /** Where the number comes from, for people tuning it. */
  source: string
}

export interface ProviderLimits {
  /** Requests in flight to one mailbox at a time. */
  concurrencyPerMailbox: number
  /** Requests in flight for the whole connection (service account, app or impersonation account). */
  concurrencyPerAccount: number
  /**
   * The highest concurrencyPerAccount an admin may configure, where the provider publishes a server-side ceiling
   * (EWS EWSMaxConcurrency), with its source.
   */
  maxConcurrencyPerAccount?: {value: number; source: string}
  budgets: readonly RequestBudget[]
  /** Items per page the engine asks for when listing changes (within the provider's maximum). */
  pageSize: number
  /** Largest page the provider accepts. */
  maxPageSize: number
  /** Requests one batch call may carry; undefined when hcal does not batch with this provider. */
  batch: {maxRequests: number; maxParallel: number} | undefined
}

/**
 * How change notifications arrive:
 * - `webhook`: the provider calls an https URL hcal serves (needs a public URL);
 * - `stream`: hcal holds a connection open and the provider streams events (nothing inbound);
 * - `none`: polling only.
 */
export type PushKind = 'webhook' | 'stream' | 'none'

/**
 * What an incremental change feed covers:
 * - `calendar`: changes anywhere in the calendar, not only the window (the engine filters; an unchanged
 *   event drifting into the window never appears, so the leading edge is re-read);
 * - `window`: changes within the window fixed when the round started (a moved window is a new round);
 * - `folder`: the folder's item changes with no calendar logic (the window comes from a calendar view).
 */
export type ChangeFeedScope = 'calendar' | 'window' | 'folder'

export interface ProviderCapabilities {
  push: {
    kind: PushKind
    /** Longest subscription lifetime the provider grants. */
    maxLifetimeMs: number
    /** Stream kind: subscriptions one connection may carry (EWS: 200); 0 otherwise. */
    maxPerStream: number
  }
  changeFeed: ChangeFeedScope
  /** The concurrency token a write carries: HTTP etag (If-Match) or a change key. */
  concurrencyToken: 'etag' | 'changeKey'
  /** Writes with a client-chosen id or transaction id, so a retried create does not duplicate. */
  idempotentCreate: boolean
  limits: ProviderLimits
}

import type {ProviderCapabilities} from '../../ports/capabilities.js'

/** Microsoft Graph (Outlook calendar) limits (reference/perf-reliability-anchors.md, sync-engine-anchors.md section 3). */
export const MICROSOFT_CAPABILITIES: ProviderCapabilities = {
  // Outlook event subscriptions: at most 4,230 minutes (newer notes say 10,080, unverified): renew early.
  push: {kind: 'webhook', maxLifetimeMs: 4230 * 60_000, maxPerStream: 0},
  changeFeed: 'window',
  // Graph takes the event's @odata.etag (its change key) in If-Match.
  concurrencyToken: 'etag',
  // POST /events with a transactionId is not duplicated when retried.
  idempotentCreate: true,
  limits: {
    concurrencyPerMailbox: 4,
    concurrencyPerAccount: 32,
    budgets: [
      {
        scope: 'mailbox',
        requests: 10_000,
        windowMs: 600_000,
        source: 'Outlook service limit per app and mailbox (10,000 requests per 10 minutes)',
      },
    ],
    pageSize: 100,
    maxPageSize: 1000,
    batch: {maxRequests: 20, maxParallel: 4},
  },
}

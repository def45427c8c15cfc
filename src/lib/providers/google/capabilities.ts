import type {ProviderCapabilities} from '../../ports/capabilities.js'

/** Google Calendar API limits (reference/perf-reliability-anchors.md, sync-engine-anchors.md section 3). */
export const GOOGLE_CAPABILITIES: ProviderCapabilities = {
  // Channels default to (and are assumed to last at most) 604,800 s; they cannot be extended, only replaced.
  push: {kind: 'webhook', maxLifetimeMs: 604_800_000, maxPerStream: 0},
  changeFeed: 'calendar',
  concurrencyToken: 'etag',
  idempotentCreate: true,
  limits: {
    // Google documents no per-user concurrency; this keeps one mailbox from taking a burst of the quota.
    concurrencyPerMailbox: 4,
    concurrencyPerAccount: 32,
    budgets: [
      {
        scope: 'account',
        requests: 10_000,
        windowMs: 60_000,
        source: 'default Calendar API quota per project and minute (real quotas vary: configurable)',
      },
      {scope: 'mailbox', requests: 600, windowMs: 60_000, source: 'Calendar API quota per user (quotaUser) and minute'},
    ],
    pageSize: 250,
    maxPageSize: 2500,
    // The googleapis Node clients have no batch support.
    batch: undefined,
  },
}

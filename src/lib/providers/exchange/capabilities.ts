import type {ProviderCapabilities} from '../../ports/capabilities.js'

/** Exchange Server EWS limits (reference/perf-reliability-anchors.md, sync-engine-anchors.md section 3). */
export const EXCHANGE_CAPABILITIES: ProviderCapabilities = {
  // Streaming notifications: one GetStreamingEvents connection lasts at most 30 minutes, then is re-issued.
  push: {kind: 'stream', maxLifetimeMs: 30 * 60_000},
  changeFeed: 'folder',
  concurrencyToken: 'changeKey',
  idempotentCreate: false,
  limits: {
    concurrencyPerMailbox: 4,
    // Counted per impersonation account; Exchange's EWSMaxConcurrency defaults to 27, hcal stays well under.
    concurrencyPerAccount: 10,
    // Exchange throttles with ErrorServerBusy and BackOffMilliseconds rather than a published budget.
    budgets: [],
    pageSize: 512,
    maxPageSize: 512,
    batch: undefined,
  },
}

import type {ProviderCapabilities} from '../../ports/capabilities.js'

/** Exchange Server EWS limits (reference/perf-reliability-anchors.md, sync-engine-anchors.md section 3). */
export const EXCHANGE_CAPABILITIES: ProviderCapabilities = {
  // Streaming notifications: one GetStreamingEvents connection lasts at most 30 minutes, then is re-issued.
  push: {kind: 'stream', maxLifetimeMs: 30 * 60_000, maxPerStream: 200},
  changeFeed: 'folder',
  concurrencyToken: 'changeKey',
  idempotentCreate: false,
  limits: {
    concurrencyPerMailbox: 4,
    // Counted per impersonation account: "no more than ten open requests ... concurrently" is the EWS throttling
    // guidance for applications that act on many mailboxes.
    concurrencyPerAccount: 10,
    // EWSMaxConcurrency defaults to 27 on Exchange 2013 and later (10 on 2010): the most an admin may configure.
    maxConcurrencyPerAccount: {
      value: 27,
      source: 'EWSMaxConcurrency default (Exchange 2013+), "EWS throttling in Exchange", learn.microsoft.com',
    },
    // Exchange throttles with ErrorServerBusy and BackOffMilliseconds rather than a published budget.
    budgets: [],
    pageSize: 512,
    maxPageSize: 512,
    batch: undefined,
  },
}

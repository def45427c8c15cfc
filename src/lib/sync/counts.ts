/** What one sync run counts, across mailboxes and connections (the `summary` of `hcal sync --json`). */
export interface SyncCounts {
  meetingsRead: number
  joinBlocks: {written: number; updated: number; removed: number; unchanged: number}
  conflicts: number
  requests: number
  throttled: number
}

export function emptyCounts(): SyncCounts {
  return {
    meetingsRead: 0,
    joinBlocks: {written: 0, updated: 0, removed: 0, unchanged: 0},
    conflicts: 0,
    requests: 0,
    throttled: 0,
  }
}

/** A meeting reported and skipped while the rest of its mailbox went on. */
export interface EventProblem {
  mailbox: string
  eventId: string
  /** UNREADABLE_EVENT (the provider's data could not be read), JOIN_DETAILS_UNAVAILABLE, WRITE_CONFLICT. */
  code: string
  problem: string
}

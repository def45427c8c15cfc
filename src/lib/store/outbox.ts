import type {Database, Statement} from 'better-sqlite3'

import type {FieldCipher, FieldRef} from './crypto.js'

/**
 * The publishing outbox: one row per (event, sink), written in the same transaction as the change it
 * reports, deleted once the sink acknowledged it. The payload is already shaped for its sink (what that
 * destination may see) and sealed like meeting fields; in clear are only the sink's name, the message id
 * (the `webhook-id` receivers dedupe on) and the delivery state.
 *
 * Delivery claims a row before sending (attempts + 1, next attempt pushed out by the backoff), so a crash
 * mid-send counts as a failed attempt and is retried later with the same message id: at-least-once.
 */
export interface OutboxMessage {
  messageId: string
  sink: string
  /** The JSON body to send, exactly as signed. */
  payload: string
  attempts: number
  createdAt: string
}

export interface OutboxSinkStats {
  sink: string
  pending: number
  /** Dead-lettered: every attempt failed. */
  failed: number
  lastError: string | null
  lastAttemptAt: string | null
  /** Earliest time a pending message is due (ISO), null when none is pending. */
  nextAttemptAt: string | null
}

interface Row {
  message_id: string
  sink: string
  payload: Buffer
  attempts: number
  created_at: string
}

export class OutboxRepository {
  private readonly statements: {
    insert: Statement
    nextSeq: Statement
    due: Statement
    claim: Statement
    delete: Statement
    fail: Statement
    stats: Statement
    deleteForSink: Statement
  }

  constructor(
    db: Database,
    private readonly cipher: FieldCipher,
  ) {
    this.statements = {
      insert:
        db.prepare(`INSERT INTO outbox (message_id, seq, sink, payload, state, attempts, next_attempt_ms, created_at)
        VALUES (?, ?, ?, ?, 'pending', 0, ?, ?)`),
      nextSeq: db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 FROM outbox').pluck(),
      due: db.prepare(`SELECT message_id, sink, payload, attempts, created_at FROM outbox
        WHERE sink = ? AND state = 'pending' AND next_attempt_ms <= ? ORDER BY seq LIMIT ?`),
      // Only one process wins a claim: the row must still be due when the update runs.
      claim: db.prepare(`UPDATE outbox SET attempts = attempts + 1, next_attempt_ms = ?, last_attempt_at = ?
        WHERE message_id = ? AND state = 'pending' AND next_attempt_ms <= ?`),
      delete: db.prepare('DELETE FROM outbox WHERE message_id = ?'),
      fail: db.prepare(`UPDATE outbox SET last_error = ?, next_attempt_ms = ?,
        state = CASE WHEN attempts >= ? THEN 'dead' ELSE 'pending' END WHERE message_id = ?`),
      stats: db.prepare(`SELECT sink,
          SUM(state = 'pending') AS pending, SUM(state = 'dead') AS failed,
          MIN(CASE WHEN state = 'pending' THEN next_attempt_ms END) AS next_ms,
          MAX(last_attempt_at) AS last_attempt_at,
          (SELECT last_error FROM outbox o2 WHERE o2.sink = outbox.sink AND o2.last_error IS NOT NULL
            ORDER BY o2.last_attempt_at DESC LIMIT 1) AS last_error
        FROM outbox GROUP BY sink`),
      deleteForSink: db.prepare('DELETE FROM outbox WHERE sink = ?'),
    }
  }

  /** Adds a message for one sink, due at once; synchronous, so it joins the caller's transaction. */
  add(message: {messageId: string; sink: string; payload: string}, now = new Date()): void {
    const sealed = this.cipher.seal(message.payload, ref(message.messageId))
    const seq = this.statements.nextSeq.get() as number
    this.statements.insert.run(message.messageId, seq, message.sink, sealed, now.getTime(), now.toISOString())
  }

  /** Pending messages of `sink` due at `now`, oldest first. */
  due(sink: string, now: Date, limit: number): OutboxMessage[] {
    return (this.statements.due.all(sink, now.getTime(), limit) as Row[]).map((row) => ({
      messageId: row.message_id,
      sink: row.sink,
      payload: this.cipher.open(row.payload, ref(row.message_id)) ?? '',
      attempts: row.attempts,
      createdAt: row.created_at,
    }))
  }

  /**
   * Takes a due message for one attempt: counts it and moves its next attempt to `retryAt` (where it
   * stays if this process dies mid-send). False when another process took it first.
   */
  claim(messageId: string, now: Date, retryAt: Date): boolean {
    return this.statements.claim.run(retryAt.getTime(), now.toISOString(), messageId, now.getTime()).changes > 0
  }

  /** The sink acknowledged it: gone. */
  delivered(messageId: string): void {
    this.statements.delete.run(messageId)
  }

  /** Records why an attempt failed; the message is dead once it has had `maxAttempts`. */
  failed(messageId: string, error: string, retryAt: Date, maxAttempts: number): void {
    this.statements.fail.run(error, retryAt.getTime(), maxAttempts, messageId)
  }

  /** Pending and dead-lettered counts per sink, with the last error seen. */
  stats(): OutboxSinkStats[] {
    const rows = this.statements.stats.all() as {
      sink: string
      pending: number
      failed: number
      next_ms: number | null
      last_attempt_at: string | null
      last_error: string | null
    }[]
    return rows.map((row) => ({
      sink: row.sink,
      pending: row.pending,
      failed: row.failed,
      lastError: row.last_error,
      lastAttemptAt: row.last_attempt_at,
      nextAttemptAt: row.next_ms === null ? null : new Date(row.next_ms).toISOString(),
    }))
  }

  /** Every message of a sink, delivered or not (the sink was removed); returns how many. */
  deleteForSink(sink: string): number {
    return this.statements.deleteForSink.run(sink).changes
  }
}

function ref(messageId: string): FieldRef {
  return {table: 'outbox', column: 'payload', row: [messageId]}
}

import type {Database, Statement} from 'better-sqlite3'

import {normaliseMailbox} from './meetings.js'

/** A stored cursor with the window (ISO instants, end exclusive) its round covered. */
export interface CursorState {
  cursor: string
  window?: {start: string; end: string}
}

interface CursorRow {
  cursor: string
  window_start: string | null
  window_end: string | null
}

/**
 * Opaque sync cursors per mailbox and kind (e.g. a Google syncToken, a Graph deltaLink, an EWS
 * SyncState). They name no person or meeting, so they are stored as given, not encrypted.
 */
export class CursorRepository {
  private readonly statements: {
    get: Statement
    set: Statement
    delete: Statement
    deleteForMailbox: Statement
  }

  constructor(db: Database) {
    this.statements = {
      get: db.prepare('SELECT cursor, window_start, window_end FROM cursors WHERE mailbox = ? AND kind = ?'),
      set: db.prepare(`INSERT INTO cursors (mailbox, kind, cursor, window_start, window_end, updated_at)
        VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (mailbox, kind) DO UPDATE SET cursor = excluded.cursor, window_start = excluded.window_start,
          window_end = excluded.window_end, updated_at = excluded.updated_at`),
      delete: db.prepare('DELETE FROM cursors WHERE mailbox = ? AND kind = ?'),
      deleteForMailbox: db.prepare('DELETE FROM cursors WHERE mailbox = ?'),
    }
  }

  get(mailbox: string, kind: string): string | undefined {
    return this.state(mailbox, kind)?.cursor
  }

  /** The cursor and the window its round covered (absent for cursors stored before windows were). */
  state(mailbox: string, kind: string): CursorState | undefined {
    const row = this.statements.get.get(normaliseMailbox(mailbox), kind) as CursorRow | undefined
    if (!row) return undefined
    return row.window_start !== null && row.window_end !== null
      ? {cursor: row.cursor, window: {start: row.window_start, end: row.window_end}}
      : {cursor: row.cursor}
  }

  set(mailbox: string, kind: string, cursor: string, window?: {start: string; end: string}): void {
    this.statements.set.run(
      normaliseMailbox(mailbox),
      kind,
      cursor,
      window?.start ?? null,
      window?.end ?? null,
      new Date().toISOString(),
    )
  }

  /** Forgets one cursor (e.g. after the provider invalidated it), forcing a full resync of that mailbox. */
  delete(mailbox: string, kind: string): boolean {
    return this.statements.delete.run(normaliseMailbox(mailbox), kind).changes > 0
  }

  deleteForMailbox(mailbox: string): number {
    return this.statements.deleteForMailbox.run(normaliseMailbox(mailbox)).changes
  }
}

import type {Database, Statement} from 'better-sqlite3'

import {normaliseMailbox} from './meetings.js'

/**
 * Opaque sync cursors per mailbox and kind (e.g. a Google syncToken, a Graph deltaLink, an EWS
 * SyncState). They name no person or meeting, so they are stored as given, not encrypted.
 */
export class CursorRepository {
  private readonly statements: {get: Statement; set: Statement; delete: Statement; deleteForMailbox: Statement}

  constructor(db: Database) {
    this.statements = {
      get: db.prepare('SELECT cursor FROM cursors WHERE mailbox = ? AND kind = ?').pluck(),
      set: db.prepare(`INSERT INTO cursors (mailbox, kind, cursor, updated_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (mailbox, kind) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at`),
      delete: db.prepare('DELETE FROM cursors WHERE mailbox = ? AND kind = ?'),
      deleteForMailbox: db.prepare('DELETE FROM cursors WHERE mailbox = ?'),
    }
  }

  get(mailbox: string, kind: string): string | undefined {
    return (this.statements.get.get(normaliseMailbox(mailbox), kind) as string | undefined) ?? undefined
  }

  set(mailbox: string, kind: string, cursor: string): void {
    this.statements.set.run(normaliseMailbox(mailbox), kind, cursor, new Date().toISOString())
  }

  /** Forgets one cursor (e.g. after the provider invalidated it), forcing a full resync of that mailbox. */
  delete(mailbox: string, kind: string): boolean {
    return this.statements.delete.run(normaliseMailbox(mailbox), kind).changes > 0
  }

  deleteForMailbox(mailbox: string): number {
    return this.statements.deleteForMailbox.run(normaliseMailbox(mailbox)).changes
  }
}

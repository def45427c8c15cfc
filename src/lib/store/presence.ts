import type {Database, Statement} from 'better-sqlite3'

import type {ProviderId} from '../core/model.js'
import {normaliseMailbox} from './meetings.js'

/** A mailbox's out-of-office state and settings as the last sync read them. */
export interface StoredPresence {
  mailbox: string
  /** The calendar system it was read from (Gmail vacation responder, Graph automatic replies, EWS OOF). */
  provider: ProviderId
  state: 'off' | 'on' | 'scheduled'
  /** ISO instants of a scheduled window. */
  start?: string
  end?: string
  /** BCP 47 language of the mailbox (the join block's language), when read. */
  language?: string
  timeZone?: string
  /** When the settings (language, time zone) were last read. */
  settingsAt?: string
  /** When out-of-office was last read. */
  checkedAt: string
  /** When state or window last changed. */
  changedAt: string
}

interface PresenceRow {
  mailbox: string
  provider: ProviderId
  state: StoredPresence['state']
  start: string | null
  end: string | null
  language: string | null
  time_zone: string | null
  settings_at: string | null
  checked_at: string
  changed_at: string
}

/** Out-of-office state and mailbox settings per mailbox (not sensitive: no meeting, no text). */
export class PresenceRepository {
  private readonly statements: {upsert: Statement; get: Statement; list: Statement; delete: Statement}

  constructor(db: Database) {
    this.statements = {
      upsert: db.prepare(`INSERT INTO presence
          (mailbox, provider, state, start, "end", language, time_zone, settings_at, checked_at, changed_at)
        VALUES (@mailbox, @provider, @state, @start, @end, @language, @time_zone, @settings_at, @checked_at, @changed_at)
        ON CONFLICT (mailbox) DO UPDATE SET provider = excluded.provider, state = excluded.state,
          start = excluded.start, "end" = excluded."end", language = excluded.language, time_zone = excluded.time_zone,
          settings_at = excluded.settings_at, checked_at = excluded.checked_at, changed_at = excluded.changed_at`),
      get: db.prepare('SELECT * FROM presence WHERE mailbox = ?'),
      list: db.prepare('SELECT * FROM presence ORDER BY mailbox'),
      delete: db.prepare('DELETE FROM presence WHERE mailbox = ?'),
    }
  }

  upsert(presence: StoredPresence): void {
    this.statements.upsert.run({
      mailbox: normaliseMailbox(presence.mailbox),
      provider: presence.provider,
      state: presence.state,
      start: presence.start ?? null,
      end: presence.end ?? null,
      language: presence.language ?? null,
      time_zone: presence.timeZone ?? null,
      settings_at: presence.settingsAt ?? null,
      checked_at: presence.checkedAt,
      changed_at: presence.changedAt,
    })
  }

  get(mailbox: string): StoredPresence | undefined {
    const row = this.statements.get.get(normaliseMailbox(mailbox)) as PresenceRow | undefined
    return row && fromRow(row)
  }

  list(): StoredPresence[] {
    return (this.statements.list.all() as PresenceRow[]).map(fromRow)
  }

  delete(mailbox: string): boolean {
    return this.statements.delete.run(normaliseMailbox(mailbox)).changes > 0
  }
}

function fromRow(row: PresenceRow): StoredPresence {
  return {
    mailbox: row.mailbox,
    provider: row.provider,
    state: row.state,
    ...(row.start === null ? {} : {start: row.start}),
    ...(row.end === null ? {} : {end: row.end}),
    ...(row.language === null ? {} : {language: row.language}),
    ...(row.time_zone === null ? {} : {timeZone: row.time_zone}),
    ...(row.settings_at === null ? {} : {settingsAt: row.settings_at}),
    checkedAt: row.checked_at,
    changedAt: row.changed_at,
  }
}

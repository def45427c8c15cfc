import type {Database, Statement} from 'better-sqlite3'

import type {Attendee, CalendarEvent, HcalMarker, Person, StructuredConference} from '../core/model.js'
import type {FieldCipher, FieldRef} from './crypto.js'
import type {StoredMeeting} from './types.js'

interface MeetingRow {
  mailbox: string
  id: string
  provider: CalendarEvent['provider']
  series_id: string | null
  original_start: string | null
  start: string
  end: string
  all_day: number
  time_zone: string | null
  status: CalendarEvent['status']
  my_response: CalendarEvent['myResponse']
  sensitivity: CalendarEvent['sensitivity']
  body_type: CalendarEvent['bodyType']
  change_token: string
  updated: string | null
  marker: string | null
  keyword: string | null
  join_service: string | null
  title: Buffer | null
  location: Buffer | null
  body: Buffer | null
  organizer: Buffer | null
  attendees: Buffer | null
  conference: Buffer | null
  join_url: Buffer | null
  join_sip: Buffer | null
}

/** Meetings per mailbox; titles, places, bodies, people and join addresses are sealed field by field. */
export class MeetingRepository {
  private readonly statements: {
    upsert: Statement
    get: Statement
    listForMailbox: Statement
    listAll: Statement
    delete: Statement
    deleteForMailbox: Statement
    changeToken: Statement
    idsForMailbox: Statement
    idsOfSeries: Statement
    deleteWithOccurrences: Statement
    deleteOutside: Statement
  }

  constructor(
    db: Database,
    private readonly cipher: FieldCipher,
  ) {
    this.statements = {
      upsert: db.prepare(`INSERT INTO meetings (
          mailbox, id, provider, series_id, original_start, start, "end", start_ms, end_ms, all_day, time_zone,
          status, my_response, sensitivity, body_type, change_token, updated, marker, keyword, join_service,
          title, location, body, organizer, attendees, conference, join_url, join_sip, stored_at
        ) VALUES (
          @mailbox, @id, @provider, @series_id, @original_start, @start, @end, @start_ms, @end_ms, @all_day, @time_zone,
          @status, @my_response, @sensitivity, @body_type, @change_token, @updated, @marker, @keyword, @join_service,
          @title, @location, @body, @organizer, @attendees, @conference, @join_url, @join_sip, @stored_at
        )
        ON CONFLICT (mailbox, id) DO UPDATE SET
          provider = excluded.provider, series_id = excluded.series_id, original_start = excluded.original_start,
          start = excluded.start, "end" = excluded."end", start_ms = excluded.start_ms, end_ms = excluded.end_ms,
          all_day = excluded.all_day, time_zone = excluded.time_zone, status = excluded.status,
          my_response = excluded.my_response, sensitivity = excluded.sensitivity, body_type = excluded.body_type,
          change_token = excluded.change_token, updated = excluded.updated, marker = excluded.marker,
          keyword = excluded.keyword, join_service = excluded.join_service, title = excluded.title,
          location = excluded.location, body = excluded.body, organizer = excluded.organizer,
          attendees = excluded.attendees, conference = excluded.conference, join_url = excluded.join_url,
          join_sip = excluded.join_sip, stored_at = excluded.stored_at`),
      get: db.prepare('SELECT * FROM meetings WHERE mailbox = ? AND id = ?'),
      // Overlap with [from, to): ends after the window opens and starts before it closes.
      listForMailbox: db.prepare(
        'SELECT * FROM meetings WHERE mailbox = ? AND end_ms > ? AND start_ms < ? ORDER BY start_ms, id',
      ),
      listAll: db.prepare('SELECT * FROM meetings WHERE end_ms > ? AND start_ms < ? ORDER BY start_ms, mailbox, id'),
      delete: db.prepare('DELETE FROM meetings WHERE mailbox = ? AND id = ?'),
      deleteForMailbox: db.prepare('DELETE FROM meetings WHERE mailbox = ?'),
      changeToken: db.prepare('SELECT change_token FROM meetings WHERE mailbox = ? AND id = ?').pluck(),
      idsForMailbox: db.prepare('SELECT id FROM meetings WHERE mailbox = ?').pluck(),
      idsOfSeries: db.prepare('SELECT id FROM meetings WHERE mailbox = ? AND series_id = ?').pluck(),
      deleteWithOccurrences: db.prepare('DELETE FROM meetings WHERE mailbox = ? AND (id = ? OR series_id = ?)'),
      deleteOutside: db.prepare('DELETE FROM meetings WHERE mailbox = ? AND (end_ms <= ? OR start_ms >= ?)'),
    }
  }

  upsert(meeting: StoredMeeting): void {
    const mailbox = normaliseMailbox(meeting.mailbox)
    const ref = (column: string): FieldRef => ({table: 'meetings', column, row: [mailbox, meeting.id]})
    const seal = (column: string, value: string | null | undefined) => this.cipher.seal(value, ref(column))
    this.statements.upsert.run({
      mailbox,
      id: meeting.id,
      provider: meeting.provider,
      series_id: meeting.seriesId ?? null,
      original_start: meeting.originalStart ?? null,
      start: meeting.start,
      end: meeting.end,
      start_ms: toMillis(meeting.start),
      end_ms: toMillis(meeting.end),
      all_day: meeting.allDay ? 1 : 0,
      time_zone: meeting.timeZone ?? null,
      status: meeting.status,
      my_response: meeting.myResponse,
      sensitivity: meeting.sensitivity,
      body_type: meeting.bodyType,
      change_token: meeting.changeToken,
      updated: meeting.updated ?? null,
      marker: meeting.marker ? JSON.stringify(meeting.marker) : null,
      keyword: meeting.keyword,
      join_service: meeting.join?.service ?? null,
      title: seal('title', meeting.title),
      location: seal('location', meeting.location),
      body: seal('body', meeting.body),
      organizer: seal('organizer', JSON.stringify(meeting.organizer)),
      attendees: seal('attendees', JSON.stringify(meeting.attendees)),
      conference: seal('conference', JSON.stringify(meeting.conference)),
      join_url: seal('join_url', meeting.join?.url),
      join_sip: seal('join_sip', meeting.join?.sip),
      stored_at: new Date().toISOString(),
    })
  }

  get(mailbox: string, id: string): StoredMeeting | undefined {
    const row = this.statements.get.get(normaliseMailbox(mailbox), id) as MeetingRow | undefined
    return row && this.fromRow(row)
  }

  /** Meetings of one mailbox overlapping [fromIso, toIso), by start time. */
  listForMailbox(mailbox: string, fromIso: string, toIso: string): StoredMeeting[] {
    const rows = this.statements.listForMailbox.all(normaliseMailbox(mailbox), toMillis(fromIso), toMillis(toIso))
    return (rows as MeetingRow[]).map((row) => this.fromRow(row))
  }

  /** Meetings of every mailbox overlapping [fromIso, toIso), by start time. */
  listAll(fromIso: string, toIso: string): StoredMeeting[] {
    const rows = this.statements.listAll.all(toMillis(fromIso), toMillis(toIso)) as MeetingRow[]
    return rows.map((row) => this.fromRow(row))
  }

  delete(mailbox: string, id: string): boolean {
    return this.statements.delete.run(normaliseMailbox(mailbox), id).changes > 0
  }

  deleteForMailbox(mailbox: string): number {
    return this.statements.deleteForMailbox.run(normaliseMailbox(mailbox)).changes
  }

  /** The stored concurrency token of a meeting, without opening its sealed fields (undefined when not stored). */
  changeToken(mailbox: string, id: string): string | undefined {
    return (this.statements.changeToken.get(normaliseMailbox(mailbox), id) as string | undefined) ?? undefined
  }

  /** Ids of a mailbox's stored meetings (the sweep after a full read). */
  idsForMailbox(mailbox: string): string[] {
    return this.statements.idsForMailbox.all(normaliseMailbox(mailbox)) as string[]
  }

  /** Ids of the stored occurrences of one series. */
  idsOfSeries(mailbox: string, seriesId: string): string[] {
    return this.statements.idsOfSeries.all(normaliseMailbox(mailbox), seriesId) as string[]
  }

  /** Deletes a meeting and, when it is a series master, its occurrences; returns the ids deleted. */
  deleteWithOccurrences(mailbox: string, id: string): string[] {
    const gone = [...(this.get(mailbox, id) ? [id] : []), ...this.idsOfSeries(mailbox, id)]
    this.statements.deleteWithOccurrences.run(normaliseMailbox(mailbox), id, id)
    return gone
  }

  /** Deletes a mailbox's meetings that do not overlap [fromIso, toIso) (they left the window). */
  deleteOutside(mailbox: string, fromIso: string, toIso: string): number {
    return this.statements.deleteOutside.run(normaliseMailbox(mailbox), toMillis(fromIso), toMillis(toIso)).changes
  }

  private fromRow(row: MeetingRow): StoredMeeting {
    const open = (column: keyof MeetingRow & string) =>
      this.cipher.open(row[column] as Buffer | null, {table: 'meetings', column, row: [row.mailbox, row.id]})
    const joinUrl = open('join_url')
    const joinSip = open('join_sip')
    return {
      id: row.id,
      provider: row.provider,
      mailbox: row.mailbox,
      ...(row.series_id === null ? {} : {seriesId: row.series_id}),
      ...(row.original_start === null ? {} : {originalStart: row.original_start}),
      title: open('title') ?? '',
      location: open('location') ?? '',
      body: open('body') ?? '',
      bodyType: row.body_type,
      start: row.start,
      end: row.end,
      allDay: row.all_day === 1,
      ...(row.time_zone === null ? {} : {timeZone: row.time_zone}),
      organizer: JSON.parse(open('organizer') ?? '{"email":""}') as Person,
      attendees: JSON.parse(open('attendees') ?? '[]') as Attendee[],
      status: row.status,
      myResponse: row.my_response,
      sensitivity: row.sensitivity,
      conference: JSON.parse(open('conference') ?? '[]') as StructuredConference[],
      ...(row.marker === null ? {} : {marker: JSON.parse(row.marker) as HcalMarker}),
      changeToken: row.change_token,
      ...(row.updated === null ? {} : {updated: row.updated}),
      join: row.join_service === null ? null : {url: joinUrl, sip: joinSip, service: row.join_service},
      keyword: row.keyword,
    }
  }
}

/** Mailbox addresses are case-insensitive; the store keeps them lower-case so lookups always match. */
export function normaliseMailbox(mailbox: string): string {
  return mailbox.trim().toLowerCase()
}

function toMillis(iso: string): number {
  const ms = Date.parse(iso)
  if (Number.isNaN(ms)) throw new RangeError(`not an ISO 8601 instant: ${iso}`)
  return ms
}

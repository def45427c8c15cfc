import assert from 'node:assert/strict'

import type {CalendarEvent} from '../../../../src/lib/core/model.js'
import type {MailboxGrant} from '../../../../src/lib/ports/access.js'
import type {SeedMeeting} from '../../../../src/sandbox/types.js'
import {type CalendarLab, countSince, EX, round, startCalendarLab, upserts} from './calendar-lab.js'

const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS

interface Truth {
  id: string
  uid: string
  subject: string
}

describe('Exchange calendar adapter: reading the window', function () {
  this.timeout(120_000)
  let c: CalendarLab
  let user: string
  let grant: MailboxGrant
  let seriesId: string
  let seriesStart: number
  let full: CalendarEvent[]

  before(async () => {
    c = await startCalendarLab()
    user = c.lab.seed.exchange!.users[1]!.email
    grant = c.activate(user)
    // A daily series of 5 (the first tomorrow at 09:00 UTC): occurrence 1 moved an hour later, occurrence 2 deleted.
    seriesStart = Math.ceil(Date.now() / DAY_MS) * DAY_MS + 9 * HOUR_MS
    const created = await c.control('POST', `${EX}/mailboxes/${user}/items`, {
      subject: 'Daily stand-up',
      location: 'Room 1',
      start: new Date(seriesStart).toISOString(),
      end: new Date(seriesStart + HOUR_MS / 2).toISOString(),
      recurrence: {freq: 'DAILY', count: 5},
    })
    seriesId = (created.body as {items: Truth[]}).items[0]!.id
    const occurrence = (index: number) =>
      `${EX}/mailboxes/${user}/items/${encodeURIComponent(seriesId)}/occurrences/${index}`
    await c.control('PATCH', occurrence(1), {start: new Date(seriesStart + DAY_MS + HOUR_MS).toISOString()})
    await c.control('PATCH', occurrence(2), {cancelled: true})
    full = upserts((await round(c.calendar, {grant, window: c.window})).changes)
  })
  after(async () => c.stop())

  it('expands a series into its occurrences and exceptions, each naming the master and its original start', () => {
    const series = full.filter((e) => e.seriesId === seriesId).sort((a, b) => a.start.localeCompare(b.start))
    assert.deepEqual(
      series.map((e) => [e.start, e.originalStart]),
      [0, 1, 3, 4].map((index) => [
        new Date(seriesStart + index * DAY_MS + (index === 1 ? HOUR_MS : 0)).toISOString(),
        new Date(seriesStart + index * DAY_MS).toISOString(),
      ]),
    )
    assert.ok(series.every((e) => e.title === 'Daily stand-up' && e.location === 'Room 1'))
    assert.equal(new Set(series.map((e) => e.id)).size, 4, 'every occurrence has its own id')
    assert.ok(!full.some((e) => e.id === seriesId), 'the master itself is not an event')
  })

  it('maps every field of the seeded meetings: organiser, attendees and rooms, body type, all-day dates, time zone, status, sensitivity', async () => {
    const truth = ((await c.control('GET', `${EX}/mailboxes/${user}/items`)).body as {items: Truth[]}).items
    const seeded = c.lab.seed.exchange!.meetings.filter(
      (m) => !m.recurrence && (m.organizer === user || m.attendees.some((a) => a.email === user)),
    )
    // All-day meetings are stored from local midnight to local midnight in a zone away from UTC.
    const allDay = seeded.filter((m) => m.allDay)
    assert.ok(
      allDay.some((m) => c.lab.seed.exchange!.users.find((u) => u.email === m.organizer)!.timeZone !== 'UTC'),
      'the user has an all-day meeting organised away from UTC',
    )
    for (const meeting of seeded) {
      const id = truth.find((t) => t.uid === meeting.uid)?.id
      const event = full.find((e) => e.id === id)
      assert.ok(event, `meeting ${meeting.uid} read`)
      assertMapped(event, meeting, user)
      // The organiser's zone, as Exchange names it (a Windows display name) mapped back to IANA.
      const zone = c.lab.seed.exchange!.users.find((u) => u.email === meeting.organizer)!.timeZone
      assert.ok(event.timeZone, `${meeting.uid} has a time zone`)
      assert.equal(offsetOf(event.timeZone, event.start), offsetOf(zone, event.start))
    }
  })

  it('reads a truncated CalendarView in slices: the same events, each once, across pages', async () => {
    const tuned = await c.tuned({viewMax: 3, getItemBatch: 2})
    const sliced = await round(tuned, {grant, window: c.window})
    assert.ok(sliced.pages > 2, `${sliced.pages} pages`)
    const ids = upserts(sliced.changes).map((e) => e.id)
    assert.deepEqual([...ids].sort(), full.map((e) => e.id).sort())
    assert.equal(new Set(ids).size, ids.length)
  })

  it('costs one SyncFolderItems, one CalendarView and one GetItem per 50 items; without a cursor needed, no SyncFolderItems', async () => {
    const before = c.lab.sandbox.context.log.forMailbox(user).length
    const from = c.records.length
    const first = await round(c.calendar, {grant, window: c.window})
    const operations = c.lab.sandbox.context.log
      .forMailbox(user)
      .slice(before)
      .map((e) => e.operation)
    assert.deepEqual(operations, ['SyncFolderItems', 'FindItem', 'GetItem'])
    assert.deepEqual(countSince(c.records, from), {calendar: 3, settings: 0})
    assert.ok(first.cursor)

    const sliceOnly = await round(c.calendar, {grant, window: c.window, cursorNeeded: false})
    assert.equal(sliceOnly.cursor, undefined)
    assert.deepEqual(
      c.lab.sandbox.context.log
        .forMailbox(user)
        .slice(before + 3)
        .map((e) => e.operation),
      ['FindItem', 'GetItem'],
    )

    const again = c.records.length
    const nothing = await round(c.calendar, {grant, window: c.window, cursor: first.cursor})
    assert.deepEqual(nothing.changes, [])
    assert.deepEqual(countSince(c.records, again), {calendar: 1, settings: 0})
    assert.ok(c.records.every((r) => r.status === 200 && !r.throttled))
  })

  it('readEvent returns an occurrence with its series, and undefined for an item deleted since', async () => {
    const occurrence = full.find((e) => e.seriesId === seriesId)!
    assert.deepEqual(await c.calendar.readEvent({grant, eventId: occurrence.id}), occurrence)
    const created = await c.control('POST', `${EX}/mailboxes/${user}/items`, {
      subject: 'short-lived',
      start: new Date(seriesStart).toISOString(),
      end: new Date(seriesStart + HOUR_MS).toISOString(),
    })
    const id = (created.body as {items: Truth[]}).items[0]!.id
    assert.equal((await c.calendar.readEvent({grant, eventId: id}))?.title, 'short-lived')
    await c.control('DELETE', `${EX}/mailboxes/${user}/items/${encodeURIComponent(id)}`)
    assert.equal(await c.calendar.readEvent({grant, eventId: id}), undefined)
  })

  it('reads out-of-office (a scheduled window with its times) as a settings request; mailbox settings send nothing', async () => {
    // EWS carries whole seconds.
    const start = new Date(Math.floor(Date.now() / 1000) * 1000 + DAY_MS).toISOString()
    const end = new Date(Date.parse(start) + 2 * DAY_MS).toISOString()
    await c.control('PUT', `${EX}/mailboxes/${user}/oof`, {state: 'Scheduled', start, end, internalReply: 'away'})
    const from = c.records.length
    assert.deepEqual(await c.calendar.readOutOfOffice(grant), {state: 'scheduled', start, end})
    await c.control('PUT', `${EX}/mailboxes/${user}/oof`, {state: 'Enabled', internalReply: 'away'})
    assert.deepEqual(await c.calendar.readOutOfOffice(grant), {state: 'on'})
    await c.control('PUT', `${EX}/mailboxes/${user}/oof`, {state: 'Disabled'})
    assert.deepEqual(await c.calendar.readOutOfOffice(grant), {state: 'off'})
    assert.deepEqual(await c.calendar.readMailboxSettings(grant), {})
    assert.deepEqual(countSince(c.records, from), {calendar: 0, settings: 3})
  })

  it('refuses a mailbox that is not active before sending anything to it', async () => {
    const other = c.lab.seed.exchange!.users[3]!.email
    const grantOther = c.activate(other)
    c.store.users.upsert({email: other, provider: 'exchange', kind: 'user', state: 'deactivated'})
    await assert.rejects(() => c.calendar.listChanges({grant: grantOther, window: c.window}), {
      code: 'MAILBOX_NOT_ACTIVE',
    })
    await assert.rejects(() => c.calendar.readOutOfOffice(grantOther), {code: 'MAILBOX_NOT_ACTIVE'})
    assert.deepEqual(c.lab.sandbox.context.log.forMailbox(other), [])
  })
})

function offsetOf(zone: string, at: string): string {
  return new Intl.DateTimeFormat('en', {timeZone: zone, timeZoneName: 'longOffset'}).format(new Date(at))
}

function assertMapped(event: CalendarEvent, meeting: SeedMeeting, user: string): void {
  assert.equal(event.provider, 'exchange')
  assert.equal(event.mailbox, user)
  assert.equal(event.title, meeting.title)
  assert.equal(event.location, meeting.location)
  assert.equal(event.body, meeting.body)
  assert.equal(event.bodyType, meeting.bodyType)
  assert.equal(event.allDay, meeting.allDay)
  assert.equal(event.start, new Date(meeting.start).toISOString())
  assert.equal(event.end, new Date(meeting.end).toISOString())
  assert.equal(event.organizer.email, meeting.organizer)
  assert.equal(event.status, meeting.status === 'cancelled' ? 'cancelled' : 'confirmed')
  assert.equal(event.sensitivity, meeting.sensitivity)
  assert.equal(event.seriesId, undefined)
  assert.match(event.changeToken, /^[A-Za-z0-9+/=]{8,}$/)
  const others = meeting.attendees.filter((a) => a.email !== meeting.organizer)
  assert.deepEqual(
    event.attendees.map((a) => [a.email, a.isRoom]).sort(),
    others.map((a) => [a.email, a.isRoom === true]).sort(),
  )
  const mine = meeting.attendees.find((a) => a.email === user)
  const expected = meeting.organizer === user ? 'organizer' : mine?.response
  assert.equal(event.myResponse, expected)
}

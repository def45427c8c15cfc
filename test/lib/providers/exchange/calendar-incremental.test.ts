import assert from 'node:assert/strict'

import type {EventChange, SyncCursor} from '../../../../src/lib/ports/calendar.js'
import type {MailboxGrant} from '../../../../src/lib/ports/access.js'
import {type CalendarLab, countSince, EX, readRound, round, startCalendarLab, upserts} from './calendar-lab.js'

const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS

interface Truth {
  id: string
}

function iso(ms: number): string {
  return new Date(ms).toISOString()
}

describe('Exchange calendar adapter: incremental rounds after end-user edits', function () {
  this.timeout(120_000)
  let c: CalendarLab
  let user: string
  let grant: MailboxGrant
  let cursor: SyncCursor
  const base = Math.ceil(Date.now() / DAY_MS) * DAY_MS + 2 * DAY_MS + 10 * HOUR_MS
  const items = (path = '') => `${EX}/mailboxes/${user}/items${path}`

  async function create(body: Record<string, unknown>): Promise<string> {
    const created = await c.control('POST', items(), body)
    return (created.body as {items: Truth[]}).items[0]!.id
  }

  /** One incremental round from the current cursor; the cursor moves on. */
  async function next(): Promise<EventChange[]> {
    const result = await round(c.calendar, {grant, window: c.window, cursor})
    assert.ok(result.cursor, 'an incremental round ends with a cursor')
    cursor = result.cursor
    return result.changes
  }

  before(async () => {
    c = await startCalendarLab()
    user = c.lab.seed.exchange!.users[2]!.email
    grant = c.activate(user)
    const first = await round(c.calendar, {grant, window: c.window})
    assert.ok(first.cursor)
    cursor = first.cursor
  })
  after(async () => c.stop())

  it('reports a created meeting, a moved one, one moved out of the window, a cancelled one and a deleted one', async () => {
    const id = await create({subject: 'new', start: iso(base), end: iso(base + HOUR_MS), location: '@webex'})
    let changes = await next()
    assert.deepEqual(
      upserts(changes).map((e) => [e.id, e.title, e.location]),
      [[id, 'new', '@webex']],
    )

    await c.control('PATCH', items(`/${encodeURIComponent(id)}`), {
      start: iso(base + DAY_MS),
      end: iso(base + DAY_MS + HOUR_MS),
    })
    changes = await next()
    assert.deepEqual(
      upserts(changes).map((e) => [e.id, e.start]),
      [[id, iso(base + DAY_MS)]],
    )

    await c.control('PATCH', items(`/${encodeURIComponent(id)}`), {cancelled: true})
    changes = await next()
    assert.deepEqual(
      upserts(changes).map((e) => [e.id, e.status]),
      [[id, 'cancelled']],
    )

    const far = base + 60 * DAY_MS
    await c.control('PATCH', items(`/${encodeURIComponent(id)}`), {start: iso(far), end: iso(far + HOUR_MS)})
    assert.deepEqual(await next(), [{type: 'removed', eventId: id}])

    const other = await create({subject: 'to delete', start: iso(base), end: iso(base + HOUR_MS)})
    await next()
    await c.control('DELETE', items(`/${encodeURIComponent(other)}`))
    assert.deepEqual(await next(), [{type: 'removed', eventId: other}])
  })

  it('reports a series edit and a one-occurrence edit as the series with its occurrences in the window', async () => {
    const master = await create({
      subject: 'weekly',
      start: iso(base),
      end: iso(base + HOUR_MS),
      // Weekly for a year: the window holds only a few of its 52 occurrences.
      recurrence: {freq: 'WEEKLY', count: 52},
    })
    let changes = await next()
    const inWindow = Math.ceil((Date.parse(c.window.end) - base) / (7 * DAY_MS))
    const created = changes.find((change) => change.type === 'series')
    assert.ok(created?.type === 'series')
    assert.equal(created.seriesId, master)
    assert.equal(created.occurrences.length, inWindow)

    await c.control('PATCH', `${items(`/${encodeURIComponent(master)}`)}/occurrences/1`, {location: 'moved room'})
    changes = await next()
    assert.equal(changes.length, 1)
    const edited = changes[0]
    assert.ok(edited?.type === 'series')
    assert.deepEqual(
      edited.occurrences.map((o) => [o.location, o.originalStart]),
      Array.from({length: inWindow}, (_, i) => [i === 1 ? 'moved room' : '', iso(base + i * 7 * DAY_MS)]),
    )

    await c.control('PATCH', items(`/${encodeURIComponent(master)}`), {subject: 'weekly (renamed)'})
    changes = await next()
    assert.ok(changes[0]?.type === 'series')
    assert.ok(changes[0].occurrences.every((o) => o.title === 'weekly (renamed)' && o.seriesId === master))

    await c.control('DELETE', items(`/${encodeURIComponent(master)}`))
    assert.deepEqual(await next(), [{type: 'removed', eventId: master}])
  })

  it('follows more than 512 changes across pages, the cursor on the last one', async () => {
    const many = Array.from({length: 520}, (_, i) => ({
      subject: `bulk ${i}`,
      start: iso(base + (i % 20) * HOUR_MS),
      end: iso(base + (i % 20) * HOUR_MS + HOUR_MS / 2),
    }))
    await c.control('POST', items(), many)
    const from = c.records.length
    const result = await round(c.calendar, {grant, window: c.window, cursor})
    assert.equal(result.pages, 2)
    assert.equal(upserts(result.changes).filter((e) => e.title.startsWith('bulk ')).length, 520)
    assert.ok(result.cursor)
    cursor = result.cursor
    // Two SyncFolderItems (512 + 8 changes) and GetItem in batches of 50 (11 + 1): no CalendarView for single items.
    assert.equal(countSince(c.records, from).calendar, 2 + 11 + 1)
  })

  it('answers cursorExpired when Exchange no longer knows the SyncState, and a full read then gives a new one', async () => {
    await c.control('POST', `${EX}/sync-states/invalidate`, {mailbox: user})
    assert.deepEqual(await readRound(c.calendar, {grant, window: c.window, cursor}), {expired: true})
    const full = await round(c.calendar, {grant, window: c.window})
    assert.ok(full.cursor)
    cursor = full.cursor
    const from = c.records.length
    assert.deepEqual(await next(), [])
    assert.deepEqual(countSince(c.records, from), {calendar: 1, settings: 0})
  })
})

import assert from 'node:assert/strict'

import type {CalendarEvent, HcalMarker} from '../../../../src/lib/core/model.js'
import type {MailboxGrant} from '../../../../src/lib/ports/access.js'
import {type CalendarLab, EX, round, startCalendarLab, upserts} from './calendar-lab.js'

const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS

interface Truth {
  id: string
  uid: string
  changeKey: string
  subject: string
  location: string
  body: string
  bodyType: string
  extendedProperties: {name: string; value: string}[]
  recurrence?: {
    overrides: Record<string, {location?: string; extended?: {key: string; value: {value: string} | null}[]}>
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString()
}

const MARKER: HcalMarker = {version: 1, hash: 'sha256:4f2a', keyword: '@webex'}

describe('Exchange calendar adapter: writing join details', function () {
  this.timeout(120_000)
  let c: CalendarLab
  let user: string
  let grant: MailboxGrant
  const base = Math.ceil(Date.now() / DAY_MS) * DAY_MS + 3 * DAY_MS + 14 * HOUR_MS
  const items = (path = '') => `${EX}/mailboxes/${user}/items${path}`
  const truth = async (id: string, mailbox = user) =>
    (await c.control('GET', `${EX}/mailboxes/${mailbox}/items/${encodeURIComponent(id)}`)).body as Truth

  async function create(body: Record<string, unknown>): Promise<CalendarEvent> {
    const created = await c.control('POST', items(), {start: iso(base), end: iso(base + HOUR_MS), ...body})
    const id = (created.body as {items: Truth[]}).items[0]!.id
    const event = await c.calendar.readEvent({grant, eventId: id})
    assert.ok(event)
    return event
  }

  before(async () => {
    c = await startCalendarLab()
    user = c.lab.seed.exchange!.users[0]!.email
    grant = c.activate(user)
  })
  after(async () => c.stop())

  it('writes body, location and marker with the read ChangeKey; the marker reads back and the echo carries the written token', async () => {
    const event = await create({subject: 'plan', location: '@webex', body: '<p>agenda</p>', bodyType: 'HTML'})
    const cursor = (await round(c.calendar, {grant, window: c.window})).cursor
    const body = {
      content: '<p>agenda</p><div id="hcal">Join: https://acme.webex.com/meet/x</div>',
      type: 'html' as const,
    }
    const result = await c.calendar.writeEvent({
      grant,
      eventId: event.id,
      changeToken: event.changeToken,
      patch: {body, location: '@webex https://acme.webex.com/meet/x', marker: MARKER},
    })
    assert.equal(result.kind, 'written')
    const stored = await truth(event.id)
    assert.equal(result.event.changeToken, stored.changeKey)
    assert.notEqual(result.event.changeToken, event.changeToken)
    assert.deepEqual(
      [stored.body, stored.location, stored.subject],
      [body.content, '@webex https://acme.webex.com/meet/x', 'plan'],
    )
    assert.deepEqual(result.event.marker, MARKER)
    const reread = await c.calendar.readEvent({grant, eventId: event.id})
    assert.ok(reread?.updated)
    assert.deepEqual({...reread, updated: undefined}, {...result.event, updated: undefined})

    const echo = upserts((await round(c.calendar, {grant, window: c.window, cursor})).changes)
    assert.deepEqual(
      echo.map((e) => [e.id, e.changeToken, e.marker]),
      [[event.id, result.event.changeToken, MARKER]],
    )

    const removed = await c.calendar.writeEvent({
      grant,
      eventId: event.id,
      changeToken: result.event.changeToken,
      patch: {marker: null},
    })
    assert.equal(removed.kind, 'written')
    assert.equal(removed.event.marker, undefined)
    assert.equal((await c.calendar.readEvent({grant, eventId: event.id}))?.marker, undefined)
    assert.deepEqual((await truth(event.id)).extendedProperties, [])
  })

  it('keeps XML special characters in body and location intact (escaped on the wire, not mangled)', async () => {
    const event = await create({subject: 'escape'})
    const location = `R&D <Lab> "A" 'B' &amp; ]]>`
    const text = `Tom & Jerry <b>not a tag</b> 5 < 6 > 4 "quoted" 'single' &lt; ]]> \u00e9\u6f22`
    const html = `<p>Q&amp;A: 5 &lt; 6 &amp; "x"</p><p>raw & ampersand</p>`
    const first = await c.calendar.writeEvent({
      grant,
      eventId: event.id,
      changeToken: event.changeToken,
      patch: {body: {content: text, type: 'text'}, location, marker: {...MARKER, keyword: 'a&b<c>'}},
    })
    assert.equal(first.kind, 'written')
    let stored = await truth(event.id)
    assert.deepEqual([stored.body, stored.bodyType, stored.location], [text, 'Text', location])
    const read = await c.calendar.readEvent({grant, eventId: event.id})
    assert.deepEqual([read?.body, read?.location, read?.marker?.keyword], [text, location, 'a&b<c>'])

    const second = await c.calendar.writeEvent({
      grant,
      eventId: event.id,
      changeToken: first.event.changeToken,
      patch: {body: {content: html, type: 'html'}},
    })
    assert.equal(second.kind, 'written')
    stored = await truth(event.id)
    assert.deepEqual([stored.body, stored.bodyType], [html, 'HTML'])
  })

  it('answers conflict for a stale ChangeKey and writes nothing: the user edit stays; a re-read token then writes', async () => {
    const event = await create({subject: 'race', location: '@webex'})
    await c.control('PATCH', items(`/${encodeURIComponent(event.id)}`), {
      subject: 'renamed by the user',
      location: '@webex room 2',
    })
    const result = await c.calendar.writeEvent({
      grant,
      eventId: event.id,
      changeToken: event.changeToken,
      patch: {location: '@webex https://acme.webex.com/meet/y', marker: MARKER},
    })
    assert.equal(result.kind, 'conflict')
    assert.equal(result.kind === 'conflict' && result.failure.providerCode, 'ErrorIrresolvableConflict')
    let stored = await truth(event.id)
    assert.deepEqual(
      [stored.subject, stored.location, stored.extendedProperties],
      ['renamed by the user', '@webex room 2', []],
    )

    const fresh = await c.calendar.readEvent({grant, eventId: event.id})
    assert.ok(fresh)
    const retried = await c.calendar.writeEvent({
      grant,
      eventId: event.id,
      changeToken: fresh.changeToken,
      patch: {location: '@webex room 2 https://acme.webex.com/meet/y'},
    })
    assert.equal(retried.kind, 'written')
    stored = await truth(event.id)
    assert.deepEqual(
      [stored.subject, stored.location],
      ['renamed by the user', '@webex room 2 https://acme.webex.com/meet/y'],
    )
  })

  it('writes one occurrence of a series: only that occurrence gets the location and the marker', async () => {
    const created = await c.control('POST', items(), {
      subject: 'series',
      location: '@webex',
      start: iso(base),
      end: iso(base + HOUR_MS),
      recurrence: {freq: 'DAILY', count: 4},
    })
    const masterId = (created.body as {items: Truth[]}).items[0]!.id
    const occurrences = upserts((await round(c.calendar, {grant, window: c.window, cursorNeeded: false})).changes)
      .filter((e) => e.seriesId === masterId)
      .sort((a, b) => a.start.localeCompare(b.start))
    assert.equal(occurrences.length, 4)
    const target = occurrences[2]!
    const result = await c.calendar.writeEvent({
      grant,
      eventId: target.id,
      changeToken: target.changeToken,
      patch: {location: '@webex https://acme.webex.com/meet/z', marker: MARKER},
    })
    assert.equal(result.kind, 'written')
    assert.equal(result.event.id, target.id)
    assert.equal(result.event.seriesId, masterId)
    const after = await Promise.all(occurrences.map((o) => c.calendar.readEvent({grant, eventId: o.id})))
    assert.deepEqual(
      after.map((e) => [e?.location, e?.marker]),
      [
        ['@webex', undefined],
        ['@webex', undefined],
        ['@webex https://acme.webex.com/meet/z', MARKER],
        ['@webex', undefined],
      ],
    )
    assert.equal(after[2]?.changeToken, result.event.changeToken)
    const master = await truth(masterId)
    assert.deepEqual([master.location, master.extendedProperties], ['@webex', []])
  })

  it("sends the organiser's body and location change to attendees (their copies follow); a marker-only write sends nothing", async () => {
    const seed = c.lab.seed.exchange!
    const users = new Set(seed.users.map((u) => u.email))
    const meeting = seed.meetings.find(
      (m) => m.organizer === user && !m.recurrence && m.attendees.some((a) => users.has(a.email) && a.email !== user),
    )
    assert.ok(meeting, 'the seed has a meeting organised by the user with another user invited')
    const attendee = meeting.attendees.find((a) => users.has(a.email) && a.email !== user)!.email
    const organiserItems = ((await c.control('GET', items())).body as {items: Truth[]}).items
    const id = organiserItems.find((i) => i.uid === meeting.uid)!.id
    const copies = ((await c.control('GET', `${EX}/mailboxes/${attendee}/items`)).body as {items: Truth[]}).items
    const copyId = copies.find((i) => i.uid === meeting.uid)!.id
    const event = await c.calendar.readEvent({grant, eventId: id})
    assert.ok(event)

    const marked = await c.calendar.writeEvent({
      grant,
      eventId: id,
      changeToken: event.changeToken,
      patch: {marker: MARKER},
    })
    assert.equal(marked.kind, 'written')
    const untouched = await truth(copyId, attendee)
    assert.equal(untouched.changeKey, copies.find((i) => i.id === copyId)!.changeKey)

    const written = await c.calendar.writeEvent({
      grant,
      eventId: id,
      changeToken: marked.event.changeToken,
      patch: {location: `${event.location} https://acme.webex.com/meet/w`},
    })
    assert.equal(written.kind, 'written')
    assert.equal((await truth(copyId, attendee)).location, `${event.location} https://acme.webex.com/meet/w`)
  })
})

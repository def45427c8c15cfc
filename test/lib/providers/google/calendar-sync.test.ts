import assert from 'node:assert/strict'

import type {SyncCursor, TimeWindow} from '../../../../src/lib/ports/calendar.js'
import {at, type CalendarLab, DAY_MS, ofType, startCalendarLab, windowAhead} from './calendar-lab.js'

/**
 * listChanges against the Google sandbox: the windowed first read over several pages, syncToken rounds after
 * end-user edits, a series edit costing the window's occurrences (not Google's hundreds of instances), the
 * expired cursor, the slice read, and bad data reported per event.
 */
describe('Google calendar adapter: listChanges', function () {
  this.timeout(120_000)
  let lab: CalendarLab
  let owner: string
  let window: TimeWindow
  const singles: string[] = []
  let seriesId: string
  let cursor: SyncCursor | undefined

  before(async () => {
    lab = await startCalendarLab()
    owner = lab.users[1] ?? ''
    // Ten days two months ahead: clear of the seeded meetings (7 days back to 31 ahead).
    window = windowAhead(60, 10)
    for (const hour of [10, 34, 58, 82, 106]) {
      const created = await lab.control('POST', `/calendars/${owner}/events`, {
        title: `Single ${hour}`,
        start: at(window, hour),
        end: at(window, hour + 1),
      })
      singles.push(String(created.id))
    }
    // Open-ended daily: Google expands it out to years ahead; the window holds ten occurrences.
    const series = await lab.control('POST', `/calendars/${owner}/events`, {
      title: 'Daily stand-up',
      start: at(window, 9 - 5 * 24),
      end: at(window, 9.25 - 5 * 24),
      recurrence: ['RRULE:FREQ=DAILY'],
    })
    seriesId = String(series.id)
    await lab.control('POST', `/calendars/${owner}/events`, {
      title: 'Outside',
      start: at(window, -30),
      end: at(window, -29),
    })
  })
  after(async () => lab.stop())

  const inWindow = (start: string) => start >= window.start && start < window.end

  it('reads the window over every page (page size 2), expands the series within it, and ends with a cursor', async () => {
    lab.resetRecords()
    const grant = lab.grant(owner)
    const round = await lab.readAll({grant, window, pageSize: 2})
    assert.equal(round.pages, 3, 'five singles and one series master, two a page')
    assert.ok(round.cursor, 'the last page carries the cursor')
    cursor = round.cursor
    assert.deepEqual(
      ofType(round.changes, 'upsert')
        .map((change) => change.event.id)
        .sort(),
      [...singles].sort(),
    )
    const [series, ...others] = ofType(round.changes, 'series')
    assert.equal(others.length, 0)
    assert.equal(series?.seriesId, seriesId)
    assert.equal(series?.occurrences.length, 10)
    assert.ok(series?.occurrences.every((event) => event.seriesId === seriesId && inWindow(event.start)))
    assert.deepEqual(
      series?.occurrences.map((event) => event.originalStart),
      series?.occurrences.map((event) => event.start),
    )
    // 3 list pages, and 5 instances pages for the series' 10 occurrences at 2 a page.
    assert.equal(lab.count('calendar'), 8)
    assert.equal(lab.count('token'), 1)
  })

  it('answers a round with nothing changed with exactly one calendar request, no change and a new cursor', async () => {
    lab.resetRecords()
    const result = await lab.provider.listChanges({grant: lab.grant(owner), window, cursor})
    assert.equal(result.kind, 'page')
    assert.deepEqual(result.kind === 'page' && result.changes, [])
    assert.ok(result.kind === 'page' && result.cursor)
    assert.equal(lab.count('calendar'), 1)
    assert.equal(lab.count('token'), 0, 'the token is reused')
    cursor = result.kind === 'page' ? result.cursor : undefined
  })

  it('returns what end users created, moved and deleted since the cursor', async () => {
    const created = await lab.control('POST', `/calendars/${owner}/events`, {
      title: 'Created later',
      start: at(window, 130),
      end: at(window, 131),
    })
    await lab.control('PATCH', `/calendars/${owner}/events/${singles[0]}`, {
      start: at(window, 150),
      end: at(window, 151),
    })
    await lab.control('DELETE', `/calendars/${owner}/events/${singles[1]}`)
    lab.resetRecords()
    const round = await lab.readAll({grant: lab.grant(owner), window, cursor})
    cursor = round.cursor
    const upserts = new Map(ofType(round.changes, 'upsert').map((change) => [change.event.id, change.event]))
    assert.deepEqual([...upserts.keys()].sort(), [String(created.id), singles[0]].sort())
    assert.equal(upserts.get(singles[0] ?? '')?.start, at(window, 150))
    assert.deepEqual(ofType(round.changes, 'removed'), [{type: 'removed', eventId: singles[1]}])
    assert.equal(lab.count('calendar'), 1)
  })

  it('turns a series edit into the window occurrences of that series: one list and one instances request', async () => {
    await lab.control('PATCH', `/calendars/${owner}/events/${seriesId}`, {title: 'Daily sync'})
    lab.resetRecords()
    const round = await lab.readAll({grant: lab.grant(owner), window, cursor})
    cursor = round.cursor
    const [series] = ofType(round.changes, 'series')
    assert.equal(round.changes.length, 1)
    assert.equal(series?.occurrences.length, 10, 'the window, not the 730 instances Google keeps')
    assert.ok(series?.occurrences.every((event) => event.title === 'Daily sync' && inWindow(event.start)))
    assert.equal(lab.count('calendar'), 2)
  })

  it('carries an edited and a cancelled occurrence in the next round', async () => {
    const instances = (
      await lab
        .asUser(owner)
        .events.instances({calendarId: owner, eventId: seriesId, timeMin: window.start, timeMax: window.end})
    ).data.items
    const edited = instances?.[3]?.id ?? ''
    const cancelled = instances?.[4]?.id ?? ''
    await lab.control('PATCH', `/calendars/${owner}/events/${edited}`, {title: 'Stand-up @webex'})
    await lab.control('DELETE', `/calendars/${owner}/events/${cancelled}`)
    const round = await lab.readAll({grant: lab.grant(owner), window, cursor})
    cursor = round.cursor
    const occurrences = ofType(round.changes, 'series').flatMap((change) => change.occurrences)
    const upserts = ofType(round.changes, 'upsert').map((change) => change.event)
    const seen = [...occurrences, ...upserts]
    assert.equal(seen.find((event) => event.id === edited)?.title, 'Stand-up @webex')
    assert.equal(
      seen.some((event) => event.id === cancelled),
      false,
    )
    const removed = ofType(round.changes, 'removed').map((change) => change.eventId)
    const series = ofType(round.changes, 'series')
    // Either the series is replaced without the cancelled occurrence, or the occurrence is removed on its own.
    assert.ok(series.length === 1 || removed.includes(cancelled), JSON.stringify(round.changes))
  })

  it('reports an expired cursor as cursorExpired, and reads the window again without it', async () => {
    await lab.control('POST', `/calendars/${owner}/invalidate-sync-tokens`)
    const result = await lab.provider.listChanges({grant: lab.grant(owner), window, cursor})
    assert.equal(result.kind, 'cursorExpired')
    assert.equal(result.kind === 'cursorExpired' && result.failure.status, 410)
    const again = await lab.readAll({grant: lab.grant(owner), window})
    assert.ok(again.cursor)
    assert.equal(ofType(again.changes, 'series').length, 1)
  })

  it('reads a slice without a cursor in one expanded list: occurrences as upserts', async () => {
    const slice = {start: window.start, end: new Date(Date.parse(window.start) + 2 * DAY_MS).toISOString()}
    lab.resetRecords()
    const round = await lab.readAll({grant: lab.grant(owner), window: slice, cursorNeeded: false})
    assert.equal(round.cursor, undefined)
    assert.equal(ofType(round.changes, 'series').length, 0)
    const events = ofType(round.changes, 'upsert').map((change) => change.event)
    assert.equal(events.filter((event) => event.seriesId === seriesId).length, 2)
    assert.ok(events.every((event) => event.start < slice.end))
    assert.equal(lab.count('calendar'), 1)
  })

  it('reports an event without a start or with an unknown time zone as unreadable, and reads the rest', async () => {
    const other = lab.users[2] ?? ''
    const ids: string[] = []
    for (const hour of [10, 20, 30]) {
      const created = await lab.control('POST', `/calendars/${other}/events`, {
        title: `Bad ${hour}`,
        start: at(window, hour),
        end: at(window, hour + 1),
      })
      ids.push(String(created.id))
    }
    await lab.control('PUT', `/calendars/${other}/events/${ids[0]}/wire`, {start: null})
    await lab.control('PUT', `/calendars/${other}/events/${ids[1]}/wire`, {
      start: {dateTime: at(window, 20), timeZone: 'Mars/Olympus_Mons'},
    })
    const round = await lab.readAll({grant: lab.grant(other), window})
    const unreadable = new Map(ofType(round.changes, 'unreadable').map((change) => [change.eventId, change.problem]))
    assert.deepEqual([...unreadable.keys()].sort(), [ids[0], ids[1]].sort())
    assert.match(unreadable.get(ids[0] ?? '') ?? '', /no start/)
    assert.match(unreadable.get(ids[1] ?? '') ?? '', /Mars\/Olympus_Mons/)
    assert.deepEqual(
      ofType(round.changes, 'upsert').map((change) => change.event.id),
      [ids[2]],
    )
    assert.ok(round.cursor)
  })
})

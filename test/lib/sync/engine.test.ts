import assert from 'node:assert/strict'

import {locateJoinBlocks} from '../../../src/lib/core/joinblock/locate.js'
import {isProviderFailure} from '../../../src/lib/ports/failures.js'
import {CURSOR_KIND} from '../../../src/lib/sync/mailbox.js'
import {syncWindow} from '../../../src/lib/sync/window.js'
import {rejectionOf} from '../../helpers/expect.js'
import {event, FakeCalendar} from './fake-calendar.js'
import {ALICE, EngineLab, WINDOW} from './lab.js'

const BOB = 'bob@acme.test'

function blocks(lab: EngineLab, id: string): number {
  const current = lab.calendar.events.get(id)
  assert.ok(current, id)
  return locateJoinBlocks(current.body, current.bodyType).regions.length
}

describe('sync engine: one mailbox through the calendar port', () => {
  let lab: EngineLab
  afterEach(async () => lab?.stop())

  it('first sync reads every page, writes one block per keyword meeting it organises, stores all with the cursor', async () => {
    lab = await EngineLab.start()
    lab.calendar.put(event(ALICE, 'kw1'))
    lab.calendar.put(event(ALICE, 'kw2', {start: '2026-12-20T09:00:00Z', end: '2026-12-20T10:00:00Z'}))
    lab.calendar.put(event(ALICE, 'plain', {location: 'Room 1'}))
    lab.calendar.put(event(ALICE, 'guest', {organizer: {email: BOB}}))
    lab.calendar.put(event(ALICE, 'far', {start: '2027-03-01T10:00:00Z', end: '2027-03-01T11:00:00Z'}))
    const outcome = await lab.sync()
    assert.equal(outcome.round, 'full')
    assert.equal(lab.calendar.calls.list.length, 2, 'two pages of two')
    assert.deepEqual(lab.storedIds(), ['guest', 'kw1', 'kw2', 'plain'])
    assert.deepEqual(lab.calendar.calls.writes.map((w) => w.eventId).sort(), ['kw1', 'kw2'])
    assert.deepEqual([blocks(lab, 'kw1'), blocks(lab, 'kw2'), blocks(lab, 'plain'), blocks(lab, 'guest')], [1, 1, 0, 0])
    assert.deepEqual(outcome.counts.joinBlocks, {written: 2, updated: 0, removed: 0, unchanged: 0})
    assert.equal(outcome.counts.meetingsRead, 4)
    assert.equal(lab.calendar.calls.settings, 1, 'the organiser locale is read once per mailbox')
    assert.equal(lab.calendar.events.get('kw1')?.body.includes('Agenda: numbers.'), true)
    assert.deepEqual(lab.store.cursors.state(ALICE, CURSOR_KIND)?.window, WINDOW)
    // The store holds what was written (the new token), so its echo changes nothing.
    assert.equal(lab.store.meetings.get(ALICE, 'kw1')?.changeToken, lab.calendar.events.get('kw1')?.changeToken)
    assert.equal(lab.store.meetings.get(ALICE, 'kw1')?.keyword, '@webex')
    assert.ok(outcome.published.some((e) => e.type === 'meetings.changed' && e.changed.some((m) => m.id === 'kw1')))
  })

  it('a second run with nothing changed makes one calendar request and writes nothing', async () => {
    lab = await EngineLab.start()
    lab.calendar.put(event(ALICE, 'kw1'))
    lab.calendar.put(event(ALICE, 'plain', {location: 'Room 1'}))
    await lab.sync()
    lab.calendar.calls.list.length = 0
    lab.calendar.calls.writes.length = 0
    const outcome = await lab.sync()
    assert.equal(outcome.round, 'incremental')
    assert.equal(lab.calendar.calls.list.length, 1)
    assert.equal(lab.calendar.calls.writes.length, 0)
    assert.deepEqual(outcome.published, [])
    assert.equal(blocks(lab, 'kw1'), 1)
  })

  it('applies incremental edits: create, move out of the window, cancel, keyword removed, text edited around the block', async () => {
    lab = await EngineLab.start()
    lab.calendar.put(event(ALICE, 'a'))
    lab.calendar.put(event(ALICE, 'b'))
    lab.calendar.put(event(ALICE, 'c'))
    lab.calendar.put(event(ALICE, 'd'))
    await lab.sync()
    const edited = (id: string) => {
      const current = lab.calendar.events.get(id)
      assert.ok(current)
      return current
    }
    lab.calendar.put(event(ALICE, 'new'))
    lab.calendar.put({...edited('a'), start: '2027-02-01T10:00:00Z', end: '2027-02-01T11:00:00Z'})
    lab.calendar.remove('b')
    lab.calendar.put({...edited('c'), location: 'Room 2'})
    lab.calendar.put({...edited('d'), body: `Before.\n${edited('d').body}\nAfter.`})
    lab.calendar.calls.writes.length = 0
    const outcome = await lab.sync()
    assert.deepEqual(lab.storedIds(), ['c', 'd', 'new'])
    assert.deepEqual(lab.calendar.calls.writes.map((w) => w.eventId).sort(), ['c', 'new'])
    assert.equal(blocks(lab, 'c'), 0)
    assert.equal(blocks(lab, 'new'), 1)
    assert.equal(blocks(lab, 'd'), 1)
    assert.match(edited('d').body, /^Before\.\n[\s\S]*\nAfter\.$/)
    assert.deepEqual(outcome.counts.joinBlocks, {written: 1, updated: 0, removed: 1, unchanged: 1})
  })

  it('a series change replaces the stored occurrences; removing the master removes them all', async () => {
    lab = await EngineLab.start()
    const occurrence = (n: number) =>
      event(ALICE, `s1_${n}`, {
        seriesId: 's1',
        start: `2026-12-1${n}T10:00:00Z`,
        end: `2026-12-1${n}T11:00:00Z`,
        location: 'Room',
      })
    for (const n of [1, 2, 3]) lab.calendar.put(occurrence(n))
    await lab.sync()
    assert.deepEqual(lab.storedIds(), ['s1_1', 's1_2', 's1_3'])
    // The series was shortened: the feed says so with the set of occurrences now in the window.
    const original = lab.calendar.listChanges.bind(lab.calendar)
    lab.calendar.listChanges = async (request) => {
      const page = await original(request)
      return page.kind === 'page'
        ? {...page, changes: [{type: 'series', seriesId: 's1', occurrences: [occurrence(1), occurrence(2)]}]}
        : page
    }
    lab.calendar.put(occurrence(1))
    await lab.sync()
    assert.deepEqual(lab.storedIds(), ['s1_1', 's1_2'])
    lab.calendar.listChanges = async (request) => {
      const page = await original(request)
      return page.kind === 'page' ? {...page, changes: [{type: 'removed', eventId: 's1'}]} : page
    }
    const outcome = await lab.sync()
    assert.deepEqual(lab.storedIds(), [])
    const removed = outcome.published.flatMap((e) => (e.type === 'meetings.changed' ? e.removed : []))
    assert.deepEqual(removed.sort(), ['s1_1', 's1_2'])
  })

  it('an expired cursor means a full read of the window that drops what is gone and duplicates nothing', async () => {
    lab = await EngineLab.start()
    for (const id of ['a', 'b', 'c']) lab.calendar.put(event(ALICE, id, {location: 'Room'}))
    await lab.sync()
    const cursor = lab.store.cursors.get(ALICE, CURSOR_KIND)
    assert.ok(cursor)
    lab.calendar.expired.add(cursor)
    lab.calendar.remove('b')
    lab.calendar.put(event(ALICE, 'd'))
    const outcome = await lab.sync()
    assert.equal(outcome.round, 'full')
    assert.deepEqual(lab.storedIds(), ['a', 'c', 'd'])
    assert.equal(blocks(lab, 'd'), 1)
    assert.notEqual(lab.store.cursors.get(ALICE, CURSOR_KIND), cursor)
  })

  it('a user edit racing our write wins; the block is decided again on their version and still lands once', async () => {
    lab = await EngineLab.start()
    lab.calendar.put(event(ALICE, 'kw'))
    let raced = false
    lab.calendar.beforeWrite = (request) => {
      if (raced) return
      raced = true
      const current = lab.calendar.events.get(request.eventId)
      assert.ok(current)
      lab.calendar.put({...current, body: 'Agenda: the user rewrote this.'})
    }
    const outcome = await lab.sync()
    assert.equal(lab.calendar.calls.writes.length, 2)
    assert.equal(lab.calendar.calls.reads, 1)
    assert.equal(blocks(lab, 'kw'), 1)
    assert.match(lab.calendar.events.get('kw')?.body ?? '', /^Agenda: the user rewrote this\./)
    assert.equal(outcome.counts.conflicts, 0)
  })

  it('writes the occurrences of one series one after another, so a write to one does not fail its siblings', async () => {
    lab = await EngineLab.start(new FakeCalendar('calendar', 10))
    lab.calendar.seriesShareVersion = true
    for (const n of [1, 2, 3]) {
      lab.calendar.put(
        event(ALICE, `s_${n}`, {seriesId: 's', start: `2026-12-1${n}T10:00:00Z`, end: `2026-12-1${n}T11:00:00Z`}),
      )
    }
    const outcome = await lab.sync()
    assert.deepEqual(
      [1, 2, 3].map((n) => blocks(lab, `s_${n}`)),
      [1, 1, 1],
    )
    assert.equal(outcome.counts.conflicts, 0)
    assert.equal(outcome.counts.joinBlocks.written, 3)
    lab.calendar.calls.writes.length = 0
    await lab.sync()
    assert.equal(lab.calendar.calls.writes.length, 0)
  })

  it('a meeting that keeps changing is reported as a conflict after bounded attempts, never overwritten', async () => {
    lab = await EngineLab.start()
    lab.calendar.put(event(ALICE, 'kw'))
    lab.calendar.beforeWrite = (request) => {
      const current = lab.calendar.events.get(request.eventId)
      assert.ok(current)
      lab.calendar.put({...current, title: `${current.title}!`})
    }
    const outcome = await lab.sync()
    assert.equal(lab.calendar.calls.writes.length, 3)
    assert.equal(outcome.counts.conflicts, 1)
    assert.deepEqual(
      outcome.problems.map((p) => p.code),
      ['WRITE_CONFLICT'],
    )
    assert.equal(blocks(lab, 'kw'), 0)
  })

  it('a failure on page 2 commits page 1 without the cursor; the re-run converges to the same store', async () => {
    lab = await EngineLab.start()
    for (const id of ['a', 'b', 'c', 'd']) lab.calendar.put(event(ALICE, id))
    lab.calendar.failListOn = 2
    const failure = await rejectionOf(() => lab.sync())
    assert.ok(isProviderFailure(failure))
    assert.equal(lab.store.cursors.get(ALICE, CURSOR_KIND), undefined, 'no cursor before the last page')
    assert.deepEqual(lab.storedIds(), ['a', 'b'])
    await lab.sync()
    assert.deepEqual(lab.storedIds(), ['a', 'b', 'c', 'd'])
    assert.deepEqual(
      ['a', 'b', 'c', 'd'].map((id) => blocks(lab, id)),
      [1, 1, 1, 1],
    )
    assert.equal(lab.calendar.calls.writes.length, 4, 'a block written before the failure is not written again')
  })

  it('a calendar-wide feed reads the slice a moved window newly covers without asking for a cursor, and drops what left', async () => {
    lab = await EngineLab.start()
    const today = syncWindow(new Date('2026-12-03T12:00:00Z'))
    const tomorrow = syncWindow(new Date('2026-12-04T12:00:00Z'))
    lab.calendar.put(
      event(ALICE, 'old', {start: '2026-11-26T10:00:00Z', end: '2026-11-26T11:00:00Z', location: 'Room'}),
    )
    // Beyond today's window: an unchanged meeting the feed will never mention.
    lab.calendar.put(event(ALICE, 'edge', {start: '2027-01-03T10:00:00Z', end: '2027-01-03T11:00:00Z'}))
    await lab.sync({window: today})
    assert.deepEqual(lab.storedIds(), ['old'])
    lab.calendar.calls.list.length = 0
    await lab.sync({window: tomorrow})
    assert.deepEqual(lab.storedIds(), ['edge'])
    assert.equal(blocks(lab, 'edge'), 1)
    const [slice, incremental] = lab.calendar.calls.list
    assert.deepEqual(slice?.window, {start: today.end, end: tomorrow.end})
    assert.equal(slice?.cursorNeeded, false)
    assert.ok(incremental?.cursor)
    assert.deepEqual(lab.store.cursors.state(ALICE, CURSOR_KIND)?.window, tomorrow)
  })

  it('a window-scoped feed starts a new round when the window moved', async () => {
    lab = await EngineLab.start(new FakeCalendar('window'))
    lab.calendar.put(event(ALICE, 'a', {location: 'Room'}))
    await lab.sync({window: syncWindow(new Date('2026-12-03T12:00:00Z'))})
    lab.calendar.calls.list.length = 0
    const outcome = await lab.sync({window: syncWindow(new Date('2026-12-04T12:00:00Z'))})
    assert.equal(outcome.round, 'full')
    assert.equal(lab.calendar.calls.list[0]?.cursor, undefined)
  })

  it('incremental changes outside the window are filtered out, and a stored meeting moved out leaves the store', async () => {
    lab = await EngineLab.start()
    lab.calendar.put(event(ALICE, 'a', {location: 'Room'}))
    await lab.sync()
    lab.calendar.put(event(ALICE, 'future', {start: '2028-01-01T10:00:00Z', end: '2028-01-01T11:00:00Z'}))
    lab.calendar.put(event(ALICE, 'a', {start: '2020-01-01T10:00:00Z', end: '2020-01-01T11:00:00Z', location: 'Room'}))
    const outcome = await lab.sync()
    assert.deepEqual(lab.storedIds(), [])
    assert.equal(lab.calendar.calls.writes.length, 0, 'no block for a meeting outside the window')
    assert.equal(outcome.counts.meetingsRead, 0)
  })

  it('an unreadable event is reported and the rest of the mailbox goes on', async () => {
    lab = await EngineLab.start()
    lab.calendar.put(event(ALICE, 'a'))
    const original = lab.calendar.listChanges.bind(lab.calendar)
    lab.calendar.listChanges = async (request) => {
      const page = await original(request)
      return page.kind === 'page'
        ? {...page, changes: [{type: 'unreadable', eventId: 'broken', problem: 'no start'}, ...page.changes]}
        : page
    }
    const outcome = await lab.sync()
    assert.deepEqual(
      outcome.problems.map((p) => [p.eventId, p.code]),
      [['broken', 'UNREADABLE_EVENT']],
    )
    assert.deepEqual(lab.storedIds(), ['a'])
    assert.equal(blocks(lab, 'a'), 1)
  })

  it('a dry run plans the writes and changes neither the calendar nor the store', async () => {
    lab = await EngineLab.start()
    lab.calendar.put(event(ALICE, 'kw'))
    lab.calendar.put(event(ALICE, 'plain', {location: 'Room'}))
    const outcome = await lab.sync({dryRun: true})
    assert.deepEqual(
      outcome.plan.map(({eventId, action, keyword}) => ({eventId, action, keyword})),
      [{eventId: 'kw', action: 'write', keyword: '@webex'}],
    )
    assert.equal(lab.calendar.calls.writes.length, 0)
    assert.deepEqual(lab.storedIds(), [])
    assert.equal(lab.store.cursors.get(ALICE, CURSOR_KIND), undefined)
    const real = await lab.sync()
    assert.equal(real.counts.joinBlocks.written, 1, 'the dry run left nothing that would hide the write')
  })

  it('a keyword the profile cannot render is reported per meeting, not written, and not stored', async () => {
    lab = await EngineLab.start()
    lab.calendar.put(event(ALICE, 'kw'))
    lab.calendar.put(event(ALICE, 'plain', {location: 'Room'}))
    const outcome = await lab.sync({settings: {...(await import('./lab.js')).SETTINGS, site: ''}})
    assert.deepEqual(
      outcome.problems.map((p) => [p.eventId, p.code]),
      [['kw', 'JOIN_DETAILS_UNAVAILABLE']],
    )
    assert.deepEqual(lab.storedIds(), ['plain'])
    assert.equal(lab.calendar.calls.writes.length, 0)
  })
})

import assert from 'node:assert/strict'

import {roundFor} from '../../../src/lib/sync/mailbox.js'
import {newlyCovered, overlaps, sameWindow, syncWindow} from '../../../src/lib/sync/window.js'

describe('sync window', () => {
  it('is 7 days back to 31 days ahead of UTC midnight, the same all day long', () => {
    const morning = syncWindow(new Date('2026-12-03T00:00:01Z'))
    assert.deepEqual(morning, {start: '2026-11-26T00:00:00.000Z', end: '2027-01-03T00:00:00.000Z'})
    assert.deepEqual(syncWindow(new Date('2026-12-03T23:59:59.999Z')), morning)
  })

  it('moves by exactly one day at UTC midnight', () => {
    const today = syncWindow(new Date('2026-12-03T12:00:00Z'))
    const tomorrow = syncWindow(new Date('2026-12-04T00:00:00Z'))
    assert.equal(Date.parse(tomorrow.start) - Date.parse(today.start), 86_400_000)
    assert.equal(Date.parse(tomorrow.end) - Date.parse(today.end), 86_400_000)
    assert.equal(sameWindow(today, tomorrow), false)
    assert.equal(sameWindow(today, {start: '2026-11-26T00:00:00Z', end: '2027-01-03T00:00:00Z'}), true)
  })

  it('counts an event as inside when it overlaps, with the end exclusive', () => {
    const window = {start: '2026-12-01T00:00:00Z', end: '2026-12-02T00:00:00Z'}
    assert.equal(overlaps({start: '2026-11-30T23:00:00Z', end: '2026-12-01T00:00:00Z'}, window), false)
    assert.equal(overlaps({start: '2026-11-30T23:00:00Z', end: '2026-12-01T00:30:00Z'}, window), true)
    assert.equal(overlaps({start: '2026-12-02T00:00:00Z', end: '2026-12-02T01:00:00Z'}, window), false)
    assert.equal(overlaps({start: '2026-12-01T09:00:00Z', end: '2026-12-01T09:00:00Z'}, window), true)
  })

  it('finds the slice a moved window newly covers, and none when the end did not move forward', () => {
    const covered = syncWindow(new Date('2026-12-03T12:00:00Z'))
    const moved = syncWindow(new Date('2026-12-05T12:00:00Z'))
    assert.deepEqual(newlyCovered(covered, moved), {start: covered.end, end: moved.end})
    assert.equal(newlyCovered(covered, covered), undefined)
    assert.equal(newlyCovered(moved, covered), undefined)
    // Months without a sync: the slice starts where the window starts, not at the old end.
    const later = syncWindow(new Date('2027-03-01T00:00:00Z'))
    assert.deepEqual(newlyCovered(covered, later), later)
  })

  it('plans the round from the stored cursor, its window and the feed scope', () => {
    const today = syncWindow(new Date('2026-12-03T12:00:00Z'))
    const tomorrow = syncWindow(new Date('2026-12-04T12:00:00Z'))
    assert.deepEqual(roundFor(undefined, today, 'calendar'), {kind: 'full'})
    assert.deepEqual(roundFor({cursor: 'c1'}, today, 'calendar'), {kind: 'full'}, 'a cursor without its window')
    assert.deepEqual(roundFor({cursor: 'c1', window: today}, today, 'window'), {
      kind: 'incremental',
      cursor: 'c1',
      slice: undefined,
    })
    assert.deepEqual(roundFor({cursor: 'c1', window: today}, tomorrow, 'window'), {kind: 'full'})
    assert.deepEqual(roundFor({cursor: 'c1', window: today}, tomorrow, 'folder'), {
      kind: 'incremental',
      cursor: 'c1',
      slice: {start: today.end, end: tomorrow.end},
    })
    assert.deepEqual(roundFor({cursor: 'c1', window: tomorrow}, today, 'calendar'), {kind: 'full'}, 'clock set back')
  })
})

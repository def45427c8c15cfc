import assert from 'node:assert/strict'

import {syncCursor} from '../../../src/lib/ports/calendar.js'
import type {PublishEvent} from '../../../src/lib/ports/publish.js'
import type {StoredMeeting} from '../../../src/lib/store/index.js'
import {commitPage, type PageCommit} from '../../../src/lib/sync/apply.js'
import {toStored} from '../../../src/lib/sync/decide.js'
import {CURSOR_KIND} from '../../../src/lib/sync/mailbox.js'
import {event} from './fake-calendar.js'
import {ALICE, EngineLab, SETTINGS, WINDOW} from './lab.js'

function stored(id: string, overrides: Parameters<typeof event>[2] = {}): StoredMeeting {
  return toStored(event(ALICE, id, {location: 'Room', ...overrides}), SETTINGS)
}

describe('sync engine: applying a page to the store', () => {
  let lab: EngineLab
  let published: PublishEvent[]
  beforeEach(async () => {
    lab = await EngineLab.start()
    published = []
  })
  afterEach(async () => lab.stop())

  const page = (overrides: Partial<PageCommit>): PageCommit => ({
    store: lab.store,
    mailbox: ALICE,
    cursorKind: CURSOR_KIND,
    ops: [],
    window: WINDOW,
    settings: SETTINGS,
    sink: {enqueue: (events) => published.push(...events)},
    ...overrides,
  })

  it('applies ops in page order: a later entry for the same meeting wins', () => {
    commitPage(
      page({
        ops: [
          {op: 'upsert', meeting: stored('a')},
          {op: 'remove', eventId: 'a'},
        ],
      }),
    )
    assert.deepEqual(lab.storedIds(), [])
    commitPage(
      page({
        ops: [
          {op: 'remove', eventId: 'b'},
          {op: 'upsert', meeting: stored('b')},
        ],
      }),
    )
    assert.deepEqual(lab.storedIds(), ['b'])
    assert.deepEqual(
      published.map((e) => (e.type === 'meetings.changed' ? [e.changed.map((m) => m.id), e.removed] : [])),
      [
        [[], ['a']],
        [['b'], []],
      ],
      'the later entry decides what is published',
    )
  })

  it('sweeps, at the end of a full read, what it did not see, and drops what left the window; the cursor keeps its window', () => {
    commitPage(page({ops: ['a', 'b', 'c'].map((id) => ({op: 'upsert', meeting: stored(id)}))}))
    lab.store.meetings.upsert(stored('past', {start: '2026-11-01T10:00:00Z', end: '2026-11-01T11:00:00Z'}))
    commitPage(
      page({ops: [{op: 'upsert', meeting: stored('c')}], end: {cursor: syncCursor('c9'), seen: new Set(['a', 'c'])}}),
    )
    assert.deepEqual(lab.storedIds(), ['a', 'c'])
    assert.deepEqual(lab.store.cursors.state(ALICE, CURSOR_KIND), {cursor: 'c9', window: WINDOW})
    const last = published.at(-1)
    assert.deepEqual(last?.type === 'meetings.changed' ? last.removed : undefined, ['b', 'past'])
  })

  it('an end without a cursor forgets the stored one (the next run reads in full)', () => {
    lab.store.cursors.set(ALICE, CURSOR_KIND, 'c1', WINDOW)
    commitPage(page({end: {cursor: undefined}}))
    assert.equal(lab.store.cursors.get(ALICE, CURSOR_KIND), undefined)
  })

  it('is one transaction: a failure anywhere in the page leaves the store, the cursor and the outbox as they were', () => {
    commitPage(page({ops: [{op: 'upsert', meeting: stored('a')}], end: {cursor: syncCursor('c1')}}))
    const before = {ids: lab.storedIds(), cursor: lab.store.cursors.get(ALICE, CURSOR_KIND), events: published.length}
    const broken = {...stored('z'), start: 'not a time'}
    assert.throws(() =>
      commitPage(
        page({
          ops: [
            {op: 'remove', eventId: 'a'},
            {op: 'upsert', meeting: stored('b')},
            {op: 'upsert', meeting: broken},
          ],
          end: {cursor: syncCursor('c2')},
        }),
      ),
    )
    assert.deepEqual(
      {ids: lab.storedIds(), cursor: lab.store.cursors.get(ALICE, CURSOR_KIND), events: published.length},
      before,
    )
    // The outbox enqueue runs inside the transaction too: when it fails, the page is not committed.
    assert.throws(() =>
      commitPage(
        page({
          ops: [{op: 'upsert', meeting: stored('b')}],
          end: {cursor: syncCursor('c2')},
          sink: {
            enqueue() {
              throw new Error('outbox full')
            },
          },
        }),
      ),
    )
    assert.deepEqual(lab.storedIds(), ['a'])
    assert.equal(lab.store.cursors.get(ALICE, CURSOR_KIND), 'c1')
  })
})

import assert from 'node:assert/strict'

import {lastMentions} from '../../../../src/lib/providers/microsoft/calendar/changes.js'
import {MAX_BODY_CHARS, mapGraphEvent, type GraphEvent} from '../../../../src/lib/providers/microsoft/calendar/wire.js'
import {THROTTLE_FLOOR_MS, THROTTLE_JITTER_MS, throttleDelay} from '../../../../src/lib/providers/microsoft/errors.js'

const BASE: GraphEvent = {
  '@odata.etag': 'W/"abc"',
  id: 'AAMk1',
  subject: 'Sync',
  start: {dateTime: '2030-01-07T09:30:00.0000000', timeZone: 'UTC'},
  end: {dateTime: '2030-01-07T10:00:00.0000000', timeZone: 'UTC'},
  organizer: {emailAddress: {address: 'Ann@Example.com'}},
}

/** Graph answers hcal cannot build from a live server (the sandbox renders only well-formed UTC events). */
describe('Microsoft calendar wire mapping: bad data per event', () => {
  it('reads times in an IANA zone (a proxy that ignored the UTC preference) and the change key as a token', () => {
    const mapped = mapGraphEvent(
      {
        ...BASE,
        '@odata.etag': undefined,
        changeKey: 'ck1',
        start: {dateTime: '2030-07-01T09:00:00', timeZone: 'America/New_York'},
        end: {dateTime: '2030-07-01T10:00:00', timeZone: 'America/New_York'},
      },
      'ann@example.com',
    )
    assert.ok(mapped.ok)
    assert.deepEqual(
      [mapped.event.start, mapped.event.end, mapped.event.changeToken],
      ['2030-07-01T13:00:00Z', '2030-07-01T14:00:00Z', 'W/"ck1"'],
    )
    assert.equal(mapped.event.organizer.email, 'ann@example.com')
  })

  for (const [what, event, problem] of [
    ['no start', {...BASE, start: null}, /start is missing/],
    [
      'an unknown time zone',
      {...BASE, end: {dateTime: '2030-01-07T10:00:00', timeZone: 'Mars/Olympus'}},
      /unknown time zone \(Mars\/Olympus\)/,
    ],
    [
      'an end before its start',
      {...BASE, end: {dateTime: '2030-01-07T08:00:00', timeZone: 'UTC'}},
      /ends before it starts/,
    ],
    ['no etag or change key', {...BASE, '@odata.etag': undefined}, /neither an etag nor a change key/],
    [
      'a body of several megabytes',
      {...BASE, body: {contentType: 'html', content: 'x'.repeat(MAX_BODY_CHARS + 1)}},
      /body has/,
    ],
  ] as const) {
    it(`reports an event with ${what} as unreadable, naming it`, () => {
      const mapped = mapGraphEvent(event as GraphEvent, 'ann@example.com')
      assert.equal(mapped.ok, false)
      assert.match(mapped.ok ? '' : mapped.problem, problem)
      assert.match(mapped.ok ? '' : mapped.problem, /AAMk1/)
    })
  }
})

describe('Microsoft calendar: a delta page naming an event twice, and the wait after throttling', () => {
  it('keeps the last mention of each event in a page (Graph replays), in the order of those mentions', () => {
    const page: GraphEvent[] = [
      {id: 'a', subject: 'first'},
      {id: 'b', subject: 'only'},
      {id: 'a', subject: 'second'},
      {id: 'c', '@removed': {reason: 'deleted'}},
      {id: 'c', subject: 'back'},
    ]
    assert.deepEqual(
      lastMentions(page).map((event) => [event.id, event.subject ?? 'removed']),
      [
        ['b', 'only'],
        ['a', 'second'],
        ['c', 'back'],
      ],
    )
  })

  it('waits at least the floor after a Retry-After of 1 s, plus up to the jitter, and never less than asked', () => {
    assert.equal(
      throttleDelay(1000, () => 0),
      THROTTLE_FLOOR_MS,
    )
    assert.equal(
      throttleDelay(1000, () => 0.999),
      THROTTLE_FLOOR_MS + THROTTLE_JITTER_MS - 1,
    )
    assert.equal(
      throttleDelay(30_000, () => 0),
      30_000,
    )
  })
})

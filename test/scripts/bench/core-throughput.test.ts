import assert from 'node:assert/strict'

import {measureCoreThroughput, seedEvents} from '../../../scripts/bench/core-throughput.js'

describe('core throughput (scripts/bench/core-throughput.ts)', () => {
  it('decides every copy a sync would read: the organiser’s and each attendee’s', () => {
    const events = seedEvents(6, 4)
    const organisers = events.filter((event) => event.mailbox === event.organizer.email)
    assert.equal(organisers.length, 24)
    assert.ok(events.length > organisers.length, 'attendees’ copies are decided too')
    const keyword = organisers.find((event) => /@webex|@meet/i.test(event.location))
    assert.ok(keyword, 'the seed has keyword meetings')
    const result = measureCoreThroughput(events)
    assert.equal(result.events, events.length)
    assert.ok(result.p50Ms <= result.p99Ms)
  })
})

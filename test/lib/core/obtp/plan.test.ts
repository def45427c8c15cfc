import assert from 'node:assert/strict'

import {planObtp, type ObtpRoom} from '../../../../src/lib/core/obtp/index.js'
import {acmeSettings, attendee, makeEvent, room} from '../../../fixtures/events/build.js'

const ZOOM = 'https://acme.zoom.us/j/81234567890?pwd=abc'
const ACTIVE = new Set(['jane@acme.test', 'bob@acme.test', 'carol@acme.test', 'dave@acme.test'])
const ROOMS: ObtpRoom[] = [
  {email: 'room4@acme.test', deviceSip: 'room4@acme.webex.com', active: true},
  {email: 'room5@acme.test', active: true},
  {email: 'room6@acme.test', deviceSip: 'room6@acme.webex.com', active: false},
]

function context(overrides: Partial<Parameters<typeof planObtp>[1]> = {}): Parameters<typeof planObtp>[1] {
  return {
    settings: acmeSettings(),
    isActiveUser: (email) => ACTIVE.has(email.toLowerCase()),
    rooms: ROOMS,
    ...overrides,
  }
}

const team = [
  attendee('jane@acme.test', 'organizer'),
  attendee('bob@acme.test', 'accepted'),
  attendee('carol@acme.test', 'declined'),
  attendee('dave@acme.test', 'tentative'),
  attendee('eve@partner.test', 'accepted'),
  room('room4@acme.test'),
  room('room5@acme.test'),
  room('room6@acme.test'),
]

describe('planObtp', () => {
  it('pushes to active, non-declining users and active rooms with a device, from start minus 5 minutes', () => {
    const plan = planObtp([makeEvent({location: ZOOM, attendees: team})], context())
    assert.equal(plan.length, 1)
    assert.equal(plan[0]?.showFrom, '2026-12-01T09:55:00.000Z')
    assert.equal(plan[0]?.showUntil, '2026-12-01T11:00:00.000Z')
    assert.deepEqual(plan[0]?.targets, [
      {email: 'jane@acme.test', kind: 'user', response: 'organizer', address: ZOOM},
      {email: 'bob@acme.test', kind: 'user', response: 'accepted', address: ZOOM},
      {email: 'dave@acme.test', kind: 'user', response: 'tentative', address: ZOOM},
      {email: 'room4@acme.test', kind: 'room', response: 'accepted', address: ZOOM},
    ])
  })

  it('gives devices the video address where there is one, and users the URL', () => {
    const plan = planObtp([makeEvent({location: '@webex', attendees: team})], context())
    const targets = plan[0]?.targets ?? []
    assert.equal(targets.find((t) => t.email === 'room4@acme.test')?.address, 'jane@acme.webex.com')
    assert.equal(targets.find((t) => t.email === 'bob@acme.test')?.address, 'https://acme.webex.com/meet/jane')
  })

  it('skips tentative targets when the setting says so', () => {
    const plan = planObtp([makeEvent({location: ZOOM, attendees: team})], context({tentative: 'skip'}))
    assert.ok(!plan[0]?.targets.some((t) => t.email === 'dave@acme.test'))
  })

  it('gives cancelled, all-day and unjoinable meetings nothing', () => {
    const events = [
      makeEvent({id: 'cancelled', location: ZOOM, status: 'cancelled', attendees: team}),
      makeEvent({
        id: 'all-day',
        location: ZOOM,
        allDay: true,
        start: '2026-12-01T00:00:00.000Z',
        end: '2026-12-02T00:00:00.000Z',
      }),
      makeEvent({id: 'no-link', location: 'Room 4', attendees: team}),
    ]
    assert.deepEqual(planObtp(events, context()), [])
  })

  it('honours the lead time and --at', () => {
    const event = makeEvent({location: ZOOM, attendees: team})
    assert.equal(planObtp([event], context({leadMinutes: 15}))[0]?.showFrom, '2026-12-01T09:45:00.000Z')
    assert.equal(planObtp([event], context({at: '2026-12-01T09:54:59Z'})).length, 0)
    assert.equal(planObtp([event], context({at: '2026-12-01T09:55:00Z'})).length, 1)
    assert.equal(planObtp([event], context({at: '2026-12-01T10:59:59Z'})).length, 1)
    assert.equal(planObtp([event], context({at: '2026-12-01T11:00:00Z'})).length, 0)
  })

  it('merges the copies of one meeting, each mailbox giving its owner’s response', () => {
    const organiserCopy = makeEvent({id: 'g-1', location: ZOOM, attendees: team})
    const bobCopy = makeEvent({
      id: 'g-1-bob',
      mailbox: 'bob@acme.test',
      location: ZOOM,
      attendees: team,
      myResponse: 'declined',
    })
    const plan = planObtp([bobCopy, organiserCopy], context())
    assert.equal(plan.length, 1)
    assert.equal(plan[0]?.meetingId, 'g-1')
    assert.ok(!plan[0]?.targets.some((t) => t.email === 'bob@acme.test'))
  })

  it('filters to one user or room, and hides private titles', () => {
    const plan = planObtp(
      [makeEvent({location: ZOOM, attendees: team, sensitivity: 'private'})],
      context({only: 'ROOM4@acme.test'}),
    )
    assert.deepEqual(
      plan[0]?.targets.map((t) => t.email),
      ['room4@acme.test'],
    )
    assert.equal(plan[0]?.title, null)
    assert.deepEqual(planObtp([makeEvent({location: ZOOM, attendees: team})], context({only: 'eve@partner.test'})), [])
  })
})

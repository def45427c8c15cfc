import assert from 'node:assert/strict'

import {explainObtp, type ExplainOptions} from '../../../../src/lib/core/obtp/index.js'
import {acmeSettings, attendee, makeEvent, room} from '../../../fixtures/events/build.js'

const ZOOM = 'https://acme.zoom.us/j/81234567890?pwd=abc'

function options(overrides: Partial<ExplainOptions> = {}): ExplainOptions {
  return {
    settings: acmeSettings(),
    isActiveUser: (email) => email === 'jane@acme.test' || email === 'bob@acme.test',
    rooms: [{email: 'room4@acme.test', active: true}],
    ...overrides,
  }
}

describe('explainObtp', () => {
  it('walks the chain to a Join button', () => {
    const event = makeEvent({
      location: ZOOM,
      attendees: [attendee('bob@acme.test', 'accepted'), attendee('eve@x.test', 'accepted'), room('room4@acme.test')],
    })
    assert.deepEqual(explainObtp(event, options()), {
      eventId: 'evt-1',
      checks: [
        {check: 'status', passed: true, detail: 'The meeting is confirmed.'},
        {check: 'all-day', passed: true, detail: 'The meeting has a start and end time.'},
        {check: 'join-address', passed: true, detail: `zoom meeting, ${ZOOM}, from the location.`},
        {
          check: 'timing',
          passed: true,
          detail: 'The Join button shows from 2026-12-01T09:55:00.000Z until 2026-12-01T11:00:00.000Z.',
        },
        {check: 'user jane@acme.test', passed: true, detail: `Gets ${ZOOM} (app gets the meeting URL).`},
        {check: 'user bob@acme.test', passed: true, detail: `Gets ${ZOOM} (app gets the meeting URL).`},
        {check: 'user eve@x.test', passed: false, detail: 'No button: not an active hcal user.'},
        {check: 'room room4@acme.test', passed: false, detail: 'No button: room has no device registered.'},
      ],
      verdict: {
        joinButton: true,
        summary: 'Join button for jane@acme.test, bob@acme.test from 2026-12-01T09:55:00.000Z.',
      },
    })
  })

  it('stops at a cancelled meeting', () => {
    const result = explainObtp(makeEvent({location: ZOOM, status: 'cancelled'}), options())
    assert.deepEqual(result.checks, [{check: 'status', passed: false, detail: 'The meeting is cancelled.'}])
    assert.deepEqual(result.verdict, {joinButton: false, summary: 'No Join button: the meeting is cancelled.'})
  })

  it('stops at an all-day event', () => {
    const result = explainObtp(makeEvent({location: ZOOM, allDay: true}), options())
    assert.equal(result.checks.at(-1)?.check, 'all-day')
    assert.equal(result.verdict.summary, 'No Join button: it is an all-day event.')
  })

  it('points at the room mailbox when a room’s copy lost its body', () => {
    const event = makeEvent({mailbox: 'room4@acme.test', myResponse: 'accepted', location: 'Room 4', body: ''})
    const result = explainObtp(event, options())
    const last = result.checks.at(-1)
    assert.equal(last?.check, 'join-address')
    assert.equal(last?.passed, false)
    assert.match(last?.detail ?? '', /Set-CalendarProcessing room4@acme\.test -DeleteComments \$false/)
    assert.equal(result.verdict.summary, 'No Join button: nothing to join with.')
  })

  it('reports a keyword on one occurrence and a profile without a site', () => {
    const event = makeEvent({location: '@webex', seriesId: 'weekly', body: `Zoom: ${ZOOM}`})
    const good = explainObtp(event, options())
    assert.deepEqual(good.checks[2], {
      check: 'keyword',
      passed: true,
      detail: '@webex in the location of this occurrence; it wins over any link in the body.',
    })
    const noSite = explainObtp(event, options({settings: acmeSettings({site: ''})}))
    assert.deepEqual(noSite.checks[2], {
      check: 'keyword',
      passed: false,
      detail: 'The join templates for @webex need a site, and none is set.',
    })
    assert.equal(noSite.checks[3]?.detail, `zoom meeting, ${ZOOM}, from the body.`)
  })

  it('explains for one person: declined, tentative skipped, not invited, meeting over', () => {
    const event = makeEvent({
      location: ZOOM,
      attendees: [attendee('bob@acme.test', 'declined'), attendee('jane@acme.test', 'organizer')],
    })
    assert.deepEqual(explainObtp(event, options({target: 'bob@acme.test'})).checks.at(-1), {
      check: 'user bob@acme.test',
      passed: false,
      detail: 'No button: declined the meeting.',
    })
    const tentative = makeEvent({location: ZOOM, attendees: [attendee('bob@acme.test', 'tentative')]})
    assert.equal(
      explainObtp(tentative, options({target: 'bob@acme.test', tentative: 'skip'})).checks.at(-1)?.detail,
      'No button: accepted tentatively, and tentative meetings are set to "skip".',
    )
    assert.equal(
      explainObtp(event, options({target: 'zed@acme.test'})).verdict.summary,
      'No Join button for zed@acme.test: not invited.',
    )
    const over = explainObtp(event, options({at: '2026-12-01T11:00:00.000Z'}))
    assert.deepEqual(over.verdict, {joinButton: false, summary: 'No Join button: the meeting is over.'})
  })
})

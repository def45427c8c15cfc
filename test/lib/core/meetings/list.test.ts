import assert from 'node:assert/strict'

import {buildMeetingsList, defaultWindow, resolveJoin} from '../../../../src/lib/core/meetings/index.js'
import {acmeSettings, attendee, makeEvent, room} from '../../../fixtures/events/build.js'

const ZOOM = 'https://acme.zoom.us/j/81234567890?pwd=abc'
const NOW = new Date('2026-12-01T09:00:00.000Z')

describe('resolveJoin', () => {
  const settings = acmeSettings()

  it('joins a keyword meeting with the details the keyword writes, even when the body has another link', () => {
    const resolved = resolveJoin(makeEvent({location: 'Room 4 @webex', body: `Zoom: ${ZOOM}`}), settings)
    assert.deepEqual(resolved.join, {
      url: 'https://acme.webex.com/meet/jane',
      sip: 'jane@acme.webex.com',
      service: 'webex',
    })
    assert.equal(resolved.source, 'keyword')
    assert.equal(resolved.keyword, '@webex')
    assert.equal(resolved.problem, null)
  })

  it('falls back to the parsed link and names the problem when the profile has no site', () => {
    const resolved = resolveJoin(makeEvent({location: '@webex', body: `Zoom: ${ZOOM}`}), acmeSettings({site: ''}))
    assert.equal(resolved.join?.url, ZOOM)
    assert.equal(resolved.source, 'body')
    assert.equal(resolved.problem, 'The join templates for @webex need a site, and none is set.')
  })

  it('takes a link from the location with its source', () => {
    const resolved = resolveJoin(makeEvent({location: ZOOM}), settings)
    assert.deepEqual(resolved.join, {url: ZOOM, sip: null, service: 'zoom'})
    assert.equal(resolved.source, 'location')
  })
})

describe('buildMeetingsList', () => {
  const settings = acmeSettings()

  it('defaults to 7 days back and 31 days ahead', () => {
    assert.deepEqual(defaultWindow(NOW), {from: '2026-11-24T09:00:00.000Z', to: '2027-01-01T09:00:00.000Z'})
  })

  it('lists one mailbox’s meetings in the window by start, hiding private titles', () => {
    const events = [
      makeEvent({id: 'late', start: '2026-12-03T10:00:00.000Z', end: '2026-12-03T11:00:00.000Z', location: ZOOM}),
      makeEvent({
        id: 'private',
        sensitivity: 'private',
        title: 'Medical appointment',
        start: '2026-12-02T08:00:00.000Z',
        end: '2026-12-02T09:00:00.000Z',
      }),
      makeEvent({
        id: 'confidential',
        sensitivity: 'confidential',
        title: 'Reorg',
        start: '2026-12-02T12:00:00.000Z',
        end: '2026-12-02T13:00:00.000Z',
      }),
      makeEvent({id: 'too-old', start: '2026-11-20T10:00:00.000Z', end: '2026-11-20T11:00:00.000Z'}),
      makeEvent({id: 'too-far', start: '2027-01-05T10:00:00.000Z', end: '2027-01-05T11:00:00.000Z'}),
      makeEvent({id: 'other-mailbox', mailbox: 'bob@acme.test'}),
      makeEvent({
        id: 'overlaps-start',
        start: '2026-11-24T08:00:00.000Z',
        end: '2026-11-24T10:00:00.000Z',
        attendees: [
          attendee('jane@acme.test', 'organizer'),
          attendee('bob@acme.test', 'declined', {name: 'Bob'}),
          room('room4@acme.test'),
        ],
      }),
    ]
    const list = buildMeetingsList(events, {mailbox: 'JANE@acme.test', now: NOW, settings})
    assert.deepEqual(
      list.map((e) => [e.id, e.title, e.private]),
      [
        ['overlaps-start', 'Quarterly review', false],
        ['private', null, true],
        ['confidential', null, true],
        ['late', 'Quarterly review', false],
      ],
    )
    assert.deepEqual(list[0]?.invitees, [
      {email: 'bob@acme.test', name: 'Bob', response: 'declined', room: false},
      {email: 'room4@acme.test', name: null, response: 'accepted', room: true},
    ])
    assert.deepEqual(list[0]?.organizer, {email: 'jane@acme.test', name: 'Jane Doe'})
    assert.equal(list[0]?.join, null)
    assert.deepEqual(list[3]?.join, {url: ZOOM, sip: null, service: 'zoom'})
    assert.equal(list[3]?.source, 'location')
  })

  it('leaves out meetings that only touch the window: ending as it opens or starting as it closes', () => {
    const from = '2026-12-04T00:00:00.000Z'
    const to = '2026-12-06T00:00:00.000Z'
    const events = [
      makeEvent({id: 'ends-at-from', start: '2026-12-03T23:00:00.000Z', end: from}),
      makeEvent({id: 'ends-just-after-from', start: '2026-12-03T23:00:00.000Z', end: '2026-12-04T00:00:01.000Z'}),
      makeEvent({id: 'starts-just-before-to', start: '2026-12-05T23:59:59.000Z', end: '2026-12-06T01:00:00.000Z'}),
      makeEvent({id: 'starts-at-to', start: to, end: '2026-12-06T01:00:00.000Z'}),
    ]
    assert.deepEqual(
      buildMeetingsList(events, {from, to, settings}).map((e) => e.id),
      ['ends-just-after-from', 'starts-just-before-to'],
    )
    // The default window has the same edges: 7 days back and 31 days ahead of now.
    const window = defaultWindow(NOW)
    const edges = [
      makeEvent({id: 'ends-at-default-from', start: '2026-11-24T08:00:00.000Z', end: window.from}),
      makeEvent({id: 'starts-at-default-to', start: window.to, end: '2027-01-01T10:00:00.000Z'}),
    ]
    assert.deepEqual(buildMeetingsList(edges, {now: NOW, settings}), [])
  })

  it('takes an explicit window', () => {
    const events = [
      makeEvent({id: 'a'}),
      makeEvent({id: 'b', start: '2026-12-05T10:00:00.000Z', end: '2026-12-05T11:00:00.000Z'}),
    ]
    const list = buildMeetingsList(events, {from: '2026-12-04T00:00:00Z', to: '2026-12-06T00:00:00Z', settings})
    assert.deepEqual(
      list.map((e) => e.id),
      ['b'],
    )
  })
})

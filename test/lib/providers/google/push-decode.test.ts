import assert from 'node:assert/strict'

import type {WebhookRequest} from '../../../../src/lib/ports/calendar.js'
import {decodeGoogleWebhook, ttlSeconds} from '../../../../src/lib/providers/google/calendar/push.js'

/** A channel message as Google posts it (no body; everything in headers), with `headers` replacing some. */
function message(headers: Record<string, string | undefined> = {}, method = 'POST'): WebhookRequest {
  return {
    method,
    url: '/notify/google',
    headers: {
      'x-goog-channel-id': 'f1d7b7a2-0c1e-4a57-9a61-3f1f4c1b2d3e',
      'x-goog-channel-token': 'the-client-state',
      'x-goog-channel-expiration': 'Thu, 10 Dec 2026 18:00:00 GMT',
      'x-goog-message-number': '7',
      'x-goog-resource-id': 'ret08u3rv24htgh289g',
      'x-goog-resource-state': 'exists',
      'x-goog-resource-uri': 'https://www.googleapis.com/calendar/v3/calendars/a%40example.com/events',
      ...headers,
    },
    body: '',
  }
}

/**
 * Google channel messages read by decodeWebhook: the three resource states as the port's signals, the channel
 * token as the clientState and the message number as the sequence; anything not shaped like Google's is
 * invalid (the listener answers 400 and acts on nothing).
 */
describe('Google push: decoding channel messages', () => {
  it('reads exists as changed, with the channel id, token and message number', () => {
    assert.deepEqual(decodeGoogleWebhook(message()), {
      kind: 'notifications',
      notifications: [
        {
          subscriptionId: 'f1d7b7a2-0c1e-4a57-9a61-3f1f4c1b2d3e',
          clientState: 'the-client-state',
          signal: 'changed',
          sequence: 7,
        },
      ],
    })
  })

  it('reads sync as sync and not_exists as removed', () => {
    const signals = ['sync', 'not_exists'].map((state) => {
      const reading = decodeGoogleWebhook(message({'x-goog-resource-state': state}))
      assert.equal(reading.kind, 'notifications')
      return reading.notifications[0]?.signal
    })
    assert.deepEqual(signals, ['sync', 'removed'])
  })

  it('leaves the clientState out of a message without a channel token (the listener rejects it as forged)', () => {
    const reading = decodeGoogleWebhook(message({'x-goog-channel-token': undefined}))
    assert.equal(reading.kind, 'notifications')
    assert.equal(Object.hasOwn(reading.notifications[0] ?? {}, 'clientState'), false)
  })

  const garbled: [string, WebhookRequest][] = [
    ['no channel id', message({'x-goog-channel-id': undefined})],
    ['an empty channel id', message({'x-goog-channel-id': ''})],
    ['no resource state', message({'x-goog-resource-state': undefined})],
    ['an unknown resource state', message({'x-goog-resource-state': 'update'})],
    ['a resource state of an inherited property name', message({'x-goog-resource-state': 'constructor'})],
    ['no message number', message({'x-goog-message-number': undefined})],
    ['a message number that is not a number', message({'x-goog-message-number': '7; drop'})],
    ['a negative message number', message({'x-goog-message-number': '-1'})],
    ['a message number of zero', message({'x-goog-message-number': '0'})],
    ['a GET', message({}, 'GET')],
  ]
  for (const [what, request] of garbled) {
    it(`reads a message with ${what} as invalid`, () => {
      const reading = decodeGoogleWebhook(request)
      assert.equal(reading.kind, 'invalid')
      assert.ok(reading.reason.length > 0)
    })
  }

  it('asks for the seconds until the requested expiry, at least 1 and at most the 7 days hcal assumes', () => {
    const now = Date.parse('2026-12-03T12:00:00Z')
    assert.equal(ttlSeconds('2026-12-03T13:00:00Z', now), 3600)
    assert.equal(ttlSeconds('2026-12-03T12:00:00.400Z', now), 1)
    assert.equal(ttlSeconds('2026-12-01T12:00:00Z', now), 1)
    assert.equal(ttlSeconds('2027-01-03T12:00:00Z', now), 604_800)
    assert.throws(() => ttlSeconds('next week', now), /not an ISO instant/)
  })
})

import assert from 'node:assert/strict'

import type {WebhookRequest} from '../../../../src/lib/ports/calendar.js'
import {cappedExpiry} from '../../../../src/lib/providers/microsoft/calendar/push.js'
import {decodeGraphWebhook} from '../../../../src/lib/providers/microsoft/calendar/webhook.js'

const SUBSCRIPTION = '7f105c7d-2dc5-4530-97cd-4e7ae6534c07'

function post(body: unknown, url = '/notify/microsoft'): WebhookRequest {
  return {
    method: 'POST',
    url,
    headers: {'content-type': 'application/json; charset=utf-8'},
    body: typeof body === 'string' ? body : JSON.stringify(body),
  }
}

const change = (extra: Record<string, unknown> = {}) => ({
  subscriptionId: SUBSCRIPTION,
  subscriptionExpirationDateTime: '2026-12-05T18:00:00Z',
  changeType: 'updated',
  resource: 'Users/1/Events/AAMk1',
  resourceData: {'@odata.type': '#Microsoft.Graph.Event', id: 'AAMk1'},
  clientState: 'the-client-state',
  tenantId: '00000000-0000-0000-0000-000000000001',
  ...extra,
})

const lifecycle = (event: string) => ({
  subscriptionId: SUBSCRIPTION,
  subscriptionExpirationDateTime: '2026-12-05T18:00:00Z',
  tenantId: '00000000-0000-0000-0000-000000000001',
  clientState: 'the-client-state',
  lifecycleEvent: event,
})

/**
 * What Graph posts, read by decodeWebhook: the validationToken handshake, change notifications, lifecycle
 * notifications as the port's signals, and anything else (forged or garbled) as invalid, acted on in no part.
 */
describe('Graph push: decoding notifications', () => {
  it('answers the handshake with the URL-decoded token', () => {
    const token = 'Validation: Testing client application reachability for subscription Request-Id: 1a2b'
    const reading = decodeGraphWebhook(post('', `/notify/microsoft?validationToken=${encodeURIComponent(token)}`))
    assert.deepEqual(reading, {kind: 'handshake', body: token})
  })

  it('reads change notifications as changed, each with its subscription and clientState', () => {
    const reading = decodeGraphWebhook(
      post({value: [change(), change({changeType: 'created', subscriptionId: 'other', clientState: null})]}),
    )
    assert.deepEqual(reading, {
      kind: 'notifications',
      notifications: [
        {subscriptionId: SUBSCRIPTION, clientState: 'the-client-state', signal: 'changed'},
        {subscriptionId: 'other', signal: 'changed'},
      ],
    })
  })

  it('reads the three lifecycle events as reauthorizationRequired, missed and removed', () => {
    const reading = decodeGraphWebhook(
      post({value: ['reauthorizationRequired', 'missed', 'subscriptionRemoved'].map(lifecycle)}),
    )
    assert.equal(reading.kind, 'notifications')
    assert.deepEqual(
      reading.notifications.map((n) => [n.subscriptionId, n.clientState, n.signal]),
      [
        [SUBSCRIPTION, 'the-client-state', 'reauthorizationRequired'],
        [SUBSCRIPTION, 'the-client-state', 'missed'],
        [SUBSCRIPTION, 'the-client-state', 'removed'],
      ],
    )
  })

  const garbled: [string, WebhookRequest][] = [
    ['a body that is not JSON', post('{"value": [')],
    ['an empty body', post('')],
    ['JSON that is not an object', post('[1,2]')],
    ['no value array', post({notifications: [change()]})],
    ['an empty value array', post({value: []})],
    ['an entry that is not an object', post({value: ['hello']})],
    ['an entry without a subscriptionId', post({value: [change({subscriptionId: undefined})]})],
    ['a numeric subscriptionId', post({value: [change({subscriptionId: 42})]})],
    ['a clientState that is not a string', post({value: [change({clientState: {secret: true}})]})],
    ['an unknown lifecycle event', post({value: [lifecycle('subscriptionPaused')]})],
    ['a lifecycle event of an inherited property name', post({value: [lifecycle('toString')]})],
    ['neither a change type nor a lifecycle event', post({value: [change({changeType: undefined})]})],
    ['an unknown change type', post({value: [change({changeType: 'moved'})]})],
    ['one good and one garbled entry', post({value: [change(), {subscriptionId: ''}]})],
    ['an empty validationToken', post('', '/notify/microsoft?validationToken=')],
    ['a GET', {...post({value: [change()]}), method: 'GET'}],
  ]
  for (const [what, request] of garbled) {
    it(`reads ${what} as invalid`, () => {
      const reading = decodeGraphWebhook(request)
      assert.equal(reading.kind, 'invalid')
      assert.ok(reading.reason.length > 0)
    })
  }

  it('asks for the requested expiry, or just under the 4,230 minutes Graph allows', () => {
    const now = Date.parse('2026-12-03T12:00:00Z')
    assert.equal(cappedExpiry('2026-12-04T12:00:00Z', now), '2026-12-04T12:00:00.000Z')
    const capped = Date.parse(cappedExpiry('2026-12-13T12:00:00Z', now))
    assert.ok(capped <= now + 4230 * 60_000, 'within Graph maximum')
    assert.ok(capped >= now + 4220 * 60_000, 'close to it')
    assert.throws(() => cappedExpiry('soon', now), /not an ISO instant/)
  })
})

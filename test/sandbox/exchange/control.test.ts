import assert from 'node:assert/strict'

import {request} from 'undici'

import {itemsOf, startExchange, type ExchangeHarness} from './harness.js'

interface ControlError {
  error: {code: string; message: string}
}

describe('Exchange emulator control routes answer JSON errors', function () {
  let h: ExchangeHarness
  let user: string
  let itemId: string
  const items = () => `/_sandbox/exchange/mailboxes/${user}/items`
  const item = () => `${items()}/${encodeURIComponent(itemId)}`
  const slot = {start: '2030-06-01T09:00:00Z', end: '2030-06-01T09:30:00Z'}

  /** A control call that must fail with `status` and the control API's `{error: {code, message}}` body. */
  const refused = async (status: number, code: string, method: string, path: string, body?: unknown) => {
    const answer = await h.control(method, path, body)
    assert.equal(answer.status, status, `${method} ${path}`)
    const error = (answer.body as ControlError).error
    assert.equal(error.code, code, error.message)
    assert.ok(error.message.length > 0)
    return error
  }

  before(async () => {
    h = await startExchange()
    user = h.seed.users[0]?.email ?? ''
    const [first] = await itemsOf(h, user)
    assert.ok(first)
    itemId = first.id
  })
  after(async () => h.stop())

  it('answers an unknown control route with 404 route_not_found', async () => {
    const error = await refused(404, 'route_not_found', 'GET', '/_sandbox/exchange/no-such-route')
    assert.match(error.message, /GET \/_sandbox\/exchange\/no-such-route/)
  })

  it('answers a body that is not JSON with 400 invalid_request, not a framework error', async () => {
    const answer = await request(new URL(`${items()}`, h.sandbox.origin), {
      method: 'POST',
      dispatcher: h.agent,
      headers: {authorization: `Bearer ${h.sandbox.controlToken}`, 'content-type': 'application/json'},
      body: '{"subject": ',
    })
    assert.equal(answer.statusCode, 400)
    const body = (await answer.body.json()) as ControlError & Record<string, unknown>
    assert.equal(body.error.code, 'invalid_request')
    assert.equal(body.statusCode, undefined)
  })

  it('answers an unknown mailbox or item with 404 on every item route', async () => {
    const nobody = `/_sandbox/exchange/mailboxes/nobody@${h.seed.domain}`
    await refused(404, 'mailbox_not_found', 'GET', `${nobody}/items`)
    await refused(404, 'mailbox_not_found', 'POST', `${nobody}/items`, slot)
    await refused(404, 'mailbox_not_found', 'PUT', `${nobody}/oof`, {state: 'Enabled'})
    for (const method of ['GET', 'PATCH', 'DELETE']) {
      await refused(404, 'item_not_found', method, `${items()}/AAMkInoSuchItem`, method === 'PATCH' ? {} : undefined)
    }
  })

  it('refuses new items without times, with end before start, a wrong type or an unknown field, and creates none of a bad batch', async () => {
    const before = (await itemsOf(h, user)).length
    await refused(400, 'invalid_item', 'POST', items(), {subject: 'no times'})
    await refused(400, 'invalid_item', 'POST', items(), {start: slot.end, end: slot.start})
    await refused(400, 'invalid_item', 'POST', items(), {...slot, start: 'tomorrow'})
    await refused(400, 'invalid_item', 'POST', items(), {...slot, subject: 42})
    await refused(400, 'invalid_item', 'POST', items(), {...slot, attendees: 'someone@example.com'})
    await refused(400, 'invalid_item', 'POST', items(), {...slot, colour: 'red'})
    await refused(400, 'invalid_item', 'POST', items(), [{...slot, subject: 'good'}, {subject: 'bad'}])
    await refused(400, 'invalid_item', 'POST', items(), 'just a string')
    assert.equal((await itemsOf(h, user)).length, before)
  })

  it('refuses an edit that ends the item before it starts or has a wrong type, and leaves the item as it was', async () => {
    const current = (await h.control('GET', item())).body as {start: string; changeKey: string}
    await refused(400, 'invalid_item', 'PATCH', item(), {end: '2000-01-01T00:00:00Z'})
    await refused(400, 'invalid_item', 'PATCH', item(), {location: ['Room 1']})
    await refused(400, 'invalid_item', 'PATCH', item(), {bodyType: 'RTF'})
    const after = (await h.control('GET', item())).body as {start: string; changeKey: string}
    assert.deepEqual(after, current)
  })

  it('refuses an out-of-office state, policy or streaming setting it does not know', async () => {
    await refused(400, 'invalid_oof', 'PUT', `/_sandbox/exchange/mailboxes/${user}/oof`, {state: 'Away'})
    await refused(400, 'invalid_oof', 'PUT', `/_sandbox/exchange/mailboxes/${user}/oof`, {
      state: 'Scheduled',
      start: 'soon',
    })
    await refused(400, 'invalid_policy', 'PUT', '/_sandbox/exchange/impersonation', {enabled: 'yes'})
    await refused(400, 'invalid_policy', 'PUT', '/_sandbox/exchange/impersonation', {enabled: true, scope: 'all'})
    await refused(400, 'invalid_policy', 'PUT', '/_sandbox/exchange/throttling', {maxConcurrency: 0})
    await refused(400, 'invalid_policy', 'PUT', '/_sandbox/exchange/throttling', {maxStreamingConnections: 1.5})
    await refused(400, 'invalid_policy', 'PUT', '/_sandbox/exchange/throttling', {backOffMs: -1})
    await refused(400, 'invalid_settings', 'PUT', '/_sandbox/exchange/streaming', {keepAliveMs: 5})
    await refused(400, 'invalid_settings', 'PUT', '/_sandbox/exchange/streaming', {minuteMs: '1000'})
  })

  it('refuses to invalidate the sync states of an unknown mailbox, and counts the ones it invalidates', async () => {
    await refused(404, 'mailbox_not_found', 'POST', '/_sandbox/exchange/sync-states/invalidate', {
      mailbox: `nobody@${h.seed.domain}`,
    })
    await refused(400, 'invalid_request', 'POST', '/_sandbox/exchange/sync-states/invalidate', {mailbox: 7})
    const one = await h.control('POST', '/_sandbox/exchange/sync-states/invalidate', {mailbox: user})
    assert.deepEqual(one.body, {invalidated: 1})
    const all = await h.control('POST', '/_sandbox/exchange/sync-states/invalidate', {})
    assert.deepEqual(all.body, {invalidated: h.seed.users.length + h.seed.rooms.length})
  })

  it('requires the control token on its routes (401 with the JSON error)', async () => {
    const answer = await request(new URL(items(), h.sandbox.origin), {dispatcher: h.agent})
    assert.equal(answer.statusCode, 401)
    assert.equal(((await answer.body.json()) as ControlError).error.code, 'unauthorized')
  })
  it('creates a recurring series, edits and deletes one occurrence, cancels an item, and refuses what does not apply', async () => {
    const created = await h.control('POST', items(), {
      ...slot,
      subject: 'series',
      recurrence: {freq: 'DAILY', count: 3},
    })
    assert.equal(created.status, 201)
    const series = (created.body as {items: {id: string; recurrence: {count: number}}[]}).items[0]
    assert.equal(series?.recurrence.count, 3)
    const occurrence = (index: number) => `${items()}/${encodeURIComponent(series?.id ?? '')}/occurrences/${index}`
    const moved = await h.control('PATCH', occurrence(1), {location: 'elsewhere', start: '2030-06-02T10:00:00Z'})
    const overrides = (
      moved.body as {recurrence: {overrides: Record<string, {location?: string; startShiftMinutes?: number}>}}
    ).recurrence.overrides
    assert.deepEqual([overrides['1']?.location, overrides['1']?.startShiftMinutes], ['elsewhere', 60])
    const deleted = await h.control('PATCH', occurrence(2), {cancelled: true})
    assert.equal(
      (deleted.body as {recurrence: {overrides: Record<string, {cancelled?: boolean}>}}).recurrence.overrides['2']
        ?.cancelled,
      true,
    )
    await refused(400, 'invalid_item', 'PATCH', occurrence(2), {subject: 'x'})
    await refused(400, 'invalid_item', 'PATCH', occurrence(3), {subject: 'x'})
    await refused(400, 'invalid_item', 'PATCH', `${item()}/occurrences/0`, {subject: 'x'})
    await refused(400, 'invalid_item', 'POST', items(), {...slot, recurrence: {freq: 'YEARLY', count: 2}})
    await refused(400, 'invalid_item', 'PATCH', item(), {recurrence: {freq: 'DAILY', count: 2}})
    const cancelled = await h.control('PATCH', item(), {cancelled: true})
    assert.equal((cancelled.body as {isCancelled: boolean}).isCancelled, true)
    await h.control('PATCH', item(), {cancelled: false})
  })
})

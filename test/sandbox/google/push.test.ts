import assert from 'node:assert/strict'

import {httpFailure, inHours, startGoogleSandbox, startReceiver, type GoogleSandbox} from './helpers.js'

describe('Google emulator: push channels (events.watch, channels.stop)', () => {
  let google: GoogleSandbox
  let receiver: Awaited<ReturnType<typeof startReceiver>>
  let alice: string

  before(async () => {
    google = await startGoogleSandbox()
    alice = google.users[0] ?? ''
    receiver = await startReceiver(google.leaf)
  })
  after(async () => {
    await receiver.close()
    await google.stop()
  })

  const fromChannel = (id: string, after = 0) =>
    receiver.received.slice(after).filter((request) => request.headers['x-goog-channel-id'] === id)

  /**
   * Opens a sentinel channel on `owner`'s calendar, waits for its sync, makes an end-user edit and waits
   * for the sentinel's `exists`: by then any channel that still listened to the calendar got its own
   * notification too (deliveries for one change go out in channel order, the sentinel last).
   */
  const editAndWaitForSentinel = async (owner: string, sentinelId: string, title: string) => {
    const {calendar} = google.clients(owner)
    const start = receiver.received.length
    await calendar.events.watch({
      calendarId: 'primary',
      requestBody: {id: sentinelId, type: 'web_hook', address: receiver.url},
    })
    await receiver.waitFor(start + 1)
    assert.equal((await userEdit(owner, title)).status, 201)
    await receiver.waitFor(start + 2)
    assert.deepEqual(
      fromChannel(sentinelId, start).map((request) => request.headers['x-goog-resource-state']),
      ['sync', 'exists'],
    )
    return start
  }

  const userEdit = (owner: string, title: string) =>
    google.sandbox.control('POST', `/_sandbox/google/calendars/${owner}/events`, {
      title,
      start: inHours(20),
      end: inHours(21),
    })

  it('sends sync, then exists after an end-user edit, and stops after channels.stop', async () => {
    const {calendar} = google.clients(alice)
    const asked = Date.now()
    const watch = await calendar.events.watch({
      calendarId: 'primary',
      requestBody: {id: 'hcal-channel-1', type: 'web_hook', address: receiver.url, token: 'tenant=acme'},
    })
    const answered = Date.now()
    assert.equal(watch.data.id, 'hcal-channel-1')
    assert.ok(watch.data.resourceId)
    const expiration = Number(watch.data.expiration)
    const week = 7 * 86_400_000
    assert.ok(expiration >= asked + week && expiration <= answered + week, 'the default TTL is 7 days')

    await receiver.waitFor(1)
    const sync = receiver.received[0]?.headers ?? {}
    assert.equal(sync['x-goog-resource-state'], 'sync')
    assert.equal(sync['x-goog-message-number'], '1')
    assert.equal(sync['x-goog-channel-id'], 'hcal-channel-1')
    assert.equal(sync['x-goog-channel-token'], 'tenant=acme')
    assert.equal(sync['x-goog-resource-id'], watch.data.resourceId)
    assert.equal(sync['x-goog-resource-uri'], watch.data.resourceUri)
    assert.ok(sync['x-goog-channel-expiration'])

    assert.equal((await userEdit(alice, 'Edited in the calendar UI')).status, 201)
    await receiver.waitFor(2)
    const exists = receiver.received[1]?.headers ?? {}
    assert.equal(exists['x-goog-resource-state'], 'exists')
    assert.ok(Number(exists['x-goog-message-number']) > 1)

    const stop = await calendar.channels.stop({requestBody: {id: 'hcal-channel-1', resourceId: watch.data.resourceId}})
    assert.equal(stop.status, 204)
    const afterStop = await editAndWaitForSentinel(alice, 'sentinel-after-stop', 'After stop')
    assert.deepEqual(fromChannel('hcal-channel-1', afterStop), [])
  })

  it('answers channels.stop for an unknown channel with 404', async () => {
    const {calendar} = google.clients(alice)
    const failure = await httpFailure(() =>
      calendar.channels.stop({requestBody: {id: 'no-such-channel', resourceId: 'nope'}}),
    )
    assert.equal(failure.status, 404)
    assert.equal((failure.data as {error: {errors: {reason: string}[]}}).error.errors[0]?.reason, 'notFound')
  })

  it('refuses a non-HTTPS address with 400 push.webhookUrlNotHttps', async () => {
    const {calendar} = google.clients(alice)
    const address = receiver.url.replace('https:', 'http:')
    const failure = await httpFailure(() =>
      calendar.events.watch({calendarId: 'primary', requestBody: {id: 'plain-http', type: 'web_hook', address}}),
    )
    assert.equal(failure.status, 400)
    assert.deepEqual((failure.data as {error: {errors: unknown[]}}).error.errors, [
      {domain: 'global', reason: 'push.webhookUrlNotHttps', message: `WebHook callback must be HTTPS: ${address}`},
    ])
  })

  it('delivers nothing on an expired channel', async () => {
    const bob = google.users[1] ?? ''
    const {calendar} = google.clients(bob)
    const before = receiver.received.length
    await calendar.events.watch({
      calendarId: 'primary',
      requestBody: {id: 'expiring', type: 'web_hook', address: receiver.url},
    })
    await receiver.waitFor(before + 1)
    const expired = await google.sandbox.control('POST', '/_sandbox/google/channels/expire', {calendar: bob})
    assert.deepEqual(expired.body, {expired: 1})
    const afterExpiry = await editAndWaitForSentinel(bob, 'sentinel-after-expiry', 'Only the sentinel hears this')
    assert.deepEqual(fromChannel('expiring', afterExpiry), [])
  })

  it('sends not_exists when the watched calendar is gone', async () => {
    const carol = google.users[2] ?? ''
    const {calendar} = google.clients(carol)
    const before = receiver.received.length
    await calendar.events.watch({
      calendarId: 'primary',
      requestBody: {id: 'doomed', type: 'web_hook', address: receiver.url},
    })
    await receiver.waitFor(before + 1)
    assert.equal((await google.sandbox.control('DELETE', `/_sandbox/google/calendars/${carol}`)).status, 204)
    await receiver.waitFor(before + 2)
    assert.equal(receiver.received[before + 1]?.headers['x-goog-resource-state'], 'not_exists')
  })
})

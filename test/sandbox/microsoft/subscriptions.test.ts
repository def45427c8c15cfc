import assert from 'node:assert/strict'

import type {Client} from '@microsoft/microsoft-graph-client'

import {graphFailure, isoIn, startMicrosoftSandbox, startReceiver, type MicrosoftSandbox} from './helpers.js'

interface GraphSubscription {
  id: string
  resource: string
  changeType: string
  clientState: string
  expirationDateTime: string
}

interface NotificationBody {
  value: Record<string, unknown>[]
}

describe('sandbox microsoft: Graph subscriptions through the Graph client 3', () => {
  let ms: MicrosoftSandbox
  let graph: Client
  let user: string
  let receiver: Awaited<ReturnType<typeof startReceiver>>

  before(async () => {
    ms = await startMicrosoftSandbox()
    graph = ms.clients().graph
    user = ms.users[3] ?? ''
    receiver = await startReceiver(ms.leaf)
  })
  after(async () => {
    await receiver.close()
    await ms.stop()
  })

  const subscribe = (overrides: Record<string, unknown> = {}) =>
    graph.api('/subscriptions').post({
      changeType: 'created,updated,deleted',
      notificationUrl: `${receiver.origin}/graph/notify`,
      lifecycleNotificationUrl: `${receiver.origin}/graph/lifecycle`,
      resource: `/users/${user}/events`,
      expirationDateTime: isoIn(48),
      clientState: 'hcal-secret-state',
      ...overrides,
    }) as Promise<GraphSubscription>

  const postsTo = (path: string) =>
    receiver.received.filter((p) => p.url.startsWith(path)).map((p) => JSON.parse(p.body) as NotificationBody)

  it('validates both URLs with the validationToken handshake, then notifies an end-user edit with clientState', async () => {
    const handshakesBefore = receiver.handshakes.length
    const subscription = await subscribe()
    assert.equal(receiver.handshakes.length - handshakesBefore, 2)
    assert.match(receiver.handshakes.at(-1) ?? '', /^Validation: /)
    assert.equal(subscription.clientState, 'hcal-secret-state')
    const listed = (await graph.api('/subscriptions').get()) as {value: GraphSubscription[]}
    assert.ok(listed.value.some((s) => s.id === subscription.id))

    const truth = (await ms.control('GET', `/_sandbox/microsoft/mailboxes/${user}/events`)).body as {
      id: string
      value: {id: string; type: string}[]
    }
    const target = truth.value.find((e) => e.type === 'singleInstance')
    assert.ok(target)
    const seen = receiver.received.length
    const edit = await ms.control('PATCH', `/_sandbox/microsoft/mailboxes/${user}/events/${target.id}`, {
      subject: 'Moved by the user',
    })
    assert.equal(edit.status, 200)
    await receiver.waitFor(seen + 1)
    const notification = JSON.parse(receiver.received[seen]?.body ?? '{}') as NotificationBody
    const [item] = notification.value
    assert.ok(item)
    assert.equal(item.subscriptionId, subscription.id)
    assert.equal(item.clientState, 'hcal-secret-state')
    assert.equal(item.changeType, 'updated')
    assert.equal(item.tenantId, ms.credentials.tenantId)
    assert.equal(item.resource, `Users/${truth.id}/Events/${target.id}`)
    assert.deepEqual(
      {...(item.resourceData as Record<string, unknown>), '@odata.etag': undefined},
      {
        '@odata.type': '#Microsoft.Graph.Event',
        '@odata.id': `Users/${truth.id}/Events/${target.id}`,
        '@odata.etag': undefined,
        id: target.id,
      },
    )
    assert.equal(receiver.received[seen]?.url, '/graph/notify')
    await graph.api(`/subscriptions/${subscription.id}`).delete()
  })

  it('drops notifications at the configured fault rate (and only then)', async () => {
    const subscription = await subscribe({changeType: 'created'})
    const create = (subject: string) =>
      ms.control('POST', `/_sandbox/microsoft/mailboxes/${user}/events`, {
        subject,
        start: {dateTime: '2030-03-01T10:00:00', timeZone: 'UTC'},
        end: {dateTime: '2030-03-01T11:00:00', timeZone: 'UTC'},
      }) as Promise<{body: {id: string}}>
    const seen = receiver.received.length
    await ms.control('PUT', '/_sandbox/faults', {dropNotificationRate: 1, providers: ['microsoft']})
    await create('Dropped')
    await ms.control('PUT', '/_sandbox/faults', {})
    const delivered = await create('Delivered')
    await receiver.waitFor(seen + 1)
    const ids = receiver.received
      .slice(seen)
      .map((p) => (JSON.parse(p.body) as NotificationBody).value[0]?.resourceData)
    assert.deepEqual(
      ids.map((d) => (d as {id: string}).id),
      [delivered.body.id],
    )
    await graph.api(`/subscriptions/${subscription.id}`).delete()
  })

  it('renews with PATCH and stops notifying after DELETE', async () => {
    const subscription = await subscribe({changeType: 'created'})
    const renewed = (await graph
      .api(`/subscriptions/${subscription.id}`)
      .patch({expirationDateTime: isoIn(70)})) as GraphSubscription
    assert.ok(Date.parse(renewed.expirationDateTime) > Date.parse(subscription.expirationDateTime))
    await graph.api(`/subscriptions/${subscription.id}`).delete()
    const error = await graphFailure(() => graph.api(`/subscriptions/${subscription.id}`).get())
    assert.equal(error.statusCode, 404)
    const seen = receiver.received.length
    await ms.control('POST', `/_sandbox/microsoft/mailboxes/${user}/events`, {
      subject: 'After delete',
      start: {dateTime: '2030-02-01T10:00:00', timeZone: 'UTC'},
      end: {dateTime: '2030-02-01T11:00:00', timeZone: 'UTC'},
    })
    await new Promise((resolve) => setTimeout(resolve, 200))
    assert.equal(receiver.received.length, seen)
  })

  it('sends reauthorizationRequired and missed lifecycle notifications, and subscriptionRemoved when it expires', async () => {
    const subscription = await subscribe()
    const seen = receiver.received.length
    for (const event of ['reauthorizationRequired', 'missed']) {
      const sent = await ms.control('POST', `/_sandbox/microsoft/subscriptions/${subscription.id}/lifecycle`, {event})
      assert.equal(sent.status, 200)
    }
    const expired = await ms.control('POST', '/_sandbox/microsoft/subscriptions/expire', {mailbox: user})
    assert.equal((expired.body as {removed: number}).removed, 1)
    await receiver.waitFor(seen + 3)
    // Deliveries run concurrently, so (like Graph's) they may arrive in any order.
    const lifecycle = postsTo('/graph/lifecycle').slice(-3)
    assert.deepEqual(
      lifecycle.map((n) => [n.value[0]?.lifecycleEvent, n.value[0]?.subscriptionId, n.value[0]?.clientState]).sort(),
      [
        ['missed', subscription.id, 'hcal-secret-state'],
        ['reauthorizationRequired', subscription.id, 'hcal-secret-state'],
        ['subscriptionRemoved', subscription.id, 'hcal-secret-state'],
      ],
    )
    const error = await graphFailure(() => graph.api(`/subscriptions/${subscription.id}`).get())
    assert.equal(error.statusCode, 404)
  })

  it('refuses a notificationUrl that fails the handshake with 400 ValidationError', async () => {
    const liar = await startReceiver(ms.leaf, 'wrong')
    try {
      const error = await graphFailure(() =>
        subscribe({notificationUrl: `${liar.origin}/notify`, lifecycleNotificationUrl: undefined}),
      )
      assert.equal(error.statusCode, 400)
      assert.equal(error.code, 'ValidationError')
      assert.match(error.message, /Subscription validation request failed/)
      assert.equal(liar.handshakes.length, 1)
    } finally {
      await liar.close()
    }
  })

  it('refuses a lifecycleNotificationUrl that nothing answers with 400 ValidationError', async () => {
    const error = await graphFailure(() => subscribe({lifecycleNotificationUrl: 'https://127.0.0.1:9/lifecycle'}))
    assert.equal(error.statusCode, 400)
    assert.equal(error.code, 'ValidationError')
  })

  it('refuses an expiration beyond 4,230 minutes with 400 ExtensionError', async () => {
    const error = await graphFailure(() => subscribe({expirationDateTime: isoIn(4231 / 60)}))
    assert.equal(error.statusCode, 400)
    assert.equal(error.code, 'ExtensionError')
    assert.equal(error.message, 'Subscription expiration can only be 4230 minutes in the future.')
  })

  it('refuses a plain-http notificationUrl with 400', async () => {
    const error = await graphFailure(() => subscribe({notificationUrl: 'http://127.0.0.1:8080/notify'}))
    assert.equal(error.statusCode, 400)
    assert.equal(error.code, 'ValidationError')
  })
})

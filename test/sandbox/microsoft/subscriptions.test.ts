import assert from 'node:assert/strict'

import type {Client} from '@microsoft/microsoft-graph-client'

import type {ServerResponse} from 'node:http'

import type {Directory} from '../../../src/sandbox/microsoft/directory.js'
import {SubscriptionHub, VALIDATION_TIMEOUT_MS} from '../../../src/sandbox/microsoft/subscriptions.js'
import type {SandboxContext} from '../../../src/sandbox/types.js'
import {startHttpsReceiver} from '../../helpers/https-receiver.js'
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

  const createEvent = (subject: string) =>
    ms.control('POST', `/_sandbox/microsoft/mailboxes/${user}/events`, {
      subject,
      start: {dateTime: '2030-03-01T10:00:00', timeZone: 'UTC'},
      end: {dateTime: '2030-03-01T11:00:00', timeZone: 'UTC'},
    }) as Promise<{status: number; body: {id: string}}>

  /** Waits until every notification the emulator has posted so far was delivered. */
  const flushNotifications = async () => {
    assert.equal((await ms.control('POST', '/_sandbox/microsoft/notifications/flush')).status, 200)
  }

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
    const seen = receiver.received.length
    await ms.control('PUT', '/_sandbox/faults', {dropNotificationRate: 1, providers: ['microsoft']})
    await createEvent('Dropped')
    await ms.control('PUT', '/_sandbox/faults', {})
    const delivered = await createEvent('Delivered')
    await flushNotifications()
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
    // A sentinel subscription proves the change was notified; flushing waits for every delivery.
    const sentinel = await subscribe({changeType: 'created', notificationUrl: `${receiver.origin}/graph/sentinel`})
    const seen = receiver.received.length
    await createEvent('After delete')
    await flushNotifications()
    assert.deepEqual(
      receiver.received
        .slice(seen)
        .map((p) => [p.url, (JSON.parse(p.body) as NotificationBody).value[0]?.subscriptionId]),
      [['/graph/sentinel', sentinel.id]],
    )
    await graph.api(`/subscriptions/${sentinel.id}`).delete()
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

  describe('creation and renewal rules', () => {
    const refused = async (call: () => Promise<unknown>, code: string, message?: RegExp) => {
      const error = await graphFailure(call)
      assert.equal(error.statusCode, 400)
      assert.equal(error.code, code)
      if (message) assert.match(error.message, message)
    }

    it('refuses resources other than a user’s events with 400 InvalidRequest', async () => {
      for (const resource of [`/users/${user}/messages`, '/me/events', `/users/${user}/calendars`]) {
        await refused(() => subscribe({resource}), 'InvalidRequest', /is not supported for change notifications/)
      }
    })

    it('refuses a changeType outside created, updated, deleted with 400 InvalidRequest', async () => {
      for (const changeType of ['moved', '', 'created,renamed']) {
        await refused(() => subscribe({changeType}), 'InvalidRequest', /Invalid changeType/)
      }
    })

    it('accepts a clientState of 128 characters and refuses 129', async () => {
      const longest = await subscribe({clientState: 'x'.repeat(128)})
      assert.equal(longest.clientState.length, 128)
      await graph.api(`/subscriptions/${longest.id}`).delete()
      await refused(() => subscribe({clientState: 'x'.repeat(129)}), 'InvalidRequest', /128 characters/)
    })

    it('refuses a missing or past expiration with 400 ExtensionError, and accepts just under 4,230 minutes', async () => {
      await refused(() => subscribe({expirationDateTime: undefined}), 'ExtensionError', /required/)
      await refused(() => subscribe({expirationDateTime: isoIn(-1)}), 'ExtensionError', /must be in the future/)
      const longest = await subscribe({expirationDateTime: isoIn(4229 / 60)})
      await graph.api(`/subscriptions/${longest.id}`).delete()
    })

    it('refuses a plain-http lifecycleNotificationUrl with 400 ValidationError', async () => {
      await refused(() => subscribe({lifecycleNotificationUrl: 'http://127.0.0.1:8080/lifecycle'}), 'ValidationError')
    })

    it('refuses an endpoint that echoes the token with a non-text/plain content type', async () => {
      const sloppy = await startReceiver(ms.leaf, 'json')
      try {
        await refused(
          () => subscribe({notificationUrl: `${sloppy.origin}/notify`, lifecycleNotificationUrl: undefined}),
          'ValidationError',
          /Subscription validation request failed/,
        )
        assert.equal(sloppy.handshakes.length, 1)
      } finally {
        await sloppy.close()
      }
    })

    it('refuses a subscription without a calendar role (403) or on an unknown mailbox (404)', async () => {
      const settingsOnly = ms.graphWithToken(await ms.mintToken({roles: ['MailboxSettings.ReadWrite']}))
      const denied = await graphFailure(() =>
        settingsOnly.api('/subscriptions').post({
          changeType: 'created',
          notificationUrl: `${receiver.origin}/graph/notify`,
          resource: `/users/${user}/events`,
          expirationDateTime: isoIn(1),
        }),
      )
      assert.equal(denied.statusCode, 403)
      assert.equal(denied.code, 'ErrorAccessDenied')
      const unknown = await graphFailure(() => subscribe({resource: '/users/nobody@nowhere.test/events'}))
      assert.equal(unknown.statusCode, 404)
      assert.equal(unknown.code, 'ErrorInvalidUser')
    })

    it('renews only expirationDateTime and notificationUrl, with the same rules as at creation', async () => {
      const subscription = await subscribe({changeType: 'created'})
      const path = `/subscriptions/${subscription.id}`
      await refused(
        () => graph.api(path).patch({expirationDateTime: isoIn(2), lifecycleNotificationUrl: `${receiver.origin}/x`}),
        'InvalidRequest',
        /not 'lifecycleNotificationUrl'/,
      )
      await refused(() => graph.api(path).patch({expirationDateTime: isoIn(4231 / 60)}), 'ExtensionError')
      await refused(
        () => graph.api(path).patch({expirationDateTime: isoIn(2), notificationUrl: 'http://127.0.0.1:8080/n'}),
        'ValidationError',
      )
      const handshakes = receiver.handshakes.length
      const moved = (await graph
        .api(path)
        .patch({expirationDateTime: isoIn(2), notificationUrl: `${receiver.origin}/graph/moved`})) as {
        notificationUrl: string
      }
      assert.equal(moved.notificationUrl, `${receiver.origin}/graph/moved`)
      assert.equal(receiver.handshakes.length, handshakes + 1, 'the new URL passed the handshake')
      const seen = receiver.received.length
      await createEvent('Notified at the new URL')
      await receiver.waitFor(seen + 1)
      assert.equal(receiver.received[seen]?.url, '/graph/moved')
      await graph.api(path).delete()
    })

    it('hides another application’s subscriptions (404, not listed)', async () => {
      const mine = await subscribe({changeType: 'created'})
      const stranger = ms.graphWithToken(await ms.mintToken({appId: '22222222-3333-4444-8555-666666666666'}))
      const error = await graphFailure(() => stranger.api(`/subscriptions/${mine.id}`).get())
      assert.equal(error.statusCode, 404)
      assert.equal(error.code, 'ResourceNotFound')
      await graphFailure(() => stranger.api(`/subscriptions/${mine.id}`).delete())
      const listed = (await stranger.api('/subscriptions').get()) as {value: GraphSubscription[]}
      assert.deepEqual(listed.value, [])
      assert.ok(await graph.api(`/subscriptions/${mine.id}`).get(), 'the owner still has it')
      await graph.api(`/subscriptions/${mine.id}`).delete()
    })

    it('removes a subscription once its expiration has passed, with a subscriptionRemoved lifecycle notification', async () => {
      const subscription = await subscribe({changeType: 'created', expirationDateTime: isoIn(1)})
      const expireAsOf = async (hours: number) =>
        (
          (await ms.control('POST', '/_sandbox/microsoft/subscriptions/expire', {mailbox: user, asOf: isoIn(hours)}))
            .body as {removed: number}
        ).removed
      assert.equal(await expireAsOf(0.5), 0, 'not due half an hour before it expires')
      assert.ok(await graph.api(`/subscriptions/${subscription.id}`).get())
      assert.equal(await expireAsOf(1.01), 1)
      const removed = await receiver.waitForPost(
        (post) => post.url === '/graph/lifecycle' && post.body.includes(subscription.id),
      )
      assert.equal((JSON.parse(removed.body) as NotificationBody).value[0]?.lifecycleEvent, 'subscriptionRemoved')
      const error = await graphFailure(() => graph.api(`/subscriptions/${subscription.id}`).get())
      assert.equal(error.statusCode, 404)
    })
  })

  describe('validation handshake deadline', () => {
    it('is 10 s, and an endpoint that answers after the deadline fails validation', async () => {
      assert.equal(VALIDATION_TIMEOUT_MS, 10_000)
      const stalled: ServerResponse[] = []
      const slow = await startHttpsReceiver(ms.leaf, {
        intercept(_request, response) {
          stalled.push(response)
          return true
        },
      })
      // The emulator's own hub with a 300 ms deadline; only its handshake client is used here. The endpoint
      // holds every answer, so the deadline is what ends the handshake.
      const hub = new SubscriptionHub({caPem: ms.sandbox.caPem} as SandboxContext, {} as Directory, 300)
      try {
        assert.equal(await hub.validate(`${slow.origin}/notify`), false)
        assert.equal(stalled.length, 1, 'the endpoint was reached and never answered in time')
      } finally {
        await hub.close()
        await slow.close()
      }
    })
  })

  describe('control API refusals (Graph error shape)', () => {
    it('answers lifecycle requests for unknown subscriptions, unknown events or without a lifecycle URL', async () => {
      const unknown = await ms.control('POST', '/_sandbox/microsoft/subscriptions/nope/lifecycle', {event: 'missed'})
      assert.equal(unknown.status, 404)
      assert.equal((unknown.body as {error: {code: string}}).error.code, 'ResourceNotFound')
      const bare = await subscribe({lifecycleNotificationUrl: undefined})
      const lifecycle = `/_sandbox/microsoft/subscriptions/${bare.id}/lifecycle`
      const badEvent = await ms.control('POST', lifecycle, {event: 'exploded'})
      assert.equal(badEvent.status, 400)
      assert.equal((badEvent.body as {error: {code: string}}).error.code, 'BadRequest')
      const noUrl = await ms.control('POST', lifecycle, {event: 'subscriptionRemoved'})
      assert.equal(noUrl.status, 409)
      assert.match((noUrl.body as {error: {message: string}}).error.message, /no lifecycleNotificationUrl/)
      assert.ok(await graph.api(`/subscriptions/${bare.id}`).get(), 'a refused removal removes nothing')
      await graph.api(`/subscriptions/${bare.id}`).delete()
    })
  })
})

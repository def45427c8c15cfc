import assert from 'node:assert/strict'
import {EventEmitter, once} from 'node:events'

import type {MailboxGrant} from '../../../../src/lib/ports/access.js'
import type {
  CalendarProvider,
  PushNotification,
  PushPort,
  PushSubscription,
  StreamEnd,
} from '../../../../src/lib/ports/calendar.js'
import {isProviderFailure, type ProviderFailureInfo} from '../../../../src/lib/ports/failures.js'
import {DEFAULT_TUNING} from '../../../../src/lib/providers/exchange/calendar/index.js'
import {rejectionOf} from '../../../helpers/expect.js'
import {type CalendarLab, EX, startCalendarLab} from './calendar-lab.js'

interface Held {
  id: string
  mailbox: string
  connected: boolean
  queued: number
}

/** One openStream call and what it reported, with events to wait on (never a sleep). */
interface OpenedStream {
  end: Promise<StreamEnd>
  notifications: PushNotification[]
  alive: number
  settled: boolean
  abort(): void
  /** Resolves once `check()` holds, re-checking at each sign of life or notification. */
  until(check: () => boolean): Promise<void>
}

function pushOf(calendar: CalendarProvider): PushPort {
  assert.ok(calendar.push?.openStream, 'the Exchange adapter has a stream push port')
  return calendar.push
}

function open(
  calendar: CalendarProvider,
  grant: MailboxGrant,
  subscriptions: PushSubscription[],
  connectionMinutes = 30,
): OpenedStream {
  const events = new EventEmitter()
  const controller = new AbortController()
  const opened: OpenedStream = {
    notifications: [],
    alive: 0,
    settled: false,
    abort: () => controller.abort(),
    end: pushOf(calendar).openStream!({
      grant,
      subscriptions,
      connectionMinutes,
      signal: controller.signal,
      onNotification(notification) {
        opened.notifications.push(notification)
        events.emit('tick')
      },
      onAlive() {
        opened.alive += 1
        events.emit('tick')
      },
    }),
    async until(check) {
      while (!check()) {
        if (opened.settled) throw new Error(`the stream ended first: ${JSON.stringify(await opened.end)}`)
        await once(events, 'tick')
      }
    },
  }
  const settle = () => {
    opened.settled = true
    events.emit('tick')
  }
  opened.end.then(settle, settle)
  return opened
}

describe('Exchange calendar adapter: streaming notifications (PushPort, kind stream)', function () {
  this.timeout(120_000)
  let c: CalendarLab
  let user: string
  let other: string
  let grant: MailboxGrant
  let otherGrant: MailboxGrant
  const expiresAt = new Date(Date.now() + 3_600_000).toISOString()

  const held = async () =>
    ((await c.control('GET', `${EX}/streaming/subscriptions`)).body as {subscriptions: Held[]}).subscriptions
  const openConnections = async () =>
    ((await c.control('GET', `${EX}/streaming`)).body as {openConnections: number}).openConnections
  const waitFor = async (check: () => Promise<boolean>) => {
    while (!(await check())) await new Promise((resolve) => setImmediate(resolve))
  }
  const subscribe = (g: MailboxGrant) => pushOf(c.calendar).subscribe({grant: g, clientState: 'unused', expiresAt})
  const firstItemOf = async (mailbox: string) => {
    const items = (await c.control('GET', `${EX}/mailboxes/${mailbox}/items`)).body as {items: {id: string}[]}
    const id = items.items[0]?.id
    assert.ok(id, `${mailbox} has a seeded item`)
    return id
  }
  const failureOf = async (run: () => Promise<unknown>): Promise<ProviderFailureInfo> => {
    const error = await rejectionOf(run)
    assert.ok(isProviderFailure(error), `a ProviderFailure, got ${String(error)}`)
    return error.failure
  }

  before(async () => {
    c = await startCalendarLab()
    user = c.lab.seed.exchange!.users[1]!.email
    other = c.lab.seed.exchange!.users[2]!.email
    grant = c.activate(user)
    otherGrant = c.activate(other)
  })
  beforeEach(async () => {
    await c.control('PUT', `${EX}/streaming`, {keepAliveMs: 60_000, minuteMs: 60_000})
  })
  afterEach(async () => {
    await c.control('POST', `${EX}/streaming/subscriptions/expire`, {})
    await c.control('PUT', `${EX}/throttling`, {maxConcurrency: 10, maxStreamingConnections: 10})
    await waitFor(async () => (await openConnections()) === 0)
  })
  after(async () => c.stop())

  it('declares push kind stream for up to 200 subscriptions per connection', () => {
    assert.deepEqual([c.calendar.capabilities.push.kind, c.calendar.capabilities.push.maxPerStream], ['stream', 200])
    assert.equal(typeof c.calendar.push?.stop, 'function')
  })

  for (const auth of ['basic', 'ntlm'] as const) {
    it(`delivers an end-user edit as a changed notification, calls onAlive on keep-alives, and closes at once on abort (${auth})`, async () => {
      const calendar = auth === 'basic' ? c.calendar : await c.tuned(DEFAULT_TUNING, undefined, 'ntlm')
      const subscription = await subscribe(grant)
      assert.deepEqual([subscription.mailbox, subscription.expiresAt], [user, expiresAt])
      assert.ok(subscription.id)
      await c.control('PUT', `${EX}/streaming`, {keepAliveMs: 20, minuteMs: 60_000})
      const from = c.records.length
      const stream = open(calendar, grant, [subscription])
      await stream.until(() => stream.alive >= 2)
      const id = await firstItemOf(user)
      await c.control('PATCH', `${EX}/mailboxes/${user}/items/${encodeURIComponent(id)}`, {location: '@webex'})
      await stream.until(() => stream.notifications.length > 0)
      assert.deepEqual(stream.notifications[0], {subscriptionId: subscription.id, signal: 'changed'})
      assert.equal(stream.settled, false)
      stream.abort()
      assert.deepEqual(await stream.end, {kind: 'closed'})
      await waitFor(async () => (await openConnections()) === 0)
      assert.deepEqual(c.records.slice(from), [{purpose: 'calendar', status: 200, throttled: false}])
    })
  }

  it('resolves closed when the server ends the connection at its ConnectionTimeout', async () => {
    const subscription = await subscribe(grant)
    // One ConnectionTimeout minute lasts 300 ms here.
    await c.control('PUT', `${EX}/streaming`, {keepAliveMs: 60_000, minuteMs: 300})
    const stream = open(c.calendar, grant, [subscription], 1)
    assert.deepEqual(await stream.end, {kind: 'closed'})
    // The closing envelope is a sign of life too.
    assert.ok(stream.alive >= 1)
  })

  it('resolves closed without a request when the signal is already aborted', async () => {
    const subscription = await subscribe(grant)
    const controller = new AbortController()
    controller.abort()
    const from = c.records.length
    const end = await pushOf(c.calendar).openStream!({
      grant,
      subscriptions: [subscription],
      connectionMinutes: 30,
      signal: controller.signal,
      onNotification: () => assert.fail('no notification'),
      onAlive: () => assert.fail('no connection'),
    })
    assert.deepEqual(end, {kind: 'closed'})
    assert.equal(c.records.length, from)
  })

  it('ends lost, naming only the subscriptions the server forgot, when some of a group are gone', async () => {
    const mine = await subscribe(grant)
    const theirs = await subscribe(otherGrant)
    const expired = await c.control('POST', `${EX}/streaming/subscriptions/expire`, {mailbox: other})
    assert.deepEqual(expired.body, {expired: 1})
    // One connection for both mailboxes' subscriptions, opened as the group's anchor (user).
    const end = await open(c.calendar, grant, [mine, theirs]).end
    assert.equal(end.kind, 'lost')
    assert.deepEqual(end.kind === 'lost' && [end.subscriptionIds, end.failure.providerCode], [
      [theirs.id],
      'ErrorSubscriptionNotFound',
    ])
  })

  it('a stream that hangs silently gives no sign of life and no notification, and still ends at once on abort', async () => {
    const subscription = await subscribe(grant)
    const stream = open(c.calendar, grant, [subscription])
    await waitFor(async () => (await openConnections()) === 1)
    assert.deepEqual((await c.control('POST', `${EX}/streaming/connections/hang`)).body, {hung: 1})
    const id = await firstItemOf(user)
    await c.control('PATCH', `${EX}/mailboxes/${user}/items/${encodeURIComponent(id)}`, {subject: 'while hung'})
    // The server wrote the change to no connection: it waits for the next one.
    await waitFor(async () => (await held()).some((s) => s.id === subscription.id && s.queued === 1))
    assert.deepEqual([stream.alive, stream.notifications, stream.settled], [0, [], false])
    stream.abort()
    assert.deepEqual(await stream.end, {kind: 'closed'})
    // Reconnecting delivers what the hung connection never carried.
    const next = open(c.calendar, grant, [subscription])
    await next.until(() => next.notifications.length > 0)
    assert.deepEqual(next.notifications, [{subscriptionId: subscription.id, signal: 'changed'}])
    next.abort()
    await next.end
  })

  it('a connection cut mid-stream rejects transient (EXCHANGE_STREAM_CUT), so the service reconnects', async () => {
    const subscription = await subscribe(grant)
    const stream = open(c.calendar, grant, [subscription])
    await waitFor(async () => (await openConnections()) === 1)
    assert.deepEqual((await c.control('POST', `${EX}/streaming/connections/cut`)).body, {cut: 1})
    const error = await rejectionOf(() => stream.end)
    assert.ok(isProviderFailure(error))
    assert.deepEqual([error.failure.kind, error.code], ['transient', 'EXCHANGE_STREAM_CUT'])
  })

  it('beyond the streaming connection limit: rateLimited ErrorExceededConnectionCount, recorded as throttled', async () => {
    await c.control('PUT', `${EX}/throttling`, {maxStreamingConnections: 1})
    const subscription = await subscribe(grant)
    const first = open(c.calendar, grant, [subscription])
    await waitFor(async () => (await openConnections()) === 1)
    const from = c.records.length
    const failure = await failureOf(() => open(c.calendar, grant, [subscription]).end)
    assert.deepEqual([failure.kind, failure.providerCode], ['rateLimited', 'ErrorExceededConnectionCount'])
    assert.deepEqual(c.records.slice(from), [{purpose: 'calendar', status: 200, throttled: true}])
    first.abort()
    assert.deepEqual(await first.end, {kind: 'closed'})
  })

  it('an injected ErrorServerBusy fault is rateLimited with its BackOffMilliseconds, recorded as throttled', async () => {
    const subscription = await subscribe(grant)
    await c.control('PUT', `${EX}/throttling`, {backOffMs: 2500})
    // The sandbox answers injected 500s and 503s with Exchange's ErrorServerBusy fault.
    await c.control('PUT', '/_sandbox/faults', {errorRates: {'500': 1}, providers: ['exchange'], mailboxes: [user]})
    try {
      const from = c.records.length
      const busy = await failureOf(() => open(c.calendar, grant, [subscription]).end)
      assert.deepEqual(
        [busy.kind, busy.kind === 'rateLimited' && busy.retryAfterMs, busy.providerCode, busy.status],
        ['rateLimited', 2500, 'ErrorServerBusy', 500],
      )
      await c.control('PUT', '/_sandbox/faults', {errorRates: {'503': 1}, providers: ['exchange'], mailboxes: [user]})
      const unavailable = await failureOf(() => open(c.calendar, grant, [subscription]).end)
      assert.deepEqual([unavailable.kind, unavailable.status], ['rateLimited', 503])
      assert.deepEqual(c.records.slice(from), [
        {purpose: 'calendar', status: 500, throttled: true},
        {purpose: 'calendar', status: 503, throttled: true},
      ])
    } finally {
      await c.control('PUT', '/_sandbox/faults', {})
      await c.control('PUT', `${EX}/throttling`, {backOffMs: 2000})
    }
  })

  it('a wrong service account password is auth (HTTP 401)', async () => {
    const subscription = await subscribe(grant)
    const wrong = await c.tuned(DEFAULT_TUNING, 'not-the-password')
    const failure = await failureOf(() => open(wrong, grant, [subscription]).end)
    assert.deepEqual(
      [failure.kind, failure.kind === 'auth' && failure.reason, failure.status],
      ['auth', 'credentialsRejected', 401],
    )
  })

  it('refuses a group of 0 or 201 subscriptions, or a ConnectionTimeout outside 1..30, before any request', async () => {
    const subscription = await subscribe(grant)
    const many = Array.from({length: 201}, (_, i) => ({...subscription, id: `${subscription.id}${i}`}))
    for (const [subscriptions, minutes] of [
      [[], 30],
      [many, 30],
      [[subscription], 31],
      [[subscription], 0],
    ] as const) {
      const failure = await failureOf(() => open(c.calendar, grant, [...subscriptions], minutes).end)
      assert.equal(failure.kind, 'fatal')
    }
  })

  it('stop ends the subscription on the server, also once the user is deactivated; an unknown one is not an error', async () => {
    const subscription = await subscribe(grant)
    const renewed = await pushOf(c.calendar).renew(grant, subscription, '2031-01-01T00:00:00.000Z', {
      clientState: 'unused',
    })
    assert.deepEqual(renewed, {...subscription, expiresAt: '2031-01-01T00:00:00.000Z'})
    assert.ok((await held()).some((s) => s.id === subscription.id))
    // Deactivation is when subscriptions must end: stop needs no grant.
    c.store.users.upsert({email: user, provider: 'exchange', kind: 'user', state: 'deactivated'})
    try {
      await pushOf(c.calendar).stop(subscription)
      assert.equal(
        (await held()).some((s) => s.id === subscription.id),
        false,
      )
      await pushOf(c.calendar).stop(subscription)
      // A mailbox removed from Exchange took its subscriptions with it: nothing to stop, no error.
      await pushOf(c.calendar).stop({...subscription, handle: {owner: 'removed@nowhere.example'}})
    } finally {
      grant = c.activate(user)
    }
  })
})

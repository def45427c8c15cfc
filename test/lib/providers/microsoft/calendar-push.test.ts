import assert from 'node:assert/strict'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import type {PushNotification, PushPort, PushSubscription} from '../../../../src/lib/ports/calendar.js'
import {isProviderFailure} from '../../../../src/lib/ports/failures.js'
import {prepareTls} from '../../../../src/sandbox/host/tls.js'
import {rejectionOf} from '../../../helpers/expect.js'
import {type HttpsReceiver, startHttpsReceiver, webhookRequestOf} from '../../../helpers/https-receiver.js'
import {at, type CalendarLab, countBy, startCalendarLab} from './calendar-lab.js'

const HOUR_MS = 3_600_000
const CLIENT_STATE = 'Z3JhcGgtY2xpZW50LXN0YXRl'

interface SandboxSubscription {
  id: string
  resource: string
  changeType: string
  clientState: string | null
  notificationUrl: string
  lifecycleNotificationUrl: string | null
  expirationDateTime: string
  mailbox: string
}

/**
 * Graph push through the adapter against the Microsoft sandbox over HTTPS: a receiver answering Graph's
 * validation handshake with the adapter's own decodeWebhook (as the watch listener will), change and
 * lifecycle notifications read back with it, renewal by PATCH, and DELETE checked in the sandbox's list.
 */
describe('Microsoft calendar adapter: push subscriptions', function () {
  this.timeout(120_000)
  let stateDir: string
  let lab: CalendarLab
  let push: PushPort
  let receiver: HttpsReceiver
  let notificationUrl: string
  let handshakes = 0

  before(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'hcal-graph-push-'))
    const leaf = await prepareTls(stateDir)
    lab = await startCalendarLab({stateDir})
    assert.ok(lab.calendar.push, 'the Graph adapter offers push')
    push = lab.calendar.push
    receiver = await startHttpsReceiver(leaf, {
      status: 202,
      intercept(request, response) {
        const reading = push.decodeWebhook!(webhookRequestOf(request))
        if (reading.kind !== 'handshake') return false
        handshakes++
        response.writeHead(200, {'content-type': 'text/plain; charset=utf-8'}).end(reading.body)
        return true
      },
    })
    notificationUrl = `${receiver.origin}/notify/microsoft`
  })
  after(async () => {
    await receiver?.close()
    await lab?.stop()
    await rm(stateDir, {recursive: true, force: true})
  })

  const subscriptions = async () =>
    (await lab.control<{value: SandboxSubscription[]}>('GET', '/_sandbox/microsoft/subscriptions')).value

  /** Waits for the next posted body (after `from`) and returns its notifications as the adapter reads them. */
  const nextPost = async (from: number): Promise<PushNotification[]> => {
    await receiver.waitFor(from + 1, 10_000)
    const reading = push.decodeWebhook!(webhookRequestOf(receiver.received[from]!))
    assert.equal(reading.kind, 'notifications', JSON.stringify(reading))
    return reading.notifications
  }

  const subscribe = (owner: string, hours = 2) =>
    push.subscribe({
      grant: lab.grant(owner),
      notificationUrl,
      lifecycleUrl: notificationUrl,
      clientState: CLIENT_STATE,
      expiresAt: new Date(Date.now() + hours * HOUR_MS).toISOString(),
    })

  const lifecycle = (subscription: PushSubscription, event: string) =>
    lab.control('POST', `/_sandbox/microsoft/subscriptions/${subscription.id}/lifecycle`, {event})

  it('subscribes after both handshakes; an end-user edit arrives as changed with its subscription and clientState', async () => {
    const owner = lab.users[0]!
    lab.takeRequests()
    const handshakesBefore = handshakes
    const subscription = await subscribe(owner)
    assert.equal(handshakes - handshakesBefore, 2, 'the notification and the lifecycle URL were both validated')
    assert.equal(subscription.mailbox, owner)
    const listed = (await subscriptions()).find((s) => s.id === subscription.id)
    assert.ok(listed, 'the sandbox holds the subscription')
    assert.equal(listed.mailbox, owner)
    assert.match(listed.resource, /^users\/[^/]+\/events$/)
    assert.deepEqual(listed.changeType.split(',').sort(), ['created', 'deleted', 'updated'])
    assert.equal(listed.notificationUrl, notificationUrl)
    assert.equal(listed.lifecycleNotificationUrl, notificationUrl)
    assert.equal(listed.clientState, CLIENT_STATE)
    assert.equal(subscription.expiresAt, new Date(listed.expirationDateTime).toISOString())
    assert.equal(countBy(lab.takeRequests(), 'calendar'), 1, 'one POST /subscriptions, reported to the hook')

    const from = receiver.received.length
    await lab.control('POST', `/_sandbox/microsoft/mailboxes/${owner}/events`, {
      subject: 'Planning',
      start: at(30),
      end: at(31),
    })
    assert.deepEqual(await nextPost(from), [
      {subscriptionId: subscription.id, clientState: CLIENT_STATE, signal: 'changed'},
    ])
    await push.stop(subscription)
  })

  it('asks for no more than the 4,230 minutes Graph allows', async () => {
    const subscription = await subscribe(lab.users[1]!, 24 * 10)
    assert.ok(Date.parse(subscription.expiresAt) <= Date.now() + 4230 * 60_000)
    await push.stop(subscription)
  })

  it('renews with the same id and a new expiry', async () => {
    const owner = lab.users[1]!
    const grant = lab.grant(owner)
    const subscription = await subscribe(owner, 1)
    const wanted = new Date(Date.now() + 48 * HOUR_MS).toISOString()
    const renewed = await push.renew(grant, subscription, wanted, {clientState: CLIENT_STATE})
    assert.equal(renewed.id, subscription.id)
    assert.equal(renewed.expiresAt, wanted)
    const listed = (await subscriptions()).find((s) => s.id === subscription.id)
    assert.equal(listed?.expirationDateTime, wanted)
    await push.stop(renewed)
  })

  it('reads lifecycle notifications as reauthorizationRequired, missed and removed', async () => {
    const subscription = await subscribe(lab.users[2]!)
    const signals: string[] = []
    for (const event of ['reauthorizationRequired', 'missed', 'subscriptionRemoved']) {
      const from = receiver.received.length
      await lifecycle(subscription, event)
      const [notification, ...rest] = await nextPost(from)
      assert.equal(rest.length, 0)
      assert.equal(notification?.subscriptionId, subscription.id)
      assert.equal(notification?.clientState, CLIENT_STATE)
      signals.push(notification?.signal ?? '')
    }
    assert.deepEqual(signals, ['reauthorizationRequired', 'missed', 'removed'])
    // subscriptionRemoved ended it: stopping what is already gone is not an error.
    assert.equal(
      (await subscriptions()).some((s) => s.id === subscription.id),
      false,
    )
    await push.stop(subscription)
  })

  it('stops without a grant, also once the user was deactivated; stopping again is not an error', async () => {
    const owner = lab.users[3]!
    const subscription = await subscribe(owner)
    lab.store.users.upsert({email: owner, provider: 'microsoft', kind: 'user', state: 'deactivated'})
    lab.takeRequests()
    await push.stop(subscription)
    assert.equal(
      (await subscriptions()).some((s) => s.id === subscription.id),
      false,
      'deleted',
    )
    await push.stop(subscription)
    assert.deepEqual(
      lab.takeRequests().map((record) => [record.purpose, record.status]),
      [
        ['calendar', 200],
        ['calendar', 404],
      ],
      'one DELETE each, the second answered 404',
    )
    lab.grant(owner)
  })

  it('refuses a renewal for a mailbox the gate no longer grants, and sends nothing', async () => {
    const owner = lab.users[3]!
    const grant = lab.grant(owner)
    const subscription = await subscribe(owner)
    const before = (await subscriptions()).find((s) => s.id === subscription.id)?.expirationDateTime
    lab.store.users.upsert({email: owner, provider: 'microsoft', kind: 'user', state: 'deactivated'})
    lab.takeRequests()
    const wanted = new Date(Date.now() + 24 * HOUR_MS).toISOString()
    const error = await rejectionOf(() => push.renew(grant, subscription, wanted, {clientState: CLIENT_STATE}))
    assert.equal((error as {code?: unknown}).code, 'MAILBOX_NOT_ACTIVE')
    assert.equal(lab.takeRequests().length, 0)
    assert.equal((await subscriptions()).find((s) => s.id === subscription.id)?.expirationDateTime, before)
    lab.grant(owner)
    await push.stop(subscription)
  })

  it('fails the subscription when the endpoint does not answer the handshake', async () => {
    const silent = await startHttpsReceiver(await prepareTls(stateDir), {status: 202})
    try {
      const error = await rejectionOf(() =>
        push.subscribe({
          grant: lab.grant(lab.users[0]!),
          notificationUrl: `${silent.origin}/notify/microsoft`,
          clientState: CLIENT_STATE,
          expiresAt: new Date(Date.now() + HOUR_MS).toISOString(),
        }),
      )
      assert.ok(isProviderFailure(error), String(error))
      assert.equal(error.failure.kind, 'fatal')
      assert.match(error.failure.message, /validation/i)
    } finally {
      await silent.close()
    }
  })
})

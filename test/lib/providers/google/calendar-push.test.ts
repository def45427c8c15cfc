import assert from 'node:assert/strict'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import type {PushNotification, PushPort} from '../../../../src/lib/ports/calendar.js'
import {isProviderFailure} from '../../../../src/lib/ports/failures.js'
import {prepareTls} from '../../../../src/sandbox/host/tls.js'
import {rejectionOf} from '../../../helpers/expect.js'
import {
  type HttpsReceiver,
  type ReceivedRequest,
  startHttpsReceiver,
  webhookRequestOf,
} from '../../../helpers/https-receiver.js'
import {type CalendarLab, startCalendarLab, windowAhead, at} from './calendar-lab.js'

const HOUR_MS = 3_600_000
const CLIENT_STATE = 'c2VjcmV0LWNsaWVudC1zdGF0ZQ'

interface SandboxChannel {
  id: string
  resourceId: string
  calendar: string
  address: string
  expiration: number
}

/**
 * Google push through the adapter against the Google sandbox over HTTPS: events.watch channels delivering to
 * a receiver the sandbox trusts, read back with the adapter's own decodeWebhook; renewal as a new channel
 * while the old one still delivers; channels.stop as the service account (no grant), checked in the
 * sandbox's channel list.
 */
describe('Google calendar adapter: push channels', function () {
  this.timeout(120_000)
  let stateDir: string
  let lab: CalendarLab
  let push: PushPort
  let receiver: HttpsReceiver
  let notificationUrl: string
  const window = windowAhead(40, 2)

  before(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'hcal-google-push-'))
    const leaf = await prepareTls(stateDir)
    lab = await startCalendarLab({stateDir})
    assert.ok(lab.provider.push, 'the Google adapter offers push')
    push = lab.provider.push
    receiver = await startHttpsReceiver(leaf, {status: 200})
    notificationUrl = `${receiver.origin}/notify/google`
  })
  after(async () => {
    await receiver.close()
    await lab.stop()
    await rm(stateDir, {recursive: true, force: true})
  })

  const channels = async () => (await lab.control('GET', '/channels')).channels as SandboxChannel[]

  /** The adapter's reading of one received message, which must be a single notification. */
  const read = (request: ReceivedRequest): PushNotification => {
    const reading = push.decodeWebhook!(webhookRequestOf(request))
    assert.equal(reading.kind, 'notifications')
    assert.equal(reading.notifications.length, 1)
    return reading.notifications[0]!
  }

  /** Waits for the next message on channel `id` (after those already received) and reads it. */
  const nextOn = async (id: string, from: number): Promise<PushNotification> => {
    for (let seen = from; ; seen++) {
      await receiver.waitFor(seen + 1, 10_000)
      const notification = read(receiver.received[seen]!)
      if (notification.subscriptionId === id) return notification
    }
  }

  const edit = async (owner: string, title: string) => {
    await lab.control('POST', `/calendars/${owner}/events`, {
      title,
      start: at(window, 9),
      end: at(window, 10),
      timeZone: 'UTC',
    })
  }

  const subscribe = (owner: string, hours = 1) =>
    push.subscribe({
      grant: lab.grant(owner),
      notificationUrl,
      clientState: CLIENT_STATE,
      expiresAt: new Date(Date.now() + hours * HOUR_MS).toISOString(),
    })

  it('subscribes: Google confirms with sync, then an end-user edit arrives as changed', async () => {
    const owner = lab.users[1]!
    lab.resetRecords()
    const from = receiver.received.length
    const channel = await subscribe(owner)
    assert.equal(channel.mailbox, owner)
    const listed = (await channels()).find((c) => c.id === channel.id)
    assert.ok(listed, 'the sandbox holds the channel')
    assert.equal(listed.calendar, owner)
    assert.equal(listed.address, notificationUrl)
    assert.equal(channel.handle.resourceId, listed.resourceId)
    assert.equal(channel.expiresAt, new Date(listed.expiration).toISOString())
    assert.equal(lab.count('calendar'), 1, 'one events.watch, reported to the hook')

    const first = await nextOn(channel.id, from)
    assert.deepEqual(first, {subscriptionId: channel.id, clientState: CLIENT_STATE, signal: 'sync', sequence: 1})

    const afterSync = receiver.received.length
    await edit(owner, 'Planning')
    const changed = await nextOn(channel.id, afterSync)
    assert.equal(changed.signal, 'changed')
    assert.equal(changed.clientState, CLIENT_STATE)
    assert.ok((changed.sequence ?? 0) > 1, 'message numbers increase')
    await push.stop(channel)
  })

  it('asks for the requested lifetime, and no more than 7 days', async () => {
    const owner = lab.users[2]!
    const requested = Date.now() + 2 * HOUR_MS
    const short = await push.subscribe({
      grant: lab.grant(owner),
      notificationUrl,
      clientState: CLIENT_STATE,
      expiresAt: new Date(requested).toISOString(),
    })
    assert.ok(Date.parse(short.expiresAt) <= requested + 1000, `${short.expiresAt} is not past the request`)
    assert.ok(Date.parse(short.expiresAt) > requested - HOUR_MS, `${short.expiresAt} is about the request`)
    // The sandbox would keep a channel 30 days; hcal asks for at most the 7 it counts on.
    const long = await subscribe(owner, 24 * 30)
    assert.ok(Date.parse(long.expiresAt) <= Date.now() + 7 * 24 * HOUR_MS)
    await push.stop(short)
    await push.stop(long)
  })

  it('renews as a new channel: the old one still delivers until it is stopped', async () => {
    const owner = lab.users[3]!
    const grant = lab.grant(owner)
    const before = receiver.received.length
    const old = await subscribe(owner)
    const renewed = await push.renew(grant, old, new Date(Date.now() + 3 * HOUR_MS).toISOString(), {
      clientState: CLIENT_STATE,
    })
    assert.notEqual(renewed.id, old.id)
    assert.equal(renewed.mailbox, owner)
    assert.notEqual(renewed.handle.resourceId, undefined)
    assert.ok(Date.parse(renewed.expiresAt) > Date.parse(old.expiresAt))
    const live = (await channels()).filter((c) => c.calendar === owner).map((c) => c.id)
    assert.deepEqual(live.sort(), [old.id, renewed.id].sort())

    // Each channel's first message is its sync; changes come after.
    assert.equal((await nextOn(old.id, before)).signal, 'sync')
    assert.equal((await nextOn(renewed.id, before)).signal, 'sync')
    const from = receiver.received.length
    await edit(owner, 'Overlap')
    const [onOld, onNew] = await Promise.all([nextOn(old.id, from), nextOn(renewed.id, from)])
    assert.equal(onOld.signal, 'changed')
    assert.equal(onNew.signal, 'changed')
    // The new channel carries the same token and address: the listener admits both alike.
    assert.equal(onNew.clientState, CLIENT_STATE)

    await push.stop(old)
    assert.deepEqual(
      (await channels()).filter((c) => c.calendar === owner).map((c) => c.id),
      [renewed.id],
      'only the new channel is left',
    )
    await push.stop(renewed)
  })

  it('stops without a grant, also once the user was deactivated; stopping again is not an error', async () => {
    const owner = lab.users[2]!
    const channel = await subscribe(owner)
    lab.store.users.upsert({email: owner, provider: 'google', kind: 'user', state: 'deactivated'})
    lab.resetRecords()
    await push.stop(channel)
    assert.equal(
      (await channels()).some((c) => c.id === channel.id),
      false,
      'the channel is gone',
    )
    await push.stop(channel)
    assert.equal(lab.count('calendar'), 2, 'each stop is one channels.stop, reported to the hook')
    // Made as the service account itself: no impersonated mailbox (the log names the subject of each request).
    const log = await lab.lab.sandbox.control('GET', '/_sandbox/log?provider=google')
    const stops = (log.body as {entries: {operation: string; status: number; mailbox?: string}[]}).entries.filter(
      (entry) => entry.operation === 'channels.stop',
    )
    assert.deepEqual(
      stops.slice(-2).map((entry) => [entry.status, entry.mailbox]),
      [
        [204, undefined],
        [404, undefined],
      ],
    )
    lab.grant(owner)
  })

  it('refuses a renewal for a mailbox the gate no longer grants', async () => {
    const owner = lab.users[1]!
    const grant = lab.grant(owner)
    const channel = await subscribe(owner)
    lab.store.users.upsert({email: owner, provider: 'google', kind: 'user', state: 'deactivated'})
    const error = await rejectionOf(() => push.renew(grant, channel, channel.expiresAt, {clientState: CLIENT_STATE}))
    assert.match(String((error as {code?: string}).code), /MAILBOX_NOT_ACTIVE/)
    lab.grant(owner)
    await push.stop(channel)
  })

  it('maps Google refusing the address to a fatal ProviderFailure', async () => {
    const error = await rejectionOf(() =>
      push.subscribe({
        grant: lab.grant(lab.users[1]!),
        notificationUrl: 'http://127.0.0.1:9/notify/google',
        clientState: CLIENT_STATE,
        expiresAt: new Date(Date.now() + HOUR_MS).toISOString(),
      }),
    )
    assert.ok(isProviderFailure(error), String(error))
    assert.equal(error.failure.kind, 'fatal')
  })
})

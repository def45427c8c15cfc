import assert from 'node:assert/strict'
import {readdir, readFile} from 'node:fs/promises'
import {join} from 'node:path'

import {createLogger} from '../../../src/lib/log/logger.js'
import type {PushPort, PushRequest, PushSubscription} from '../../../src/lib/ports/calendar.js'
import {createSecretStore} from '../../../src/lib/secrets/index.js'
import {openStateStore, type StateStore, type StoredUser} from '../../../src/lib/store/index.js'
import type {SyncSession} from '../../../src/lib/sync/session.js'
import {WebhookKeeper} from '../../../src/lib/watch/push-webhooks.js'
import {lookupIn} from '../../../src/lib/watch/registry.js'
import {SyncScheduler, type SyncTrigger} from '../../../src/lib/watch/scheduler.js'
import {silentMetrics} from '../../../src/lib/watch/seams.js'
import {tempHome} from '../../helpers/cli.js'
import {eventually} from '../../helpers/eventually.js'

const MAILBOX = 'jane@acme.example'
const URL = 'https://hcal.example/notify/google'

/**
 * A provider's push port as the calendar system would behave, in memory: renewal replaces the subscription
 * (as Google channels do) and every call is recorded. The keeper's decisions are what is tested here; the real
 * adapters are tested against the sandbox.
 */
function replacingPort(firstLifetimeMs: number) {
  const calls: string[] = []
  let next = 1
  const make = (clientState: string): PushSubscription => ({
    id: `ch-${next}`,
    mailbox: MAILBOX,
    // Only the first one is short-lived, so exactly one renewal falls within the test.
    expiresAt: new Date(Date.now() + (next++ === 1 ? firstLifetimeMs : 3_600_000)).toISOString(),
    handle: {resourceId: 'r', echo: String(clientState.length)},
  })
  const port: PushPort = {
    async subscribe(request: PushRequest) {
      calls.push(`subscribe ${request.notificationUrl}`)
      return make(request.clientState)
    },
    async renew(_grant, subscription, _expiresAt, options) {
      calls.push(`renew ${subscription.id}`)
      return make((options as {clientState: string}).clientState)
    },
    async stop(subscription) {
      calls.push(`stop ${subscription.id}`)
    },
  }
  return {port, calls}
}

describe('webhook push keeper', () => {
  let home: Awaited<ReturnType<typeof tempHome>>
  let store: StateStore
  let scheduler: SyncScheduler
  const triggers: SyncTrigger[] = []

  beforeEach(async () => {
    home = await tempHome()
    store = await openStateStore({
      profile: 'acme',
      secrets: createSecretStore({profile: 'acme', backend: 'memory', env: {}}),
      dataDir: home.env.HCAL_DATA_DIR,
    })
    store.users.upsert({email: MAILBOX, provider: 'google', kind: 'user', state: 'active'})
    triggers.length = 0
    scheduler = new SyncScheduler({
      pollMs: 3_600_000,
      safetyMs: 3_600_000,
      run: async (_mailbox, trigger) => void triggers.push(trigger),
    })
    scheduler.add(MAILBOX)
  })
  afterEach(async () => {
    scheduler.stop()
    store.close()
    await home.cleanup()
  })

  function keeper(port: PushPort, lifetimeMs: number) {
    const session = {
      id: 'google',
      provider: {capabilities: {push: {kind: 'webhook', maxLifetimeMs: lifetimeMs, maxPerStream: 0}}},
      gate: {grant: () => ({})},
      callFor: () => (work: (signal: AbortSignal | undefined) => Promise<unknown>) => work(undefined),
    } as unknown as SyncSession
    const log = createLogger({level: 'error', format: 'json'})
    return new WebhookKeeper(
      {session, store, scheduler, metrics: silentMetrics(), log, now: () => new Date()},
      port,
      URL,
    )
  }
  const user = (): StoredUser => store.users.get(MAILBOX)!

  it('subscribes, keeps the clientState sealed at rest, switches mode to push and catches up', async () => {
    const {port, calls} = replacingPort(3_600_000)
    const k = keeper(port, 3_600_000)
    k.add(user())
    const [active] = await eventually('subscribed', async () => {
      const found = store.subscriptions.list({state: 'active'})
      return found.length > 0 ? found : undefined
    })
    assert.deepEqual(calls, [`subscribe ${URL}`])
    assert.equal(scheduler.modeOf(MAILBOX), 'push')
    assert.ok(triggers.includes('catchup'))
    const view = lookupIn(store).find('google', active!.id)
    assert.equal(view?.state, 'active')
    assert.equal(view?.clientState, active!.clientState)
    assert.ok(active!.clientState.length >= 40)
    await k.close(true)
    store.close()
    const dir = join(home.env.HCAL_DATA_DIR!, 'acme')
    const bytes = Buffer.concat(await Promise.all((await readdir(dir)).map((f) => readFile(join(dir, f)))))
    assert.equal(bytes.includes(Buffer.from(active!.clientState)), false, 'clientState not in the database in clear')
  })

  it('renews before expiry with overlap: the new channel first, the old one stopped once the new one confirmed', async () => {
    // A lifetime of 31 s: renewal is due 30 s (the minimum lead) before expiry, at once.
    const {port, calls} = replacingPort(31_000)
    const k = keeper(port, 31_000)
    k.add(user())
    await eventually('renewed', async () => (calls.includes('renew ch-1') ? true : undefined))
    const first = store.subscriptions.get('google', 'ch-1')
    const second = store.subscriptions.get('google', 'ch-2')
    assert.equal(first?.state, 'superseded', 'the old one is still live until the new one confirms')
    assert.equal(second?.state, 'active')
    assert.equal(second?.clientState, first?.clientState)
    assert.equal(calls.includes('stop ch-1'), false)
    // Late notifications of the old one are still recognised (and the listener drops them as stopped).
    k.notify(MAILBOX, {subscriptionId: 'ch-2', signal: 'sync'})
    await eventually('old channel stopped', async () => (calls.includes('stop ch-1') ? true : undefined))
    assert.equal(store.subscriptions.get('google', 'ch-1')?.state, 'stopped')
    await k.close(false)
    assert.ok(calls.includes('stop ch-2'), 'shutdown without --keep-subscriptions stops the current one')
    assert.equal(store.subscriptions.get('google', 'ch-2')?.state, 'stopped')
  })

  it('subscriptionRemoved subscribes again and catches up; a reused subscription is not made again', async () => {
    const {port, calls} = replacingPort(3_600_000)
    const k = keeper(port, 3_600_000)
    k.add(user())
    await eventually('subscribed', async () => (store.subscriptions.get('google', 'ch-1') ? true : undefined))
    triggers.length = 0
    k.notify(MAILBOX, {subscriptionId: 'ch-1', signal: 'removed'})
    await eventually('subscribed again', async () => (store.subscriptions.get('google', 'ch-2') ? true : undefined))
    assert.equal(store.subscriptions.get('google', 'ch-1')?.state, 'stopped')
    assert.ok(triggers.includes('lifecycle'))
    await k.close(true)
    assert.equal(calls.includes('stop ch-2'), false, '--keep-subscriptions keeps it')

    scheduler.setMode(MAILBOX, 'poll')
    const restarted = keeper(port, 3_600_000)
    restarted.add(user())
    await eventually('push mode', async () => (scheduler.modeOf(MAILBOX) === 'push' ? true : undefined))
    assert.deepEqual(calls.filter((c) => c.startsWith('subscribe')).length, 2, 'the kept one is reused')
    await restarted.close(false)
  })
})

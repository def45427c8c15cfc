import assert from 'node:assert/strict'

import {createLogger} from '../../../src/lib/log/logger.js'
import type {PushPort, StreamEnd, StreamRequest} from '../../../src/lib/ports/calendar.js'
import {createSecretStore} from '../../../src/lib/secrets/index.js'
import {openStateStore, type StateStore} from '../../../src/lib/store/index.js'
import type {SyncSession} from '../../../src/lib/sync/session.js'
import {StreamKeeper} from '../../../src/lib/watch/push-streams.js'
import {SyncScheduler} from '../../../src/lib/watch/scheduler.js'
import {silentMetrics} from '../../../src/lib/watch/seams.js'
import {tempHome} from '../../helpers/cli.js'
import {eventually} from '../../helpers/eventually.js'

const MAILBOXES = ['a@acme.example', 'b@acme.example', 'c@acme.example']

/**
 * A stream provider's push port in memory (the EWS adapter is tested against the sandbox): each openStream is
 * recorded and stays open until the test ends it (or its signal aborts it), like a streaming connection.
 */
function streamingPort() {
  const opened: {request: StreamRequest; end(result: StreamEnd): void}[] = []
  let next = 1
  const port: PushPort = {
    async subscribe(request) {
      return {
        id: `sub-${next++}`,
        mailbox: MAILBOXES.find((m) => request.grant === (m as never)) ?? '',
        expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
        handle: {},
      }
    },
    async renew(_grant, subscription) {
      return subscription
    },
    async stop() {},
  }
  const openStream = (request: StreamRequest) =>
    new Promise<StreamEnd>((resolve) => {
      opened.push({request, end: resolve})
      request.signal.addEventListener('abort', () => resolve({kind: 'closed'}), {once: true})
    })
  return {port, openStream, opened}
}

describe('stream push keeper', () => {
  let home: Awaited<ReturnType<typeof tempHome>>
  let store: StateStore
  let scheduler: SyncScheduler
  const syncs: string[] = []

  beforeEach(async () => {
    home = await tempHome()
    store = await openStateStore({
      profile: 'acme',
      secrets: createSecretStore({profile: 'acme', backend: 'memory', env: {}}),
      dataDir: home.env.HCAL_DATA_DIR,
    })
    syncs.length = 0
    scheduler = new SyncScheduler({
      pollMs: 3_600_000,
      safetyMs: 3_600_000,
      run: async (mailbox, trigger) => void syncs.push(`${trigger} ${mailbox}`),
    })
    for (const email of MAILBOXES) {
      store.users.upsert({email, provider: 'exchange', kind: 'user', state: 'active'})
      scheduler.add(email)
    }
  })
  afterEach(async () => {
    scheduler.stop()
    store.close()
    await home.cleanup()
  })

  function keeper(fake: ReturnType<typeof streamingPort>, watchdogMs = 60_000) {
    const session = {
      id: 'exchange',
      provider: {capabilities: {push: {kind: 'stream', maxLifetimeMs: 86_400_000, maxPerStream: 2}}},
      // The fake port reads the mailbox back from the grant.
      gate: {grant: (email: string) => email},
      callFor: () => (work: (signal: AbortSignal | undefined) => Promise<unknown>) => work(undefined),
    } as unknown as SyncSession
    const log = createLogger({level: 'error', format: 'json'})
    const context = {session, store, scheduler, metrics: silentMetrics(), log, now: () => new Date()}
    return new StreamKeeper(context, fake.port, fake.openStream, {watchdogMs})
  }

  it('carries at most maxPerStream subscriptions per connection and switches mailboxes to push', async () => {
    const fake = streamingPort()
    const k = keeper(fake)
    for (const email of MAILBOXES) k.add(store.users.get(email)!)
    await eventually('two connections', async () => (fake.opened.length >= 2 ? true : undefined))
    const sizes = fake.opened.map((o) => o.request.subscriptions.length).sort()
    assert.deepEqual(sizes, [1, 2])
    assert.ok(
      fake.opened.every((o) => o.request.connectionMinutes < 30),
      'reopened before the 30-minute limit',
    )
    assert.deepEqual(
      MAILBOXES.map((m) => scheduler.modeOf(m)),
      ['push', 'push', 'push'],
    )
    const [first] = fake.opened
    const sub = first!.request.subscriptions[0]!
    syncs.length = 0
    first!.request.onNotification({subscriptionId: sub.id, signal: 'changed'})
    await eventually('push sync', async () => (syncs.includes(`push ${sub.mailbox}`) ? true : undefined))
    await k.close(false)
    assert.equal(store.subscriptions.list({state: 'active'}).length, 0, 'stopped on shutdown')
  })

  it('lost subscriptions are made again and their mailbox caught up; a closed stream is reopened', async () => {
    const fake = streamingPort()
    const k = keeper(fake)
    k.add(store.users.get(MAILBOXES[0]!)!)
    await eventually('open', async () => (fake.opened.length === 1 ? true : undefined))
    const lost = fake.opened[0]!.request.subscriptions[0]!
    syncs.length = 0
    fake.opened[0]!.end({
      kind: 'lost',
      subscriptionIds: [lost.id],
      failure: {provider: 'exchange', kind: 'notFound', target: 'item', message: 'ErrorSubscriptionNotFound'},
    })
    await eventually('reopened with a new subscription', async () =>
      fake.opened.find((o, i) => i > 0 && o.request.subscriptions.some((s) => s.id !== lost.id)) ? true : undefined,
    )
    assert.equal(store.subscriptions.get('exchange', lost.id)?.state, 'stopped')
    assert.ok(syncs.includes(`catchup ${MAILBOXES[0]}`), syncs.join(', '))
    await k.close(false)
  })

  it('a stream silent for longer than the watchdog allows is reopened and its mailboxes caught up', async () => {
    const fake = streamingPort()
    const k = keeper(fake, 50)
    k.add(store.users.get(MAILBOXES[0]!)!)
    await eventually('reopened after silence', async () => (fake.opened.length >= 2 ? true : undefined), {
      timeoutMs: 30_000,
    })
    await eventually('caught up', async () => (syncs.includes(`catchup ${MAILBOXES[0]}`) ? true : undefined))
    await k.close(true)
    assert.equal(store.subscriptions.list({state: 'active'}).length, 1, '--keep-subscriptions keeps it')
  })
})

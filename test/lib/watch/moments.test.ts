import assert from 'node:assert/strict'

import {DEFAULT_MEETING_SETTINGS} from '../../../src/lib/core/settings.js'
import {createLogger} from '../../../src/lib/log/logger.js'
import type {PublishEvent} from '../../../src/lib/ports/publish.js'
import {createSecretStore} from '../../../src/lib/secrets/index.js'
import {openStateStore, type StateStore} from '../../../src/lib/store/index.js'
import {MomentKeeper, presenceEdges} from '../../../src/lib/watch/moments.js'
import {tempHome} from '../../helpers/cli.js'
import {eventually} from '../../helpers/eventually.js'

describe('due moments (out-of-office edges)', () => {
  let home: Awaited<ReturnType<typeof tempHome>>
  let store: StateStore

  beforeEach(async () => {
    home = await tempHome()
    store = await openStateStore({
      profile: 'acme',
      secrets: createSecretStore({profile: 'acme', backend: 'memory', env: {}}),
      dataDir: home.env.HCAL_DATA_DIR,
    })
  })
  afterEach(async () => {
    store.close()
    await home.cleanup()
  })

  it('a scheduled window has an on edge at its start and an off edge at its end; no window, no edges', () => {
    const base = {mailbox: 'a@x', provider: 'google' as const, checkedAt: '', changedAt: ''}
    const edges = presenceEdges({
      ...base,
      state: 'scheduled',
      start: '2026-12-01T08:00:00Z',
      end: '2026-12-02T08:00:00Z',
    })
    assert.deepEqual(
      edges.map((e) => [
        new Date(e.at).toISOString(),
        e.event.type === 'presence.changed' && e.event.outOfOffice.state,
      ]),
      [
        ['2026-12-01T08:00:00.000Z', 'on'],
        ['2026-12-02T08:00:00.000Z', 'off'],
      ],
    )
    assert.deepEqual(presenceEdges({...base, state: 'off'}), [])
    assert.deepEqual(presenceEdges({...base, state: 'on'}), [])
  })

  it('publishes presence.changed when a stored scheduled window starts and when it ends, once each', async () => {
    const events: PublishEvent[] = []
    const now = Date.now()
    store.presence.upsert({
      mailbox: 'a@x',
      provider: 'google',
      state: 'scheduled',
      start: new Date(now + 300).toISOString(),
      end: new Date(now + 700).toISOString(),
      checkedAt: new Date(now).toISOString(),
      changedAt: new Date(now).toISOString(),
    })
    const keeper = new MomentKeeper({
      store,
      sink: {enqueue: (batch) => void events.push(...batch)},
      settings: DEFAULT_MEETING_SETTINGS,
      log: createLogger({level: 'error', format: 'json'}),
    })
    keeper.start()
    await eventually('both edges', async () => (events.length >= 2 ? true : undefined), {timeoutMs: 10_000})
    keeper.replan()
    keeper.stop()
    assert.deepEqual(
      events.map((e) => e.type === 'presence.changed' && e.outOfOffice.state),
      ['on', 'off'],
    )
  })
})

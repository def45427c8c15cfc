import assert from 'node:assert/strict'

import {AccessGate} from '../../../src/lib/access/gate.js'
import type {PublishEvent} from '../../../src/lib/ports/publish.js'
import {settingsCache, updatePresence} from '../../../src/lib/sync/presence.js'
import {ALICE, EngineLab} from './lab.js'

describe('sync engine: presence', () => {
  let lab: EngineLab
  afterEach(async () => lab?.stop())

  async function update(now: Date, published: PublishEvent[]): Promise<void> {
    const grant = new AccessGate(lab.store.users).grant(ALICE, 'sync')
    const call = <T>(work: (signal: AbortSignal | undefined) => Promise<T>) => work(undefined)
    await updatePresence({
      store: lab.store,
      provider: lab.calendar,
      call,
      mailbox: ALICE,
      grant,
      readOutOfOffice: true,
      settings: settingsCache(
        lab.store,
        ALICE,
        () => lab.calendar.readMailboxSettings(),
        () => now,
      ),
      sink: {enqueue: (events) => published.push(...events)},
      now: () => now,
    })
  }

  it('stores out-of-office with the settings, publishes only a change, and reads settings at most daily', async () => {
    lab = await EngineLab.start()
    const published: PublishEvent[] = []
    await update(new Date('2026-12-03T08:00:00Z'), published)
    assert.equal(lab.store.presence.get(ALICE)?.state, 'off')
    assert.equal(lab.store.presence.get(ALICE)?.language, 'de-DE')
    assert.ok(lab.store.users.get(ALICE)?.syncedAt)
    await update(new Date('2026-12-03T09:00:00Z'), published)
    assert.equal(lab.calendar.calls.settings, 1)
    assert.equal(lab.calendar.calls.outOfOffice, 2)
    lab.calendar.outOfOffice = {state: 'scheduled', start: '2026-12-10T00:00:00Z', end: '2026-12-20T00:00:00Z'}
    await update(new Date('2026-12-04T09:00:00Z'), published)
    assert.equal(lab.calendar.calls.settings, 2)
    assert.deepEqual(
      published.map((e) => (e.type === 'presence.changed' ? e.outOfOffice.state : e.type)),
      ['off', 'scheduled'],
    )
    const row = lab.store.presence.get(ALICE)
    assert.deepEqual([row?.state, row?.start, row?.end], ['scheduled', '2026-12-10T00:00:00Z', '2026-12-20T00:00:00Z'])
  })
})

import assert from 'node:assert/strict'

import {jittered, SyncScheduler, type SyncTrigger} from '../../../src/lib/watch/scheduler.js'

/** A sync that runs until the test releases it. */
function gatedRuns() {
  const runs: {mailbox: string; trigger: SyncTrigger; release(): void}[] = []
  const started: (() => void)[] = []
  return {
    runs,
    run(mailbox: string, trigger: SyncTrigger) {
      return new Promise<void>((resolve) => {
        runs.push({mailbox, trigger, release: resolve})
        for (const wake of started.splice(0)) wake()
      })
    },
    /** Resolves once `count` runs have started. */
    async started(count: number) {
      while (runs.length < count) await new Promise<void>((resolve) => started.push(resolve))
    },
  }
}

describe('watch scheduler', () => {
  it('coalesces: one sync in flight per mailbox plus one pending, whatever the number of asks', async () => {
    const gate = gatedRuns()
    const scheduler = new SyncScheduler({pollMs: 3_600_000, safetyMs: 3_600_000, run: gate.run})
    scheduler.add('a@x')
    scheduler.request('a@x', 'initial')
    for (let i = 0; i < 5; i++) scheduler.request('a@x', 'push')
    await gate.started(1)
    assert.equal(gate.runs.length, 1)
    gate.runs[0]!.release()
    await gate.started(2)
    assert.deepEqual(
      gate.runs.map((r) => r.trigger),
      ['initial', 'push'],
    )
    gate.runs[1]!.release()
    await scheduler.idle()
    assert.equal(gate.runs.length, 2, 'the five pushes during the first sync cost one more sync')
    scheduler.stop()
  })

  it('runs mailboxes side by side, and a removed mailbox gets nothing more', async () => {
    const gate = gatedRuns()
    const scheduler = new SyncScheduler({pollMs: 3_600_000, safetyMs: 3_600_000, run: gate.run})
    scheduler.add('a@x')
    scheduler.add('b@x')
    scheduler.request('a@x', 'initial')
    scheduler.request('b@x', 'initial')
    await gate.started(2)
    scheduler.request('b@x', 'push')
    scheduler.remove('b@x')
    for (const run of gate.runs) run.release()
    await scheduler.idle()
    assert.deepEqual(gate.runs.map((r) => r.mailbox).sort(), ['a@x', 'b@x'])
    scheduler.request('b@x', 'push')
    assert.equal(gate.runs.length, 2)
    scheduler.stop()
  })

  it('polls on the interval when a mailbox has no push, and uses the safety net when it has', async () => {
    const triggers: SyncTrigger[] = []
    let resolveTwo: () => void = () => undefined
    const two = new Promise<void>((resolve) => (resolveTwo = resolve))
    const scheduler = new SyncScheduler({
      pollMs: 5,
      safetyMs: 3_600_000,
      run: async (_mailbox, trigger) => {
        triggers.push(trigger)
        if (triggers.length === 3) resolveTwo()
      },
    })
    scheduler.add('a@x')
    scheduler.request('a@x', 'initial')
    await two
    assert.deepEqual(triggers, ['initial', 'poll', 'poll'])
    scheduler.setMode('a@x', 'push')
    assert.equal(scheduler.modeOf('a@x'), 'push')
    scheduler.stop()
  })

  it('jitters by ±25 %', () => {
    assert.equal(
      jittered(1000, () => 0),
      750,
    )
    assert.equal(
      jittered(1000, () => 1),
      1250,
    )
    assert.equal(
      jittered(1000, () => 0.5),
      1000,
    )
  })
})

import assert from 'node:assert/strict'

import {DeltaStates} from '../../../src/sandbox/microsoft/delta.js'
import {MailboxLimits, type Throttled} from '../../../src/sandbox/microsoft/limits.js'

/** The emulator's server-side rules that need a clock or a cap too large to reach over HTTP. */
describe('sandbox microsoft: per-mailbox limits and delta state (explicit clock and cap)', () => {
  describe('MailboxLimits, scaled by 0.002 (20 requests per 1.2 s window)', () => {
    const mailbox = 'alice@contoso.test'

    /** Takes a slot at `now` and releases it at once (a fast request). */
    const request = (limits: MailboxLimits, now: number) => {
      const slot = limits.acquire(mailbox, now)
      if ('release' in slot) slot.release()
      return slot
    }

    it('refuses the 21st request in the window with MailboxRequestRate and the seconds until a slot frees', () => {
      const limits = new MailboxLimits(0.002)
      for (let i = 0; i < 20; i++) assert.ok('release' in request(limits, 1_000_000 + i * 10))
      const refused = request(limits, 1_000_100) as Throttled
      assert.deepEqual(refused, {
        code: 'ApplicationThrottled',
        message: 'Application is over its MailboxRequestRate limit.',
        // The oldest request (at +0 ms) leaves the window at +1200 ms: 1.1 s from now, rounded up.
        retryAfterSeconds: 2,
      })
      assert.ok('release' in limits.acquire('bob@contoso.test', 1_000_100), 'each mailbox has its own budget')
    })

    it('frees the budget exactly when the oldest request leaves the window', () => {
      const limits = new MailboxLimits(0.002)
      for (let i = 0; i < 20; i++) request(limits, 1_000_000 + i * 10)
      assert.equal('code' in request(limits, 1_001_199), true)
      assert.equal('release' in request(limits, 1_001_200), true)
      assert.equal('code' in request(limits, 1_001_201), true, 'only one request left the window')
    })

    it('counts refused requests against nothing (a 429 costs no budget)', () => {
      const limits = new MailboxLimits(0.002)
      for (let i = 0; i < 20; i++) request(limits, 1_000_000)
      for (let i = 0; i < 50; i++) assert.equal('code' in request(limits, 1_000_500), true)
      for (let i = 0; i < 20; i++) assert.equal('release' in request(limits, 1_001_200), true, `request ${i}`)
      assert.equal('code' in request(limits, 1_001_200), true)
    })

    it('allows four requests in flight per mailbox and frees a slot on release', () => {
      const limits = new MailboxLimits(1)
      const slots = Array.from({length: 4}, () => limits.acquire(mailbox, 0))
      assert.ok(slots.every((slot) => 'release' in slot))
      assert.deepEqual(limits.acquire(mailbox, 0), {
        code: 'ApplicationThrottled',
        message: 'Application is over its MailboxConcurrency limit.',
        retryAfterSeconds: 1,
      })
      assert.equal(limits.running(mailbox), 4)
      const first = slots[0]
      assert.ok(first && 'release' in first)
      first.release()
      first.release()
      assert.equal(limits.running(mailbox), 3, 'a second release of the same slot changes nothing')
      assert.ok('release' in limits.acquire(mailbox, 0))
    })
  })

  describe('DeltaStates', () => {
    const state = (mailbox: string) => ({mailbox, start: 0, end: 1, seq: 0})

    it('forgets the oldest sync state beyond its cap (the next use of it answers 410)', () => {
      const states = new DeltaStates(2)
      const first = states.newState(state('a'))
      const second = states.newState(state('a'))
      assert.ok(states.state(first))
      const third = states.newState(state('a'))
      assert.equal(states.state(first), undefined)
      assert.ok(states.state(second) && states.state(third))
    })

    it('hands out pending pages once, and invalidates one mailbox without touching another', () => {
      const states = new DeltaStates()
      const pages = states.newPages({...state('a'), entries: [], offset: 0, pageSize: 10})
      assert.equal(states.takePages(pages, 'b'), undefined, 'another mailbox cannot take them')
      assert.ok(states.takePages(pages, 'a'))
      assert.equal(states.takePages(pages, 'a'), undefined)
      const kept = states.newState(state('b'))
      const dropped = states.newState(state('a'))
      assert.equal(states.invalidate('a'), 1)
      assert.equal(states.state(dropped), undefined)
      assert.ok(states.state(kept))
    })
  })
})

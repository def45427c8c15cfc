import assert from 'node:assert/strict'

import type {HcalError} from '../../../src/lib/errors.js'
import {GOOGLE_CAPABILITIES} from '../../../src/lib/providers/google/capabilities.js'
import {EXCHANGE_CAPABILITIES} from '../../../src/lib/providers/exchange/capabilities.js'
import {effectiveLimits, limitOverrides, throttleOptions} from '../../../src/lib/sync/limits.js'

describe('sync limits', () => {
  it("uses the declared limits without overrides, the profile's where given", () => {
    assert.deepEqual(
      effectiveLimits(GOOGLE_CAPABILITIES.limits, limitOverrides(undefined, 'google')),
      GOOGLE_CAPABILITIES.limits,
    )
    const limits = effectiveLimits(
      GOOGLE_CAPABILITIES.limits,
      limitOverrides({limits: {google: {requestsPerMinute: 3000, concurrencyPerAccount: 8}}}, 'google'),
    )
    assert.equal(limits.concurrencyPerAccount, 8)
    assert.deepEqual(
      limits.budgets.map((b) => [b.scope, b.requests, b.windowMs]),
      [
        ['mailbox', 600, 60_000],
        ['account', 3000, 60_000],
      ],
    )
    const exchange = effectiveLimits(
      EXCHANGE_CAPABILITIES.limits,
      limitOverrides({limits: {exchange: {concurrencyPerAccount: 27}}}, 'exchange'),
    )
    assert.equal(exchange.concurrencyPerAccount, 27)
  })

  it('refuses a malformed section, naming the path and the ranges', () => {
    for (const sync of [
      {limits: {google: {requestsPerMinute: 0}}},
      {limits: {google: {requestsPerMinute: 1.5}}},
      {limits: {google: {concurencyPerAccount: 4}}},
      {limits: {google: 'fast'}},
      {limits: []},
    ]) {
      assert.throws(
        () => limitOverrides(sync, 'google'),
        (error: HcalError) => error.code === 'SYNC_LIMITS_INVALID' && /sync\.limits/.test(error.message),
        JSON.stringify(sync),
      )
    }
  })

  it('spreads a per-minute budget over seconds', () => {
    assert.deepEqual(throttleOptions({requests: 10_000, windowMs: 60_000}), {limit: 166, interval: 1000})
    assert.deepEqual(throttleOptions({requests: 10, windowMs: 600_000}), {limit: 10, interval: 600_000})
  })
})

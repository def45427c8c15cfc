import assert from 'node:assert/strict'

import type {ProviderLimits} from '../../../src/lib/ports/capabilities.js'
import {REGISTRY} from '../../../src/lib/providers/registry.js'
import type {LoggedRequest} from '../../../scripts/bench/activation-bound.js'
import {syncBound} from '../../../scripts/bench/sync-bound.js'

const limits = (overrides: Partial<ProviderLimits>): ProviderLimits => ({
  concurrencyPerMailbox: 4,
  concurrencyPerAccount: 10,
  budgets: [],
  pageSize: 100,
  maxPageSize: 100,
  batch: undefined,
  ...overrides,
})

const requests = (count: number, operation: string, mailbox = 'a@x.test', status = 200): LoggedRequest[] =>
  Array.from({length: count}, () => ({status, operation, mailbox}))

describe('the lower bound of a sync run (scripts/bench/sync-bound.ts)', () => {
  it('is the round trips over the account concurrency times the latency when no budget binds', () => {
    const log = ['a', 'b', 'c'].flatMap((name) => requests(20, 'FindItem', `${name}@x.test`))
    const bound = syncBound('exchange', log, limits({}), 20)
    assert.equal(bound.concurrencyBoundMs, (60 / 10) * 20)
    assert.equal(bound.mailboxBoundMs, (20 / 4) * 20)
    assert.equal(bound.boundMs, 120)
    assert.equal(bound.limitedBy, 'concurrency')
  })

  it('counts whole budget windows before the last request may go, and gives the sustained rate beside it', () => {
    const budget = {scope: 'account' as const, requests: 100, windowMs: 60_000, source: 'test'}
    const log = requests(250, 'events.list')
    const bound = syncBound('google', log, limits({budgets: [budget], concurrencyPerAccount: 1000}), 20)
    // 100 at once, 100 a window later, the last 50 two windows after the first.
    assert.equal(bound.rateBoundMs, 120_000)
    assert.equal(bound.sustainedRateMs, 150_000)
    assert.equal(bound.limitedBy, 'rate')
    assert.equal(bound.boundMs, 120_000)
  })

  it('leaves throttled answers and what the budget does not count (tokens, Gmail) out of the rate', () => {
    const budget = {scope: 'account' as const, requests: 10, windowMs: 1000, source: 'test'}
    const log = [
      ...requests(11, 'events.list'),
      ...requests(50, 'token'),
      ...requests(50, 'users.settings.getVacation'),
      ...requests(5, 'events.list', 'a@x.test', 429),
    ]
    const bound = syncBound('google', log, limits({budgets: [budget], concurrencyPerAccount: 1000}), 20)
    assert.equal(bound.budgeted, 11)
    assert.equal(bound.roundTrips, 111)
    assert.equal(bound.rateBoundMs, 1000)
  })

  it('holds a mailbox budget to the busiest mailbox', () => {
    const budget = {scope: 'mailbox' as const, requests: 5, windowMs: 1000, source: 'test'}
    const log = [
      ...requests(11, 'calendarView.delta', 'busy@x.test'),
      ...requests(3, 'calendarView.delta', 'calm@x.test'),
    ]
    const bound = syncBound('microsoft', log, limits({budgets: [budget], concurrencyPerAccount: 1000}), 1)
    assert.equal(bound.rateBoundMs, 2000)
  })

  it('uses the limits the adapters declare', () => {
    const log = requests(640, 'FindItem')
    const bound = syncBound('exchange', log, REGISTRY.exchange.capabilities.limits, 20)
    assert.equal(bound.concurrencyBoundMs, (640 / REGISTRY.exchange.capabilities.limits.concurrencyPerAccount) * 20)
  })
})

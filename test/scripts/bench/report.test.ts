import assert from 'node:assert/strict'

import {changedMailboxes} from '../../../scripts/bench/edits.js'
import {formatReport, gapOf, passes, scenario} from '../../../scripts/bench/report.js'
import {extrapolate, percentile, ratio} from '../../../scripts/bench/stats.js'

describe('the benchmark report (scripts/bench/report.ts, stats.ts)', () => {
  it('gives every contract field, null where it does not apply', () => {
    const row = scenario('core-throughput', {wallMs: 12, p50Ms: 0.01, p99Ms: 0.2})
    assert.deepEqual(Object.keys(row), [
      'id',
      'provider',
      'wallMs',
      'requests',
      'throttled',
      'peakRssMb',
      'lowerBoundMs',
      'ratioToBound',
      'baselineMs',
      'speedup',
      'p50Ms',
      'p99Ms',
      'target',
      'met',
    ])
    assert.equal(row.provider, null)
    assert.equal(row.target, null)
    assert.equal(row.met, null)
  })

  it('meets a target only when every check passes, and never one that was not measured', () => {
    const met = scenario('full-sync', {ratioToBound: 1.2}, [
      {label: 'ratioToBound', actual: 1.2, op: '<=', limit: 1.3},
      {label: 'throttled share', actual: 0, op: '<=', limit: 1, unit: '%'},
    ])
    assert.equal(met.target, 'ratioToBound <= 1.3; throttled share <= 1%')
    assert.equal(met.met, true)
    assert.equal(scenario('x', {}, [{label: 'ratioToBound', actual: 1.31, op: '<=', limit: 1.3}]).met, false)
    assert.equal(scenario('watch-latency', {}, [{label: 'p99Ms', actual: null, op: '<', limit: 1000}]).met, false)
    assert.equal(passes({label: 'rss', actual: 300, op: '<', limit: 300}), false)
    assert.equal(passes({label: 'calls', actual: 1, op: '=', limit: 1}), true)
  })

  it('prints the gap of a target not met', () => {
    assert.equal(
      gapOf({label: 'ratioToBound', actual: 2.6, op: '<=', limit: 1.3}),
      'ratioToBound 2.6 is 1.3 over <= 1.3, 2x the target',
    )
    assert.equal(gapOf({label: 'calls', actual: 3, op: '=', limit: 1}), 'calls 3, wanted 1 (+2)')
    assert.equal(gapOf({label: 'p99Ms', actual: null, op: '<', limit: 1000}), 'p99Ms: not measured yet')
    assert.equal(gapOf({label: 'ratioToBound', actual: 1, op: '<=', limit: 1.3}), null)
  })

  it('prints every scenario with its target, its verdict and its notes', () => {
    const row = scenario('watch-latency', {}, [{label: 'p99Ms', actual: null, op: '<', limit: 1000}])
    const text = formatReport({params: {mailboxes: 2000}, scenarios: [row]}, new Map([[row, ['a note']]]))
    assert.match(text, /^hcal benchmark: mailboxes=2000\n/)
    assert.match(text, /watch-latency: not measured yet {2}\[NOT met\]\n {4}target: p99Ms < 1000\n {4}a note\n/)
  })

  it('takes nearest-rank percentiles, ratios and a linear scale-up', () => {
    const sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    assert.equal(percentile(sorted, 50), 5)
    assert.equal(percentile(sorted, 99), 10)
    assert.equal(percentile(sorted, 0), 1)
    assert.ok(Number.isNaN(percentile([], 50)))
    assert.equal(ratio(10, 4), 2.5)
    assert.equal(ratio(10, 0), null)
    assert.equal(ratio(null, 4), null)
    assert.equal(extrapolate(1000, 100, 2000), 20_000)
    assert.throws(() => extrapolate(1000, 0, 2000))
  })

  it('changes 1% of the mailboxes, spread over the list, and at least one', () => {
    const mailboxes = Array.from({length: 2000}, (_, i) => `u${i}@x.test`)
    const changed = changedMailboxes(mailboxes, 0.01)
    assert.equal(changed.length, 20)
    assert.equal(new Set(changed).size, 20)
    assert.equal(changed[0], 'u0@x.test')
    assert.equal(changed[1], 'u100@x.test')
    assert.deepEqual(changedMailboxes(['only@x.test'], 0.01), ['only@x.test'])
    assert.deepEqual(changedMailboxes([], 0.01), [])
  })
})

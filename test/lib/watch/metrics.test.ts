import assert from 'node:assert/strict'

import {createWatchMetrics} from '../../../src/lib/watch/metrics.js'

describe('watch metrics', () => {
  it('exposes every metric of the watch service under its documented name', async () => {
    const metrics = createWatchMetrics({processMetrics: false})
    metrics.notificationsReceived.inc({provider: 'google'})
    metrics.notificationsRejected.inc({provider: 'google', reason: 'forged'})
    metrics.syncs.inc({provider: 'google', trigger: 'push'})
    metrics.writes.inc({provider: 'google'})
    metrics.conflicts.inc({provider: 'google'})
    metrics.throttled.inc({provider: 'google'})
    metrics.renewals.inc({provider: 'google', result: 'replaced'})
    metrics.changeToWrite.observe({provider: 'google'}, 0.4)
    metrics.pushFallbacks.set({provider: 'exchange'}, 2)
    const text = await metrics.registry.metrics()
    for (const line of [
      'hcal_notifications_received_total{provider="google"} 1',
      'hcal_notifications_rejected_total{provider="google",reason="forged"} 1',
      'hcal_syncs_total{provider="google",trigger="push"} 1',
      'hcal_writes_total{provider="google"} 1',
      'hcal_conflicts_total{provider="google"} 1',
      'hcal_throttled_total{provider="google"} 1',
      'hcal_renewals_total{provider="google",result="replaced"} 1',
      'hcal_change_to_write_seconds_bucket{le="0.5",provider="google"} 1',
      'hcal_change_to_write_seconds_count{provider="google"} 1',
      'hcal_push_fallback_mailboxes{provider="exchange"} 2',
    ]) {
      assert.ok(text.split('\n').includes(line), `missing: ${line}`)
    }
  })

  it('gives each call its own registry, so two services in one process do not collide', async () => {
    const first = createWatchMetrics()
    const second = createWatchMetrics()
    first.writes.inc({provider: 'microsoft'}, 3)
    assert.match(await first.registry.metrics(), /^hcal_writes_total\{provider="microsoft"\} 3$/m)
    assert.doesNotMatch(await second.registry.metrics(), /^hcal_writes_total\{provider="microsoft"\}/m)
    assert.match(await second.registry.metrics(), /^process_cpu_user_seconds_total /m)
  })
})

import assert from 'node:assert/strict'

import {CALENDAR_QUOTA, QuotaMeter} from '../../../src/sandbox/google/quota.js'

describe('Google emulator quota meter (sliding one-minute window)', () => {
  it('answers 429 rateLimitExceeded past 10,000 requests per project, whoever the users are', () => {
    const meter = new QuotaMeter(CALENDAR_QUOTA, 60_000)
    const start = 1_000_000
    for (let i = 0; i < 10_000; i++) assert.equal(meter.charge(`user${i % 50}@acme.test`, 1, start + i), undefined)
    const refused = meter.charge('fresh@acme.test', 1, start + 10_000)
    assert.deepEqual(refused?.body(), {
      error: {
        code: 429,
        message: 'Rate Limit Exceeded',
        errors: [{domain: 'usageLimits', reason: 'rateLimitExceeded', message: 'Rate Limit Exceeded'}],
      },
    })
  })

  it('answers 403 userRateLimitExceeded past 600 per user, and frees capacity as the window slides', () => {
    const meter = new QuotaMeter(CALENDAR_QUOTA, 60_000)
    for (let i = 0; i < 600; i++) assert.equal(meter.charge('sa@p.iam.gserviceaccount.com', 1, i * 10), undefined)
    assert.equal(meter.charge('sa@p.iam.gserviceaccount.com', 1, 6_000)?.code, 403)
    assert.equal(meter.charge('other@acme.test', 1, 6_000), undefined)
    // The request at t=0 has left the window by t=60,005, so one more fits; the next leaves at t=60,010.
    assert.equal(meter.charge('sa@p.iam.gserviceaccount.com', 1, 60_005), undefined)
    assert.equal(meter.charge('sa@p.iam.gserviceaccount.com', 1, 60_006)?.code, 403)
  })
})

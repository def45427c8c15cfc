import assert from 'node:assert/strict'

import {clockSkewCheck, expiryCheck, failureKind, failed, passed} from '../../../src/lib/provisioning/checks.js'

const NOW = Date.parse('2026-12-03T12:00:00Z')
const at = (seconds: number) => new Date(NOW + seconds * 1000).toUTCString()
const DAY = 86_400_000

describe('proof checks: clock skew and credential expiry', () => {
  it('passes a clock within a minute of the server, warns past it, fails past the 5 minutes tokens allow', () => {
    assert.equal(clockSkewCheck('clock', 'Google', at(-59), NOW).status, 'pass')
    const ahead = clockSkewCheck('clock', 'Google', at(-120), NOW)
    assert.deepEqual([ahead.status, ahead.code], ['warn', 'CLOCK_SKEW'])
    assert.match(ahead.message, /120 s ahead of Google/)
    const behind = clockSkewCheck('clock', 'Entra', at(301), NOW)
    assert.deepEqual([behind.status, behind.code, behind.auth], ['fail', 'CLOCK_SKEW', true])
    assert.match(behind.message, /301 s behind Entra/)
    assert.match(behind.fix ?? '', /NTP/)
  })

  it('skips when the server sent no usable Date header', () => {
    assert.equal(clockSkewCheck('clock', 'EWS', undefined, NOW).status, 'skip')
    assert.equal(clockSkewCheck('clock', 'EWS', 'yesterday', NOW).status, 'skip')
  })

  it('fails an expired credential, warns within 30 days, passes later ones with the date', () => {
    const base = {what: 'the certificate', rotate: 'Upload a new certificate.'}
    const expired = expiryCheck('expiry', {...base, expiresAt: new Date(NOW - 1000).toISOString()}, NOW)
    assert.deepEqual([expired.status, expired.code, expired.fix], ['fail', 'CREDENTIAL_EXPIRED', base.rotate])
    const soon = expiryCheck('expiry', {...base, expiresAt: new Date(NOW + 29 * DAY + 1000).toISOString()}, NOW)
    assert.deepEqual([soon.status, soon.code], ['warn', 'CREDENTIAL_EXPIRING'])
    assert.match(soon.message, /expires in 29 days \(2027-01-01\)/)
    const later = expiryCheck('expiry', {...base, expiresAt: new Date(NOW + 31 * DAY).toISOString()}, NOW)
    assert.equal(later.status, 'pass')
  })

  it('without an expiry, judges age against the rotation policy, and skips when the age is unknown', () => {
    const base = {what: 'the password', rotate: 'Rotate it.', maxAgeDays: 90}
    assert.equal(expiryCheck('age', {...base, storedAt: new Date(NOW - 90 * DAY).toISOString()}, NOW).status, 'pass')
    const old = expiryCheck('age', {...base, storedAt: new Date(NOW - 91 * DAY).toISOString()}, NOW)
    assert.deepEqual([old.status, old.code], ['warn', 'CREDENTIAL_OLD'])
    assert.equal(expiryCheck('age', {what: 'the password', rotate: 'Rotate it.'}, NOW).status, 'skip')
  })

  it('a run fails as auth (exit 4) when any failure is about credentials or rights, else as other', () => {
    assert.equal(failureKind([passed('a', 'ok')]), 'none')
    assert.equal(failureKind([passed('a', 'ok'), failed('b', 'down', 'fix', 'UNREACHABLE')]), 'other')
    assert.equal(
      failureKind([failed('b', 'down', 'fix', 'UNREACHABLE'), failed('c', 'denied', 'fix', 'DENIED', {auth: true})]),
      'auth',
    )
  })
})

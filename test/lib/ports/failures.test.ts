import assert from 'node:assert/strict'

import {ExitCode} from '../../../src/lib/errors.js'
import {
  failsConnection,
  failureCode,
  isRetryable,
  ProviderFailure,
  type ProviderFailureInfo,
} from '../../../src/lib/ports/failures.js'
import {headerValue, parseRetryAfter} from '../../../src/lib/providers/retry-after.js'

describe('neutral provider failures', () => {
  const base = {provider: 'microsoft', message: 'said no'}

  it('derive a stable code from the provider and the most specific part of the failure', () => {
    const cases: [ProviderFailureInfo, string][] = [
      [{...base, kind: 'permission', reason: 'roleMissing'}, 'MICROSOFT_ROLE_MISSING'],
      [{...base, kind: 'auth', reason: 'credentialsRejected'}, 'MICROSOFT_CREDENTIALS_REJECTED'],
      [{...base, kind: 'notFound', target: 'mailbox'}, 'MICROSOFT_MAILBOX_NOT_FOUND'],
      [{...base, kind: 'rateLimited', retryAfterMs: 1000}, 'MICROSOFT_RATE_LIMITED'],
      [{...base, kind: 'cursorExpired'}, 'MICROSOFT_CURSOR_EXPIRED'],
    ]
    for (const [failure, code] of cases) assert.equal(failureCode(failure), code)
  })

  it('exit 4 for auth and permission, 1 otherwise; only throttling and outages are retryable', () => {
    const auth = new ProviderFailure({...base, kind: 'auth', reason: 'tokenRejected'})
    assert.equal(auth.exitCode, ExitCode.auth)
    assert.equal(auth.code, 'MICROSOFT_TOKEN_REJECTED')
    assert.deepEqual(auth.data, {failure: auth.failure})
    const conflict = new ProviderFailure({...base, kind: 'conflict'}, {code: 'X_CONFLICT', suggestions: ['re-read']})
    assert.deepEqual(
      [conflict.exitCode, conflict.code, conflict.suggestions],
      [ExitCode.failed, 'X_CONFLICT', ['re-read']],
    )
    assert.equal(isRetryable({...base, kind: 'transient', retryAfterMs: undefined}), true)
    assert.equal(isRetryable(conflict.failure), false)
    assert.equal(failsConnection(auth.failure), false)
    assert.equal(failsConnection({...base, kind: 'permission', reason: 'delegationMissing'}), true)
    assert.equal(failsConnection({...base, kind: 'permission', reason: 'impersonationDenied'}), false)
  })
})

describe('Retry-After', () => {
  const now = Date.parse('2026-03-01T12:00:00Z')

  it('reads delay-seconds and HTTP-dates; a past date is 0; anything else is no hint', () => {
    assert.equal(parseRetryAfter('120', now), 120_000)
    assert.equal(parseRetryAfter(' 0 ', now), 0)
    assert.equal(parseRetryAfter('Sun, 01 Mar 2026 12:00:30 GMT', now), 30_000)
    assert.equal(parseRetryAfter('Sun, 01 Mar 2026 11:00:00 GMT', now), 0)
    for (const value of [undefined, null, '', '1.5', '-3', 'soon']) assert.equal(parseRetryAfter(value, now), undefined)
  })

  it('finds the header in fetch Headers and in plain records, whatever the case', () => {
    assert.equal(headerValue(new Headers({'Retry-After': '5'}), 'retry-after'), '5')
    assert.equal(headerValue({'Retry-After': '7'}, 'retry-after'), '7')
    assert.equal(headerValue({'retry-after': ['9', '10']}, 'Retry-After'), '9')
    assert.equal(headerValue(undefined, 'retry-after'), undefined)
  })
})

import assert from 'node:assert/strict'

import type {MailboxGrant} from '../../../../src/lib/ports/access.js'
import {isProviderFailure, type ProviderFailureInfo} from '../../../../src/lib/ports/failures.js'
import {DEFAULT_TUNING} from '../../../../src/lib/providers/exchange/calendar/index.js'
import {rejectionOf} from '../../../helpers/expect.js'
import {type CalendarLab, EX, startCalendarLab} from './calendar-lab.js'

async function failureOf(run: () => Promise<unknown>): Promise<ProviderFailureInfo> {
  const error = await rejectionOf(run)
  assert.ok(isProviderFailure(error), `a ProviderFailure, got ${String(error)}`)
  return error.failure
}

describe('Exchange calendar adapter: failures in the port terms', function () {
  this.timeout(120_000)
  let c: CalendarLab
  let user: string
  let grant: MailboxGrant

  before(async () => {
    c = await startCalendarLab()
    user = c.lab.seed.exchange!.users[4]!.email
    grant = c.activate(user)
  })
  afterEach(async () => {
    await c.control('PUT', '/_sandbox/faults', {})
    await c.control('PUT', `${EX}/impersonation`, {enabled: true, scope: null})
  })
  after(async () => c.stop())

  it('ErrorServerBusy is rateLimited with its BackOffMilliseconds; it and IIS 503 are recorded as throttled', async () => {
    await c.control('PUT', `${EX}/throttling`, {backOffMs: 2500})
    // The sandbox answers an injected 500 with Exchange's ErrorServerBusy fault.
    await c.control('PUT', '/_sandbox/faults', {errorRates: {'500': 1}, providers: ['exchange'], mailboxes: [user]})
    const from = c.records.length
    const failure = await failureOf(() => c.calendar.listChanges({grant, window: c.window}))
    assert.deepEqual([failure.kind, failure.kind === 'rateLimited' && failure.retryAfterMs], ['rateLimited', 2500])
    assert.equal(failure.providerCode, 'ErrorServerBusy')
    const settings = await failureOf(() => c.calendar.readOutOfOffice(grant))
    assert.deepEqual([settings.kind, settings.kind === 'rateLimited' && settings.retryAfterMs], ['rateLimited', 2500])
    await c.control('PUT', '/_sandbox/faults', {errorRates: {'503': 1}, providers: ['exchange'], mailboxes: [user]})
    const unavailable = await failureOf(() => c.calendar.readOutOfOffice(grant))
    assert.equal(unavailable.kind, 'transient')
    assert.deepEqual(c.records.slice(from), [
      {purpose: 'calendar', status: 500, throttled: true},
      {purpose: 'settings', status: 500, throttled: true},
      {purpose: 'settings', status: 503, throttled: true},
    ])
  })

  it('a reset connection is transient, recorded with status 0', async () => {
    await c.control('PUT', '/_sandbox/faults', {resetRate: 1, providers: ['exchange'], mailboxes: [user]})
    const from = c.records.length
    const failure = await failureOf(() => c.calendar.readEvent({grant, eventId: 'AAMkIgone'}))
    assert.equal(failure.kind, 'transient')
    assert.deepEqual(c.records.slice(from), [{purpose: 'calendar', status: 0, throttled: false}])
  })

  it('ErrorImpersonateUserDenied is permission impersonationDenied, with the PowerShell that fixes it', async () => {
    await c.control('PUT', `${EX}/impersonation`, {enabled: false})
    const error = await rejectionOf(() => c.calendar.listChanges({grant, window: c.window}))
    assert.ok(isProviderFailure(error))
    assert.deepEqual(
      [error.failure.kind, error.failure.kind === 'permission' && error.failure.reason],
      ['permission', 'impersonationDenied'],
    )
    assert.equal(error.code, 'EXCHANGE_IMPERSONATION_DENIED')
    assert.match(error.suggestions.join(' '), /New-ManagementRoleAssignment .*ApplicationImpersonation/)
  })

  it('a wrong service account password is auth (HTTP 401), failing the whole connection', async () => {
    const wrong = await c.tuned(DEFAULT_TUNING, 'not-the-password')
    const from = c.records.length
    const failure = await failureOf(() => wrong.listChanges({grant, window: c.window}))
    assert.deepEqual(
      [failure.kind, failure.kind === 'auth' && failure.reason, failure.status],
      ['auth', 'credentialsRejected', 401],
    )
    assert.deepEqual(c.records.slice(from), [{purpose: 'calendar', status: 401, throttled: false}])
  })

  it('a forged page token is refused without a request', async () => {
    const from = c.records.length
    const failure = await failureOf(() => c.calendar.listChanges({grant, window: c.window, page: 'bm9wZQ'}))
    assert.equal(failure.kind, 'fatal')
    assert.equal(c.records.length, from)
  })
})

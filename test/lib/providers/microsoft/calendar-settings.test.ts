import assert from 'node:assert/strict'

import type {MailboxGrant} from '../../../../src/lib/ports/access.js'
import {isProviderFailure, type ProviderFailureInfo} from '../../../../src/lib/ports/failures.js'
import {rejectionOf} from '../../../helpers/expect.js'
import {type CalendarLab, countBy, labWindow, startCalendarLab} from './calendar-lab.js'

function failureOf(error: unknown): ProviderFailureInfo {
  assert.ok(isProviderFailure(error), String(error))
  return error.failure
}

/**
 * Mailbox settings and automatic replies (one GET for both), and how Graph's refusals reach the engine:
 * throttling with a Retry-After never below the jittered floor, a mailbox outside the app's scope, and one
 * record per HTTP exchange (token requests included) through the adapter's hooks.
 */
describe('Microsoft calendar adapter: mailbox settings, out-of-office, failures and request records', function () {
  this.timeout(120_000)
  let lab: CalendarLab
  let owner: string
  let grant: MailboxGrant

  before(async () => {
    lab = await startCalendarLab()
    owner = lab.users[0]!
    grant = lab.grant(owner)
  })
  after(async () => lab?.stop())
  afterEach(async () => {
    await lab.control('PUT', '/_sandbox/faults', {})
    await lab.control('PUT', '/_sandbox/microsoft/mailbox-scope', {mailboxes: null})
  })

  it('reads language, time zone and a scheduled out-of-office with one mailboxSettings request', async () => {
    await lab.control('PUT', `/_sandbox/microsoft/mailboxes/${owner}/automatic-replies`, {
      status: 'scheduled',
      scheduledStartDateTime: {dateTime: '2030-03-01T08:00:00', timeZone: 'UTC'},
      scheduledEndDateTime: {dateTime: '2030-03-08T18:00:00', timeZone: 'Europe/Paris'},
    })
    lab.takeRequests()
    const [settings, oof] = await Promise.all([
      lab.calendar.readMailboxSettings(grant),
      lab.calendar.readOutOfOffice(grant),
    ])
    const user = lab.lab.seed.microsoft!.users[0]!
    assert.deepEqual(settings, {timeZone: user.timeZone, language: user.locale})
    assert.deepEqual(oof, {state: 'scheduled', start: '2030-03-01T08:00:00Z', end: '2030-03-08T17:00:00Z'})
    assert.equal(countBy(lab.takeRequests(), 'settings'), 1)

    // The next run asks again (the entry went once both readers had it).
    await lab.control('PUT', `/_sandbox/microsoft/mailboxes/${owner}/automatic-replies`, {status: 'alwaysEnabled'})
    assert.deepEqual(await lab.calendar.readOutOfOffice(grant), {state: 'on'})
    await lab.control('PUT', `/_sandbox/microsoft/mailboxes/${owner}/automatic-replies`, {status: 'disabled'})
    await lab.calendar.readMailboxSettings(grant)
    assert.deepEqual(await lab.calendar.readOutOfOffice(grant), {state: 'off'})
  })

  it('reports throttling as rateLimited, waiting at least the jittered floor, and records it as throttled', async () => {
    const window = labWindow()
    await lab.calendar.readMailboxSettings(lab.grant(lab.users[3]!)) // token fetched before the faults
    lab.takeRequests()
    await lab.control('PUT', '/_sandbox/faults', {errorRates: {'429': 1}, providers: ['microsoft']})
    const failure = failureOf(await rejectionOf(() => lab.calendar.listChanges({grant, window})))
    assert.equal(failure.kind, 'rateLimited')
    const wait = failure.kind === 'rateLimited' ? (failure.retryAfterMs ?? 0) : 0
    assert.ok(wait >= 1500 && wait < 2500, `waits ${wait} ms for Retry-After: 1`)
    assert.deepEqual(lab.takeRequests(), [{purpose: 'calendar', status: 429, throttled: true}])

    await lab.control('PUT', '/_sandbox/faults', {errorRates: {'503': 1}, providers: ['microsoft']})
    const shed = failureOf(await rejectionOf(() => lab.calendar.readEvent({grant, eventId: 'x'})))
    assert.equal(shed.kind, 'rateLimited')
    assert.deepEqual(lab.takeRequests(), [{purpose: 'calendar', status: 503, throttled: true}])

    await lab.control('PUT', '/_sandbox/faults', {resetRate: 1, providers: ['microsoft']})
    const reset = failureOf(await rejectionOf(() => lab.calendar.listChanges({grant, window})))
    assert.equal(reset.kind, 'transient')
    assert.deepEqual(lab.takeRequests(), [{purpose: 'calendar', status: 0, throttled: false}])
  })

  it('reports a mailbox outside the app’s scope as a permission failure of that mailbox', async () => {
    await lab.control('PUT', '/_sandbox/microsoft/mailbox-scope', {mailboxes: [lab.users[1]!]})
    const failure = failureOf(await rejectionOf(() => lab.calendar.listChanges({grant, window: labWindow()})))
    assert.deepEqual(
      [failure.kind, failure.kind === 'permission' && failure.reason, failure.status],
      ['permission', 'denied', 403],
    )
  })

  it('renews a token Graph refuses (401) once, for every call that held it, and sends each call again', async () => {
    const other = lab.grant(lab.users[2]!)
    await lab.calendar.readMailboxSettings(grant) // a cached token, accepted once
    lab.takeRequests()
    await lab.control('POST', '/_sandbox/microsoft/tokens/revoke')
    const window = labWindow()
    const [settings, page] = await Promise.all([
      lab.calendar.readOutOfOffice(other),
      lab.calendar.listChanges({grant, window, cursorNeeded: false}),
    ])
    assert.equal(settings.state, 'off')
    assert.equal(page.kind, 'page')
    const records = lab.takeRequests()
    assert.deepEqual(
      records.map((r) => [r.purpose, r.status]).sort(),
      [
        ['calendar', 200],
        ['calendar', 401],
        ['settings', 200],
        ['settings', 401],
        ['token', 200],
      ],
      'one token request for both refused calls',
    )
  })

  it('counts token requests: a new adapter records discovery and the token before its first Graph call', async () => {
    const {REGISTRY} = await import('../../../../src/lib/providers/registry.js')
    const {connectionInput} = await import('../../../../src/lib/providers/connection.js')
    const {requireProfile} = await import('../../../../src/lib/config/profiles.js')
    const {createSecretStore} = await import('../../../../src/lib/secrets/index.js')
    const {LAB_PROFILE} = await import('../../../helpers/users-lab.js')
    const secrets = createSecretStore({profile: LAB_PROFILE, backend: 'memory', env: lab.lab.env})
    const input = await connectionInput(await requireProfile(LAB_PROFILE, lab.lab.env), REGISTRY.microsoft, secrets)
    const records: {purpose: string; status: number}[] = []
    const fresh = (await REGISTRY.microsoft.calendar()).createCalendar(input, {onRequest: (r) => records.push(r)})
    try {
      // Two calls at once share one token request (single-flight), then the cache answers.
      await Promise.all([fresh.readMailboxSettings(grant), fresh.readEvent({grant, eventId: 'absent'})])
      await fresh.readOutOfOffice(grant)
      // MSAL reads the tenant's OpenID configuration (a custom authority), then asks for the token: two
      // exchanges for both calls, none for the third.
      assert.deepEqual(
        records.filter((r) => r.purpose === 'token').map((r) => r.status),
        [200, 200],
      )
      assert.deepEqual(
        records
          .filter((r) => r.purpose !== 'token')
          .map((r) => [r.purpose, r.status])
          .sort(),
        [
          ['calendar', 404],
          ['settings', 200],
        ],
      )
    } finally {
      await fresh.close()
    }
  })
})

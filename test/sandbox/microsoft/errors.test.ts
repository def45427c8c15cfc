import assert from 'node:assert/strict'

import {RetryHandlerOptions} from '@microsoft/microsoft-graph-client'

import {ExitCode} from '../../../src/lib/errors.js'
import {failsConnection, type ProviderFailureInfo, retryAfterMs} from '../../../src/lib/ports/failures.js'
import {classifyMicrosoftError, microsoftFailure} from '../../../src/lib/providers/microsoft/errors.js'
import {rejectionOf} from '../../helpers/expect.js'
import {startMicrosoftSandbox, type MicrosoftSandbox} from './helpers.js'

/** Per-request option that turns the Graph client's RetryHandler off, so a 429 or 503 reaches the caller. */
const noRetry = () => [new RetryHandlerOptions(0, 0)]

/** The parts of a failure a test pins: kind, reason or target, status, provider code. */
function summary(failure: ProviderFailureInfo): unknown[] {
  const detail =
    failure.kind === 'auth' || failure.kind === 'permission'
      ? failure.reason
      : failure.kind === 'notFound'
        ? failure.target
        : retryAfterMs(failure)
  return [failure.kind, detail, failure.status, failure.providerCode]
}

describe('Microsoft errors as neutral failure kinds (msal-node and the Graph client against the sandbox)', () => {
  let ms: MicrosoftSandbox
  let alice: string
  let bob: string

  before(async () => {
    ms = await startMicrosoftSandbox({users: 3, events: 1, rooms: 0})
    alice = ms.users[0] ?? ''
    bob = ms.users[1] ?? ''
  })
  after(async () => ms.stop())
  afterEach(async () => {
    await ms.control('PUT', '/_sandbox/faults', {})
    await ms.control('PUT', '/_sandbox/microsoft/mailbox-scope', {mailboxes: null})
    await ms.control('PUT', '/_sandbox/microsoft/consent', {
      roles: ['Calendars.ReadWrite', 'MailboxSettings.ReadWrite'],
      servicePrincipal: true,
      adminConsentOutcome: 'grant',
    })
  })

  it('token errors: a wrong secret, an unknown app, no consent (also when raised inside a Graph call)', async () => {
    const wrong = ms.clients({clientSecret: 'abc8Q~not-the-secret'})
    const direct = classifyMicrosoftError(await rejectionOf(() => wrong.getToken()))
    assert.deepEqual(summary(direct), ['auth', 'credentialsRejected', 401, 'AADSTS7000215'])
    assert.equal(failsConnection(direct), true)
    const viaGraph = classifyMicrosoftError(
      await rejectionOf(() => wrong.graph.api(`/users/${alice}/mailboxSettings`).get()),
    )
    assert.deepEqual(summary(viaGraph), ['auth', 'credentialsRejected', undefined, 'AADSTS7000215'])

    const unknownApp = ms.clients({clientId: '11111111-2222-4333-a444-555555555555'})
    assert.deepEqual(summary(classifyMicrosoftError(await rejectionOf(() => unknownApp.getToken()))), [
      'auth',
      'accountUnknown',
      400,
      'AADSTS700016',
    ])

    await ms.control('PUT', '/_sandbox/microsoft/consent', {servicePrincipal: false})
    const error = await rejectionOf(() => ms.clients().getToken())
    assert.deepEqual(summary(classifyMicrosoftError(error)), ['permission', 'consentMissing', 400, 'AADSTS7000229'])
    const thrown = microsoftFailure(error)
    assert.equal(thrown.code, 'MICROSOFT_CONSENT_MISSING')
    assert.equal(thrown.exitCode, ExitCode.auth)
    assert.match(thrown.suggestions.join(' '), /admin consent/)
  })

  it('Graph refusals: no roles, a role missing, a tampered token, a mailbox outside the scope or the policy', async () => {
    await ms.control('PUT', '/_sandbox/microsoft/consent', {roles: []})
    const noRoles = await rejectionOf(() => ms.clients().graph.api(`/users/${alice}/calendar/events`).get())
    assert.deepEqual(summary(classifyMicrosoftError(noRoles)), [
      'permission',
      'roleMissing',
      401,
      'NoPermissionsInAccessToken',
    ])
    assert.equal(microsoftFailure(noRoles).code, 'MICROSOFT_ROLE_MISSING')

    await ms.control('PUT', '/_sandbox/microsoft/consent', {roles: ['MailboxSettings.ReadWrite']})
    const denied = await rejectionOf(() => ms.clients().graph.api(`/users/${alice}/calendar/events`).get())
    assert.deepEqual(summary(classifyMicrosoftError(denied)), ['permission', 'denied', 403, 'ErrorAccessDenied'])

    const token = await ms.clients().getToken()
    const [header, payload] = token.split('.')
    const tampered = await rejectionOf(() =>
      ms.graphWithToken(`${header}.${payload}.c2lnbmF0dXJl`).api(`/users/${alice}/mailboxSettings`).get(),
    )
    const tokenFailure = classifyMicrosoftError(tampered)
    assert.deepEqual(summary(tokenFailure), ['auth', 'tokenRejected', 401, 'InvalidAuthenticationToken'])
    assert.equal(failsConnection(tokenFailure), false, 'a rejected token is worth one refresh, not the connection')

    await ms.control('PUT', '/_sandbox/microsoft/consent', {
      roles: ['Calendars.ReadWrite', 'MailboxSettings.ReadWrite'],
    })
    await ms.control('PUT', '/_sandbox/microsoft/mailbox-scope', {mailboxes: [alice], kind: 'applicationAccessPolicy'})
    const outside = classifyMicrosoftError(
      await rejectionOf(() => ms.clients().graph.api(`/users/${bob}/calendar/events`).get()),
    )
    assert.deepEqual(summary(outside), ['permission', 'outOfMailboxScope', 403, 'ErrorAccessDenied'])
    assert.equal(failsConnection(outside), false, 'one mailbox out of scope does not stop the others')
  })

  it('missing mailbox or event, an expired delta token, a stale change key', async () => {
    const {graph} = ms.clients()
    assert.deepEqual(
      summary(
        classifyMicrosoftError(await rejectionOf(() => graph.api('/users/nobody@nowhere.test/mailboxSettings').get())),
      ),
      ['notFound', 'mailbox', 404, 'ErrorInvalidUser'],
    )
    assert.deepEqual(
      summary(
        classifyMicrosoftError(await rejectionOf(() => graph.api(`/users/${alice}/events/AAMkAGI2TnotThere`).get())),
      ),
      ['notFound', 'item', 404, 'ErrorItemNotFound'],
    )
    assert.deepEqual(
      summary(
        classifyMicrosoftError(
          await rejectionOf(() => graph.api(`/users/${alice}/calendarView/delta?$deltatoken=not-a-token`).get()),
        ),
      ),
      ['cursorExpired', undefined, 410, 'syncStateNotFound'],
    )
    const start = new Date(Date.now() + 3_600_000).toISOString()
    const created = (await graph.api(`/users/${alice}/events`).post({
      subject: 'Classify me',
      start: {dateTime: start, timeZone: 'UTC'},
      end: {dateTime: new Date(Date.now() + 7_200_000).toISOString(), timeZone: 'UTC'},
    })) as {id: string; '@odata.etag': string}
    await ms.control('PATCH', `/_sandbox/microsoft/mailboxes/${alice}/events/${created.id}`, {subject: 'user edit'})
    const stale = await rejectionOf(() =>
      graph
        .api(`/users/${alice}/events/${created.id}`)
        .header('If-Match', created['@odata.etag'])
        .patch({subject: 'x'}),
    )
    assert.deepEqual(summary(classifyMicrosoftError(stale)), ['conflict', undefined, 412, 'ErrorIrresolvableConflict'])
  })

  it('throttling (429) and outages (503) carry Retry-After; a reset connection is transient', async () => {
    const {graph} = ms.clients()
    const settings = () => graph.api(`/users/${alice}/mailboxSettings`).middlewareOptions(noRetry()).get()
    // The token is fetched (and cached) before the faults, which would hit the identity endpoints as well.
    await settings()
    await ms.control('PUT', '/_sandbox/faults', {errorRates: {'429': 1}, providers: ['microsoft']})
    // Retry-After: 1 is raised to the jittered floor (1.5 s to 2.5 s): Graph was seen answering 1 to every 429.
    const throttled = summary(classifyMicrosoftError(await rejectionOf(settings)))
    assert.deepEqual([throttled[0], ...throttled.slice(2)], ['rateLimited', 429, 'ApplicationThrottled'])
    assert.ok(Number(throttled[1]) >= 1500 && Number(throttled[1]) < 2500, String(throttled[1]))
    await ms.control('PUT', '/_sandbox/faults', {errorRates: {'503': 1}, providers: ['microsoft']})
    const down = await rejectionOf(settings)
    // A 503 with Retry-After is load shedding: rate limited, for at least what it asked.
    const shed = summary(classifyMicrosoftError(down))
    assert.deepEqual([shed[0], ...shed.slice(2)], ['rateLimited', 503, 'ServiceUnavailable'])
    assert.ok(Number(shed[1]) >= 5000 && Number(shed[1]) < 6000, String(shed[1]))
    assert.equal(microsoftFailure(down).code, 'MICROSOFT_RATE_LIMITED')
    await ms.control('PUT', '/_sandbox/faults', {resetRate: 1, providers: ['microsoft']})
    assert.deepEqual(summary(classifyMicrosoftError(await rejectionOf(settings))).slice(0, 3), [
      'transient',
      undefined,
      undefined,
    ])
  })
})

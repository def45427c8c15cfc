import assert from 'node:assert/strict'

import {ExitCode} from '../../../src/lib/errors.js'
import {failsConnection, isRetryable, ProviderFailure, retryAfterMs} from '../../../src/lib/ports/failures.js'
import {googleErrorToHcal, googleFailure} from '../../../src/lib/providers/google/error-report.js'
import {classifyGoogleError, describeGoogleError} from '../../../src/lib/providers/google/errors.js'
import {rejectionOf} from '../../helpers/expect.js'
import {HCAL_SCOPES, inHours, SCOPES, startGoogleSandbox, type GoogleSandbox} from './helpers.js'

describe('Google error mapping (errors the SDKs raise against the sandbox)', () => {
  let google: GoogleSandbox
  let alice: string

  before(async () => {
    google = await startGoogleSandbox()
    alice = google.users[0] ?? ''
  })
  after(async () => google.stop())

  it('maps missing delegation to GOOGLE_DELEGATION_MISSING (exit 4) naming the client ID and scopes', async () => {
    await google.sandbox.control('PUT', '/_sandbox/google/delegation', {
      clientId: google.credentials.clientId,
      scopes: [SCOPES.calendar],
    })
    try {
      const error = await rejectionOf(() => google.clients(alice).auth.getAccessToken())
      assert.equal(describeGoogleError(error).kind, 'delegationMissing')
      const mapped = googleErrorToHcal(error, {
        subject: alice,
        clientId: google.credentials.clientId,
        scopes: HCAL_SCOPES,
      })
      assert.equal(mapped.code, 'GOOGLE_DELEGATION_MISSING')
      assert.equal(mapped.exitCode, ExitCode.auth)
      assert.ok(mapped.suggestions[0]?.includes(google.credentials.clientId))
      assert.ok(mapped.suggestions[0]?.includes(HCAL_SCOPES.join(',')))
    } finally {
      await google.sandbox.control('PUT', '/_sandbox/google/delegation', {
        clientId: google.credentials.clientId,
        scopes: HCAL_SCOPES,
      })
    }
  })

  it('maps an unknown user and a foreign key to their own codes', async () => {
    const unknown = await rejectionOf(() => google.clients(`ghost@${google.seed.domain}`).auth.getAccessToken())
    assert.equal(googleErrorToHcal(unknown).code, 'GOOGLE_USER_UNKNOWN')
    const sa = JSON.parse(google.credentials.serviceAccountJson) as Record<string, string>
    const foreign = JSON.stringify({...sa, client_email: 'other@elsewhere.iam.gserviceaccount.com'})
    const rejected = await rejectionOf(() => google.clients(alice, {serviceAccountJson: foreign}).auth.getAccessToken())
    assert.equal(googleErrorToHcal(rejected).code, 'GOOGLE_KEY_REJECTED')
  })

  it('classifies API errors for the sync engine: scope, 404, 410, 412, fullSyncRequired, rate limit', async () => {
    const {calendar} = google.clients(alice)
    const scoped = await rejectionOf(() =>
      google.clients(alice, {scopes: [SCOPES.gmailSettingsBasic]}).calendar.events.list({calendarId: 'primary'}),
    )
    assert.equal(googleErrorToHcal(scoped).code, 'GOOGLE_SCOPE_INSUFFICIENT')

    const missing = await rejectionOf(() => calendar.events.get({calendarId: 'primary', eventId: 'abcdefghij'}))
    assert.deepEqual(describeGoogleError(missing), {
      kind: 'notFound',
      status: 404,
      reason: 'notFound',
      detail: 'Not Found',
      retryable: false,
    })

    const created = await calendar.events.insert({
      calendarId: 'primary',
      requestBody: {summary: 'Map me', start: {dateTime: inHours(5)}, end: {dateTime: inHours(6)}},
    })
    const id = created.data.id ?? ''
    await calendar.events.patch({calendarId: 'primary', eventId: id, requestBody: {summary: 'v2'}})
    const stale = await rejectionOf(() =>
      calendar.events.patch(
        {calendarId: 'primary', eventId: id, requestBody: {summary: 'v3'}},
        {headers: {'If-Match': created.data.etag ?? ''}},
      ),
    )
    assert.equal(describeGoogleError(stale).kind, 'conflict')
    await calendar.events.delete({calendarId: 'primary', eventId: id})
    assert.equal(
      describeGoogleError(await rejectionOf(() => calendar.events.delete({calendarId: 'primary', eventId: id}))).kind,
      'deleted',
    )

    const full = await calendar.events.list({calendarId: 'primary', maxResults: 2500})
    await google.sandbox.control('POST', `/_sandbox/google/calendars/${alice}/invalidate-sync-tokens`)
    const expired = await rejectionOf(() =>
      calendar.events.list({calendarId: 'primary', syncToken: full.data.nextSyncToken ?? ''}),
    )
    assert.equal(googleErrorToHcal(expired).code, 'GOOGLE_FULL_SYNC_REQUIRED')

    await google.sandbox.control('PUT', '/_sandbox/faults', {errorRates: {'403': 1}, providers: ['google']})
    try {
      const limited = await rejectionOf(() => calendar.settings.get({setting: 'timezone'}))
      const info = describeGoogleError(limited)
      assert.equal(info.kind, 'rateLimited')
      assert.equal(info.retryable, true)
    } finally {
      await google.sandbox.control('PUT', '/_sandbox/faults', {})
    }
  })
})

describe('Google errors as neutral failure kinds (what the sync engine acts on)', () => {
  let google: GoogleSandbox
  let alice: string
  /** One attempt only: the SDK's own retries would hide nothing here but take seconds. */
  const once = {retry: false}

  before(async () => {
    google = await startGoogleSandbox()
    alice = google.users[0] ?? ''
  })
  after(async () => google.stop())
  afterEach(async () => google.sandbox.control('PUT', '/_sandbox/faults', {}))

  it('token errors: delegation and scopes stop the connection, a foreign key is rejected credentials, an unknown user is a missing mailbox', async () => {
    await google.sandbox.control('PUT', '/_sandbox/google/delegation', {
      clientId: google.credentials.clientId,
      scopes: [SCOPES.calendar],
    })
    try {
      const error = await rejectionOf(() => google.clients(alice).auth.getAccessToken())
      const failure = classifyGoogleError(error)
      assert.deepEqual(
        [failure.kind, failure.kind === 'permission' && failure.reason],
        ['permission', 'delegationMissing'],
      )
      assert.equal(failure.providerCode, 'unauthorized_client')
      assert.equal(failsConnection(failure), true)
      const thrown = googleFailure(error, {clientId: google.credentials.clientId, scopes: HCAL_SCOPES})
      assert.ok(thrown instanceof ProviderFailure)
      assert.equal(thrown.code, 'GOOGLE_DELEGATION_MISSING')
      assert.equal(thrown.exitCode, ExitCode.auth)
      assert.ok(thrown.suggestions[0]?.includes(google.credentials.clientId))
    } finally {
      await google.sandbox.control('PUT', '/_sandbox/google/delegation', {
        clientId: google.credentials.clientId,
        scopes: HCAL_SCOPES,
      })
    }
    const unknown = classifyGoogleError(
      await rejectionOf(() => google.clients(`ghost@${google.seed.domain}`).auth.getAccessToken()),
    )
    assert.deepEqual([unknown.kind, unknown.kind === 'notFound' && unknown.target], ['notFound', 'mailbox'])
    const sa = JSON.parse(google.credentials.serviceAccountJson) as Record<string, string>
    const foreign = JSON.stringify({...sa, client_email: 'other@elsewhere.iam.gserviceaccount.com'})
    const rejected = classifyGoogleError(
      await rejectionOf(() => google.clients(alice, {serviceAccountJson: foreign}).auth.getAccessToken()),
    )
    assert.deepEqual([rejected.kind, rejected.kind === 'auth' && rejected.reason], ['auth', 'credentialsRejected'])
    const scoped = classifyGoogleError(
      await rejectionOf(() =>
        google
          .clients(alice, {scopes: [SCOPES.gmailSettingsBasic]})
          .calendar.events.list({calendarId: 'primary'}, once),
      ),
    )
    assert.deepEqual([scoped.kind, scoped.kind === 'permission' && scoped.reason], ['permission', 'scopeMissing'])
  })

  it('API errors: a missing event, a stale etag, an expired sync token', async () => {
    const {calendar} = google.clients(alice)
    const missing = classifyGoogleError(
      await rejectionOf(() => calendar.events.get({calendarId: 'primary', eventId: 'abcdefghij'}, once)),
    )
    assert.deepEqual(
      [missing.kind, missing.kind === 'notFound' && missing.target, missing.status],
      ['notFound', 'item', 404],
    )

    const created = await calendar.events.insert({
      calendarId: 'primary',
      requestBody: {summary: 'Classify me', start: {dateTime: inHours(5)}, end: {dateTime: inHours(6)}},
    })
    await calendar.events.patch({calendarId: 'primary', eventId: created.data.id ?? '', requestBody: {summary: 'v2'}})
    const stale = classifyGoogleError(
      await rejectionOf(() =>
        calendar.events.patch(
          {calendarId: 'primary', eventId: created.data.id ?? '', requestBody: {summary: 'v3'}},
          {headers: {'If-Match': created.data.etag ?? ''}, retry: false},
        ),
      ),
    )
    assert.deepEqual([stale.kind, stale.status], ['conflict', 412])

    const full = await calendar.events.list({calendarId: 'primary', maxResults: 2500})
    await google.sandbox.control('POST', `/_sandbox/google/calendars/${alice}/invalidate-sync-tokens`)
    const expired = classifyGoogleError(
      await rejectionOf(() =>
        calendar.events.list({calendarId: 'primary', syncToken: full.data.nextSyncToken ?? ''}, once),
      ),
    )
    assert.deepEqual([expired.kind, expired.status, expired.providerCode], ['cursorExpired', 410, 'fullSyncRequired'])
  })

  it('throttling and outages carry Retry-After; a reset connection is transient', async () => {
    const {calendar} = google.clients(alice)
    const settings = () => calendar.settings.get({setting: 'timezone'}, once)
    await google.sandbox.control('PUT', '/_sandbox/faults', {errorRates: {'429': 1}, providers: ['google']})
    const limited = classifyGoogleError(await rejectionOf(settings))
    assert.deepEqual([limited.kind, retryAfterMs(limited), isRetryable(limited)], ['rateLimited', 1000, true])
    await google.sandbox.control('PUT', '/_sandbox/faults', {errorRates: {'403': 1}, providers: ['google']})
    const quota = classifyGoogleError(await rejectionOf(settings))
    assert.deepEqual([quota.kind, quota.status, quota.providerCode], ['rateLimited', 403, 'userRateLimitExceeded'])
    await google.sandbox.control('PUT', '/_sandbox/faults', {errorRates: {'503': 1}, providers: ['google']})
    const down = classifyGoogleError(await rejectionOf(settings))
    assert.deepEqual([down.kind, retryAfterMs(down)], ['transient', 1000])
    await google.sandbox.control('PUT', '/_sandbox/faults', {resetRate: 1, providers: ['google']})
    const reset = classifyGoogleError(await rejectionOf(settings))
    assert.deepEqual([reset.kind, reset.status, retryAfterMs(reset)], ['transient', undefined, undefined])
  })
})

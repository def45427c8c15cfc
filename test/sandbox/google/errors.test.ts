import assert from 'node:assert/strict'

import {describeGoogleError, googleErrorToHcal} from '../../../src/lib/providers/google/errors.js'
import {ExitCode} from '../../../src/lib/errors.js'
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

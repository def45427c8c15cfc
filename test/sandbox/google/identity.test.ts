import assert from 'node:assert/strict'
import {generateKeyPairSync} from 'node:crypto'
import {setTimeout as sleep} from 'node:timers/promises'

import {
  apiRequest,
  HCAL_SCOPES,
  httpFailure,
  reasonOf,
  SCOPES,
  startGoogleSandbox,
  type GoogleSandbox,
} from './helpers.js'

describe('Google emulator: token endpoint and API authorisation (through google-auth-library)', () => {
  let google: GoogleSandbox
  let alice: string
  let bob: string

  before(async () => {
    google = await startGoogleSandbox()
    ;[alice = '', bob = ''] = google.users
  })
  after(async () => google.stop())

  afterEach(async () => {
    // Restore the default delegation after tests that change it.
    const response = await google.sandbox.control('PUT', '/_sandbox/google/delegation', {
      clientId: google.credentials.clientId,
      scopes: HCAL_SCOPES,
    })
    assert.equal(response.status, 200)
  })

  it('issues a delegated token and serves Calendar and Gmail with it', async () => {
    const {auth, calendar, gmail} = google.clients(alice)
    const token = await auth.getAccessToken()
    assert.match(token.token ?? '', /^ya29\./)
    const events = await calendar.events.list({calendarId: 'primary', maxResults: 5})
    assert.equal(events.status, 200)
    assert.equal(events.data.kind, 'calendar#events')
    const vacation = await gmail.users.settings.getVacation({userId: 'me'})
    assert.equal(typeof vacation.data.enableAutoReply, 'boolean')
    const log = google.sandbox.context.log.forMailbox(alice).map((entry) => entry.operation)
    assert.ok(log.includes('token') && log.includes('events.list') && log.includes('users.settings.getVacation'))
  })

  it('rejects an assertion signed with another key: invalid_grant "Invalid JWT Signature."', async () => {
    const sa = JSON.parse(google.credentials.serviceAccountJson) as Record<string, string>
    // 1024 bits: any other key will do, and a 2048-bit one takes about a second to generate.
    const otherKey = generateKeyPairSync('rsa', {modulusLength: 1024}).privateKey.export({type: 'pkcs8', format: 'pem'})
    const forged = JSON.stringify({...sa, private_key: otherKey.toString()})
    const failure = await httpFailure(() => google.clients(alice, {serviceAccountJson: forged}).auth.getAccessToken())
    assert.equal(failure.status, 400)
    assert.deepEqual(failure.data, {error: 'invalid_grant', error_description: 'Invalid JWT Signature.'})
  })

  it('rejects an unknown issuer: invalid_grant "Invalid grant: account not found"', async () => {
    const sa = JSON.parse(google.credentials.serviceAccountJson) as Record<string, string>
    const stranger = JSON.stringify({...sa, client_email: 'someone@other-project.iam.gserviceaccount.com'})
    const failure = await httpFailure(() => google.clients(alice, {serviceAccountJson: stranger}).auth.getAccessToken())
    assert.equal(failure.status, 400)
    assert.deepEqual(failure.data, {error: 'invalid_grant', error_description: 'Invalid grant: account not found'})
  })

  it('rejects a scope the client is not delegated: 401 unauthorized_client', async () => {
    await google.sandbox.control('PUT', '/_sandbox/google/delegation', {
      clientId: google.credentials.clientId,
      scopes: [SCOPES.calendar],
    })
    const failure = await httpFailure(() => google.clients(alice).auth.getAccessToken())
    assert.equal(failure.status, 401)
    assert.deepEqual(failure.data, {
      error: 'unauthorized_client',
      error_description:
        'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.',
    })
  })

  it('rejects an unknown subject: invalid_grant "Invalid email or User ID"', async () => {
    const failure = await httpFailure(() => google.clients(`nobody@${google.seed.domain}`).auth.getAccessToken())
    assert.equal(failure.status, 400)
    assert.deepEqual(failure.data, {error: 'invalid_grant', error_description: 'Invalid email or User ID'})
  })

  it('rejects an unknown scope: invalid_scope', async () => {
    const failure = await httpFailure(() =>
      google.clients(alice, {scopes: ['https://www.googleapis.com/auth/not-a-scope']}).auth.getAccessToken(),
    )
    assert.equal(failure.status, 400)
    assert.deepEqual(failure.data, {
      error: 'invalid_scope',
      error_description: 'Invalid OAuth scope or ID token audience provided.',
    })
  })

  it('answers an API call whose token lacks the method scope with 403 insufficientPermissions', async () => {
    const {calendar} = google.clients(alice, {scopes: [SCOPES.gmailSettingsBasic]})
    const failure = await httpFailure(() => calendar.events.list({calendarId: 'primary'}))
    assert.equal(failure.status, 403)
    const error = (failure.data as {error: Record<string, unknown>}).error
    assert.equal(error.status, 'PERMISSION_DENIED')
    assert.deepEqual(error.errors, [
      {message: 'Insufficient Permission', domain: 'global', reason: 'insufficientPermissions'},
    ])
    assert.equal((error.details as {reason: string}[])[0]?.reason, 'ACCESS_TOKEN_SCOPE_INSUFFICIENT')
  })

  it('answers a read-only token on a write with 403 insufficientPermissions', async () => {
    await google.sandbox.control('PUT', '/_sandbox/google/delegation', {
      clientId: google.credentials.clientId,
      scopes: [...HCAL_SCOPES, SCOPES.calendarReadonly],
    })
    const {calendar} = google.clients(alice, {scopes: [SCOPES.calendarReadonly]})
    assert.equal((await calendar.events.list({calendarId: 'primary', maxResults: 1})).status, 200)
    const failure = await httpFailure(() =>
      calendar.events.quickAdd({calendarId: 'primary', text: 'Not allowed tomorrow at 9am'}),
    )
    assert.equal(failure.status, 403)
  })

  it("hides another user's calendar: 404 notFound", async () => {
    const {calendar} = google.clients(alice)
    const failure = await httpFailure(() => calendar.events.list({calendarId: bob}))
    assert.equal(failure.status, 404)
    assert.deepEqual(failure.data, {
      error: {code: 404, message: 'Not Found', errors: [{domain: 'global', reason: 'notFound', message: 'Not Found'}]},
    })
  })

  it("refuses another user's vacation settings: 403 Delegation denied", async () => {
    const {gmail} = google.clients(alice)
    const failure = await httpFailure(() => gmail.users.settings.getVacation({userId: bob}))
    assert.equal(failure.status, 403)
    assert.equal((failure.data as {error: {message: string}}).error.message, `Delegation denied for ${bob}`)
  })

  it('answers a bogus bearer token with 401 UNAUTHENTICATED', async () => {
    const response = await apiRequest(google, 'calendar/v3/calendars/primary/events', {token: 'ya29.not-issued'})
    assert.equal(response.status, 401)
    const body = response.body as {error: {status: string; errors: {reason: string}[]}}
    assert.equal(body.error.status, 'UNAUTHENTICATED')
    assert.equal(body.error.errors[0]?.reason, 'authError')
  })

  it('stops accepting an access token after its lifetime (401), and the SDK fetches a new one', async () => {
    await google.sandbox.control('PUT', '/_sandbox/faults', {tokenLifetimeSeconds: 1})
    try {
      const {auth, calendar} = google.clients(alice)
      const token = (await auth.getAccessToken()).token ?? ''
      // Waiting out the 1 s lifetime (the shortest the faults allow); the token is then gone for good.
      await sleep(1100)
      const expired = await apiRequest(google, 'calendar/v3/calendars/primary/events', {token})
      assert.equal(expired.status, 401)
      assert.equal(reasonOf(expired.body), 'authError')
      assert.equal((await calendar.events.list({calendarId: 'primary', maxResults: 1})).status, 200)
    } finally {
      await google.sandbox.control('PUT', '/_sandbox/faults', {})
    }
  })

  it("answers injected faults in Google's error shape", async () => {
    await google.sandbox.control('PUT', '/_sandbox/faults', {errorRates: {'403': 1}, providers: ['google']})
    try {
      const failure = await httpFailure(() => google.clients(alice).calendar.settings.get({setting: 'timezone'}))
      assert.equal(failure.status, 403)
      assert.equal((failure.data as {error: {errors: {domain: string}[]}}).error.errors[0]?.domain, 'usageLimits')
    } finally {
      await google.sandbox.control('PUT', '/_sandbox/faults', {})
    }
  })
})

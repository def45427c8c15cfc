import assert from 'node:assert/strict'

import {
  apiRequest,
  exchange,
  HCAL_SCOPES,
  JWT_BEARER,
  postToken,
  reasonOf,
  SCOPES,
  signAssertion,
  startGoogleSandbox,
  type GoogleSandbox,
} from './helpers.js'

const SHORT_LIVED =
  'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.'

/**
 * Every rule of the token endpoint, one assertion broken at a time (see the rules table in
 * src/sandbox/google/README.md). Assertions are signed here with the service account's real key, so
 * each test fails on exactly the rule it names.
 */
describe('Google emulator: token endpoint rules (JWT-bearer grant)', () => {
  let google: GoogleSandbox
  let alice: string
  let now: number

  before(async () => {
    google = await startGoogleSandbox()
    alice = google.users[0] ?? ''
  })
  after(async () => google.stop())
  beforeEach(() => {
    now = Math.floor(Date.now() / 1000)
  })

  it('issues a bearer token for a well-formed assertion at the 60-minute limit', async () => {
    const {status, body} = await exchange(google, alice, {claims: {iat: now, exp: now + 3600}})
    assert.equal(status, 200)
    assert.match(String(body.access_token), /^ya29\./)
    assert.equal(body.token_type, 'Bearer')
    assert.equal(body.expires_in, 3600)
  })

  it('refuses a grant type other than jwt-bearer: 400 unsupported_grant_type', async () => {
    const assertion = await signAssertion(google, alice)
    const {status, body} = await postToken(google, {grant_type: 'client_credentials', assertion})
    assert.equal(status, 400)
    assert.deepEqual(body, {
      error: 'unsupported_grant_type',
      error_description: 'Invalid grant_type: client_credentials',
    })
  })

  it('refuses a request without an assertion: 400 invalid_request', async () => {
    const {status, body} = await postToken(google, {grant_type: JWT_BEARER})
    assert.equal(status, 400)
    assert.deepEqual(body, {error: 'invalid_request', error_description: 'Missing required parameter: assertion'})
  })

  it('refuses a garbled assertion: invalid_grant "Invalid JWT: Failed to parse the JWT."', async () => {
    const {status, body} = await postToken(google, {grant_type: JWT_BEARER, assertion: 'not-a.jwt.at-all'})
    assert.equal(status, 400)
    assert.deepEqual(body, {error: 'invalid_grant', error_description: 'Invalid JWT: Failed to parse the JWT.'})
  })

  it('refuses a key id the account does not have, even with a good signature: "Invalid JWT Signature."', async () => {
    const {status, body} = await exchange(google, alice, {header: {kid: 'f'.repeat(40)}})
    assert.equal(status, 400)
    assert.deepEqual(body, {error: 'invalid_grant', error_description: 'Invalid JWT Signature.'})
  })

  it('refuses an assertion without iat or exp as not short-lived', async () => {
    for (const missing of ['iat', 'exp']) {
      const {status, body} = await exchange(google, alice, {claims: {[missing]: undefined}})
      assert.equal(status, 400, missing)
      assert.deepEqual(body, {error: 'invalid_grant', error_description: SHORT_LIVED}, missing)
    }
  })

  it('refuses an assertion that lives longer than 60 minutes (exp - iat = 3601 s)', async () => {
    const {status, body} = await exchange(google, alice, {claims: {iat: now, exp: now + 3601}})
    assert.equal(status, 400)
    assert.deepEqual(body, {error: 'invalid_grant', error_description: SHORT_LIVED})
  })

  it('refuses an assertion whose exp is not after its iat', async () => {
    const {status, body} = await exchange(google, alice, {claims: {iat: now, exp: now}})
    assert.equal(status, 400)
    assert.deepEqual(body, {error: 'invalid_grant', error_description: SHORT_LIVED})
  })

  it('refuses an assertion issued in the future, beyond the 5-minute clock skew', async () => {
    const {status, body} = await exchange(google, alice, {claims: {iat: now + 600, exp: now + 1200}})
    assert.equal(status, 400)
    assert.deepEqual(body, {error: 'invalid_grant', error_description: SHORT_LIVED})
  })

  it('refuses an expired assertion, beyond the 5-minute clock skew', async () => {
    const {status, body} = await exchange(google, alice, {claims: {iat: now - 7200, exp: now - 3600}})
    assert.equal(status, 400)
    assert.deepEqual(body, {error: 'invalid_grant', error_description: SHORT_LIVED})
  })

  it("refuses an audience other than Google's token URL, e.g. the URL it was posted to", async () => {
    const {status, body} = await exchange(google, alice, {claims: {aud: google.credentials.tokenUrl}})
    assert.equal(status, 400)
    assert.deepEqual(body, {
      error: 'invalid_grant',
      error_description:
        'Invalid JWT: Failed audience check. The right audience is https://oauth2.googleapis.com/token',
    })
  })

  it('refuses an empty or missing scope: 400 invalid_scope', async () => {
    for (const scope of ['', '   ', undefined]) {
      const {status, body} = await exchange(google, alice, {claims: {scope}})
      assert.equal(status, 400, JSON.stringify(scope))
      assert.deepEqual(body, {error: 'invalid_scope', error_description: 'Empty or missing scope not allowed.'})
    }
  })

  it('refuses a request naming one scope outside the delegation grant among granted ones: 401', async () => {
    const scope = [...HCAL_SCOPES, 'https://www.googleapis.com/auth/gmail.readonly'].join(' ')
    const {status, body} = await exchange(google, alice, {claims: {scope}})
    assert.equal(status, 401)
    assert.equal(body.error, 'unauthorized_client')
  })

  it('refuses every delegated request once the grant is removed, and accepts again once restored', async () => {
    const grant = (scopes: string[]) =>
      google.sandbox.control('PUT', '/_sandbox/google/delegation', {clientId: google.credentials.clientId, scopes})
    assert.equal((await grant([])).status, 200)
    try {
      const refused = await exchange(google, alice, {claims: {scope: SCOPES.calendar}})
      assert.equal(refused.status, 401)
      assert.equal(refused.body.error, 'unauthorized_client')
    } finally {
      assert.equal((await grant(HCAL_SCOPES)).status, 200)
    }
    assert.equal((await exchange(google, alice, {claims: {scope: SCOPES.calendar}})).status, 200)
  })

  it('gives the service account a token for itself without sub: calendars 404, Gmail 400 failedPrecondition', async () => {
    const {status, body} = await exchange(google, alice, {claims: {sub: undefined}})
    assert.equal(status, 200)
    const token = String(body.access_token)
    const calendar = await apiRequest(google, 'calendar/v3/calendars/primary/events', {token})
    assert.equal(calendar.status, 404)
    assert.equal(reasonOf(calendar.body), 'notFound')
    const gmail = await apiRequest(google, 'gmail/v1/users/me/settings/vacation', {token})
    assert.equal(gmail.status, 400)
    assert.equal(reasonOf(gmail.body), 'failedPrecondition')
  })

  it('answers an API request without an Authorization header with 401 authError', async () => {
    const response = await apiRequest(google, 'calendar/v3/calendars/primary/events')
    assert.equal(response.status, 401)
    assert.equal(reasonOf(response.body), 'authError')
    assert.equal((response.body as {error: {status: string}}).error.status, 'UNAUTHENTICATED')
  })
})

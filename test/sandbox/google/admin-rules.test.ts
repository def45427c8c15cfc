import assert from 'node:assert/strict'

import {request} from 'undici'

import {exchange, HCAL_SCOPES, httpFailure, reasonOf, startGoogleSandbox, type GoogleSandbox} from './helpers.js'

const DRIVE = 'https://www.googleapis.com/auth/drive'
const UNAUTHORIZED_CLIENT = {
  error: 'unauthorized_client',
  error_description:
    'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.',
}
const SHORT_LIVED =
  'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.'

/**
 * What Workspace and Cloud admins change outside the delegation grant (suspended users, services off,
 * disabled APIs, deleted keys) and Google's clock, each set through the control routes and answered as
 * Google answers it (see the README's rules table).
 */
describe('Google emulator: admin state (users, project APIs, keys, clock)', () => {
  let google: GoogleSandbox
  let alice: string
  let bob: string

  const control = async (method: string, path: string, body?: unknown) => {
    const response = await google.sandbox.control(method, `/_sandbox/google/${path}`, body)
    assert.ok(response.status < 300, `${method} ${path}: ${response.status} ${JSON.stringify(response.body)}`)
    return response.body
  }

  before(async () => {
    google = await startGoogleSandbox()
    ;[alice = '', bob = ''] = google.users
  })
  after(async () => google.stop())

  it('answers a real Google scope outside the grant with 401 unauthorized_client, a made-up one with 400 invalid_scope', async () => {
    const real = await httpFailure(() => google.clients(alice, {scopes: [...HCAL_SCOPES, DRIVE]}).auth.getAccessToken())
    assert.equal(real.status, 401)
    assert.deepEqual(real.data, UNAUTHORIZED_CLIENT)
    const madeUp = await httpFailure(() =>
      google.clients(alice, {scopes: ['https://www.googleapis.com/auth/calendar.everything']}).auth.getAccessToken(),
    )
    assert.equal(madeUp.status, 400)
    assert.deepEqual(madeUp.data, {
      error: 'invalid_scope',
      error_description: 'Invalid OAuth scope or ID token audience provided.',
    })
  })

  it('lets the grant hold a real scope the emulator does not serve, and then issues it', async () => {
    await control('PUT', 'delegation', {scopes: [...HCAL_SCOPES, DRIVE]})
    try {
      const token = await google.clients(alice, {scopes: [DRIVE]}).auth.getAccessToken()
      assert.match(token.token ?? '', /^ya29\./)
    } finally {
      await control('PUT', 'delegation', {scopes: HCAL_SCOPES})
    }
  })

  it('answers a suspended user like an unknown one (400 invalid_grant "Invalid email or User ID"), and serves them again once restored', async () => {
    const state = (await control('PUT', `users/${alice}/account`, {suspended: true})) as {suspended: boolean}
    assert.equal(state.suspended, true)
    try {
      const failure = await httpFailure(() => google.clients(alice).auth.getAccessToken())
      assert.equal(failure.status, 400)
      assert.deepEqual(failure.data, {error: 'invalid_grant', error_description: 'Invalid email or User ID'})
      assert.match((await google.clients(bob).auth.getAccessToken()).token ?? '', /^ya29\./)
    } finally {
      await control('PUT', `users/${alice}/account`, {suspended: false})
    }
    assert.match((await google.clients(alice).auth.getAccessToken()).token ?? '', /^ya29\./)
  })

  it("answers every call of an API disabled in the project with 403 accessNotConfigured naming the project's console page", async () => {
    await control('PUT', 'project/apis', {calendar: false})
    try {
      const {calendar, gmail} = google.clients(alice)
      const failure = await httpFailure(() => calendar.settings.get({setting: 'timezone'}))
      assert.equal(failure.status, 403)
      assert.equal(reasonOf(failure.data), 'accessNotConfigured')
      const error = (failure.data as {error: {message: string; status: string; details: {reason?: string}[]}}).error
      assert.match(error.message, /^Google Calendar API has not been used in project \d+ before or it is disabled/)
      assert.match(error.message, /apis\/api\/calendar-json\.googleapis\.com\/overview\?project=\d+/)
      assert.equal(error.status, 'PERMISSION_DENIED')
      assert.equal(error.details[0]?.reason, 'SERVICE_DISABLED')
      assert.equal((await gmail.users.settings.getVacation({userId: 'me'})).status, 200)
    } finally {
      await control('PUT', 'project/apis', {calendar: true})
    }
    await control('PUT', 'project/apis', {gmail: false})
    try {
      const failure = await httpFailure(() => google.clients(alice).gmail.users.settings.getVacation({userId: 'me'}))
      assert.equal(failure.status, 403)
      assert.match((failure.data as {error: {message: string}}).error.message, /^Gmail API has not been used/)
    } finally {
      await control('PUT', 'project/apis', {gmail: true})
    }
  })

  it('answers a user whose Calendar service is off with 403 notACalendarUser, and whose Gmail is off with 400 failedPrecondition', async () => {
    await control('PUT', `users/${alice}/account`, {services: {calendar: false, gmail: false}})
    try {
      const {calendar, gmail} = google.clients(alice)
      const noCalendar = await httpFailure(() => calendar.settings.get({setting: 'timezone'}))
      assert.equal(noCalendar.status, 403)
      assert.equal(reasonOf(noCalendar.data), 'notACalendarUser')
      const noMail = await httpFailure(() => gmail.users.settings.getVacation({userId: 'me'}))
      assert.equal(noMail.status, 400)
      assert.equal(reasonOf(noMail.data), 'failedPrecondition')
      assert.equal((noMail.data as {error: {message: string}}).error.message, 'Mail service not enabled')
      assert.equal((await google.clients(bob).calendar.settings.get({setting: 'timezone'})).status, 200)
    } finally {
      await control('PUT', `users/${alice}/account`, {services: {calendar: true, gmail: true}})
    }
  })

  it('refuses a deleted or disabled key as "Invalid JWT Signature.", and accepts a new key of the same account', async () => {
    const created = (await control('POST', 'service-account/keys')) as {
      keyId: string
      keyFile: Record<string, string>
    }
    assert.equal(created.keyFile.private_key_id, created.keyId)
    assert.equal(created.keyFile.client_id, google.credentials.clientId)
    const json = JSON.stringify(created.keyFile)
    assert.match((await google.clients(alice, {serviceAccountJson: json}).auth.getAccessToken()).token ?? '', /^ya29\./)

    await control('PUT', `service-account/keys/${created.keyId}`, {disabled: true})
    const disabled = await httpFailure(() => google.clients(alice, {serviceAccountJson: json}).auth.getAccessToken())
    assert.equal(disabled.status, 400)
    assert.deepEqual(disabled.data, {error: 'invalid_grant', error_description: 'Invalid JWT Signature.'})

    await control('DELETE', `service-account/keys/${created.keyId}`)
    const deleted = await httpFailure(() => google.clients(alice, {serviceAccountJson: json}).auth.getAccessToken())
    assert.deepEqual(deleted.data, {error: 'invalid_grant', error_description: 'Invalid JWT Signature.'})
    // Without a kid the assertion must still verify against one of the remaining keys.
    const noKid = await exchange(google, alice, {header: {kid: undefined}, privateKeyPem: created.keyFile.private_key})
    assert.deepEqual(noKid.body, {error: 'invalid_grant', error_description: 'Invalid JWT Signature.'})
    const {keys} = (await control('GET', 'service-account/keys')) as {keys: {keyId: string}[]}
    assert.deepEqual(
      keys.map((key) => key.keyId),
      [JSON.parse(google.credentials.serviceAccountJson).private_key_id],
    )
  })

  it("sends Google's clock in the Date header, and refuses assertions outside 5 minutes of it", async () => {
    await control('PUT', 'clock', {offsetSeconds: 7200})
    try {
      const refused = await exchange(google, alice)
      assert.equal(refused.status, 400)
      assert.deepEqual(refused.body, {error: 'invalid_grant', error_description: SHORT_LIVED})
      const answer = await request(google.credentials.tokenUrl, {method: 'POST', dispatcher: google.agent})
      await answer.body.dump()
      const skewMs = Date.parse(String(answer.headers.date)) - Date.now()
      assert.ok(Math.abs(skewMs - 7_200_000) < 5_000, `Date header is ${skewMs} ms ahead`)
      const now = Math.floor(Date.now() / 1000) + 7200
      const accepted = await exchange(google, alice, {claims: {iat: now, exp: now + 3600}})
      assert.equal(accepted.status, 200)
    } finally {
      await control('PUT', 'clock', {offsetSeconds: 0})
    }
  })

  it('refuses control input it does not understand with 400, and unknown users or keys with 404', async () => {
    const cases: [string, string, unknown, number][] = [
      ['PUT', `users/${alice}/account`, {suspended: 'yes'}, 400],
      ['PUT', `users/${alice}/account`, {services: {drive: false}}, 400],
      ['PUT', `users/nobody@${google.seed.domain}/account`, {suspended: true}, 404],
      ['PUT', 'project/apis', {calendar: 'off'}, 400],
      ['PUT', 'service-account/keys/nope', {disabled: true}, 404],
      ['DELETE', 'service-account/keys/nope', undefined, 404],
      ['PUT', 'clock', {offsetSeconds: 90_000}, 400],
    ]
    for (const [method, path, body, status] of cases) {
      const response = await google.sandbox.control(method, `/_sandbox/google/${path}`, body)
      assert.equal(response.status, status, `${method} ${path}`)
      assert.equal(typeof (response.body as {error?: {code?: unknown}}).error?.code, 'string', `${method} ${path}`)
    }
  })
})

import assert from 'node:assert/strict'

import {request} from 'undici'

import {AuthError} from '../../../../src/lib/errors.js'
import {
  adminConsentUrl,
  sameState,
  startAdminConsent,
  type AdminConsentSession,
} from '../../../../src/lib/providers/microsoft/provisioning/consent.js'
import {rejectionOf} from '../../../helpers/expect.js'

const TENANT = 'contoso.onmicrosoft.com'
const CLIENT_ID = '11111111-2222-3333-4444-555555555555'

/** What a browser does with Entra's redirect: GET the redirect URI with these query parameters. */
async function redirectBack(session: AdminConsentSession, params: Record<string, string>, host = 'localhost') {
  const url = new URL(session.redirectUri)
  url.hostname = host
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value)
  const response = await request(url)
  return {status: response.statusCode, text: await response.body.text()}
}

describe('admin consent: URL and loopback listener', () => {
  let session: AdminConsentSession | undefined
  afterEach(async () => session?.close())

  const start = async (timeoutMs = 30_000) =>
    (session = await startAdminConsent({
      authorityOrigin: 'https://login.example.test/',
      tenant: TENANT,
      clientId: CLIENT_ID,
      timeoutMs,
    }))

  it('builds the tenant’s adminconsent URL with client_id, a localhost redirect_uri and a random state', async () => {
    const first = new URL((await start()).url)
    assert.equal(`${first.origin}${first.pathname}`, `https://login.example.test/${TENANT}/adminconsent`)
    assert.equal(first.searchParams.get('client_id'), CLIENT_ID)
    assert.match(first.searchParams.get('redirect_uri') ?? '', /^http:\/\/localhost:\d+\/hcal\/consent$/)
    const state = first.searchParams.get('state') ?? ''
    assert.ok(state.length >= 32, state)
    await session?.close()
    assert.notEqual(new URL((await start()).url).searchParams.get('state'), state)
    assert.equal(
      adminConsentUrl({authorityOrigin: 'https://a.test', tenant: 't', clientId: 'c', redirectUri: 'r', state: 's'}),
      'https://a.test/t/adminconsent?client_id=c&redirect_uri=r&state=s',
    )
  })

  it('resolves on admin_consent=True with our state (IPv4 loopback) and tells the browser', async () => {
    const consent = await start()
    const state = new URL(consent.url).searchParams.get('state') ?? ''
    const page = await redirectBack(consent, {admin_consent: 'True', tenant: 'tid-1', state}, '127.0.0.1')
    assert.equal(page.status, 200)
    assert.match(page.text, /admin consent granted/)
    assert.deepEqual(await consent.outcome, {tenantId: 'tid-1'})
    const again = await redirectBack(consent, {admin_consent: 'True', state})
    assert.equal(again.status, 410)
  })

  it('rejects a redirect whose state is not ours with MICROSOFT_CONSENT_STATE_MISMATCH, even granted', async () => {
    const consent = await start()
    const state = new URL(consent.url).searchParams.get('state') ?? ''
    const page = await redirectBack(consent, {admin_consent: 'True', state: `${state.slice(0, -1)}x`})
    assert.equal(page.status, 400)
    const error = await rejectionOf<AuthError>(() => consent.outcome)
    assert.ok(error instanceof AuthError)
    assert.equal(error.code, 'MICROSOFT_CONSENT_STATE_MISMATCH')
    assert.match(error.suggestions.join(' '), /open the new URL/)
  })

  it('turns Entra’s error redirect into its AADSTS cause and fix (AADSTS65004 declined)', async () => {
    const consent = await start()
    const state = new URL(consent.url).searchParams.get('state') ?? ''
    await redirectBack(consent, {
      error: 'access_denied',
      error_subcode: 'cancel',
      error_description: 'AADSTS65004: User declined to consent to access the app.',
      state,
    })
    const error = await rejectionOf<AuthError>(() => consent.outcome)
    assert.equal(error.code, 'MICROSOFT_CONSENT_DENIED')
    assert.equal(error.exitCode, 4)
    assert.match(error.message, /declined the consent prompt/)
    assert.deepEqual(error.data?.aadsts, 'AADSTS65004')
    assert.match(error.suggestions.join(' '), /Global Administrator or Privileged Role Administrator/)
  })

  it('keeps Microsoft’s words for an AADSTS code it has no entry for', async () => {
    const consent = await start()
    const state = new URL(consent.url).searchParams.get('state') ?? ''
    await redirectBack(consent, {error: 'server_error', error_description: 'AADSTS1234567: Something new.', state})
    const error = await rejectionOf<AuthError>(() => consent.outcome)
    assert.equal(error.code, 'MICROSOFT_CONSENT_FAILED')
    assert.match(error.message, /AADSTS1234567: Something new/)
  })

  it('answers other paths 404 without settling, and times out with MICROSOFT_CONSENT_TIMEOUT', async () => {
    const consent = await start(200)
    const other = await request(new URL('/favicon.ico', consent.redirectUri))
    assert.equal(other.statusCode, 404)
    await other.body.dump()
    const error = await rejectionOf<AuthError>(() => consent.outcome)
    assert.equal(error.code, 'MICROSOFT_CONSENT_TIMEOUT')
    assert.match(error.suggestions.join(' '), /--consent-timeout/)
  })

  it('compares states of any length without throwing', () => {
    assert.equal(sameState('abc', 'abc'), true)
    assert.equal(sameState('abc', 'abcd'), false)
    assert.equal(sameState('abc', null), false)
  })
})

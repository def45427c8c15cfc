import assert from 'node:assert/strict'
import {generateKeyPairSync, X509Certificate} from 'node:crypto'

import {createLocalJWKSet, decodeJwt, jwtVerify, type JSONWebKeySet} from 'jose'

import {rejectionOf} from '../../helpers/expect.js'
import {graphFailure, startMicrosoftSandbox, type MicrosoftSandbox} from './helpers.js'

const GRAPH_SCOPE = 'https://graph.microsoft.com/.default'

describe('sandbox microsoft: identity platform through msal-node 7', () => {
  let ms: MicrosoftSandbox
  let user: string

  before(async () => {
    ms = await startMicrosoftSandbox()
    user = ms.users[0] ?? ''
  })
  after(async () => ms.stop())
  afterEach(async () => {
    await ms.control('PUT', '/_sandbox/microsoft/consent', {
      roles: ['Calendars.ReadWrite', 'MailboxSettings.ReadWrite'],
      servicePrincipal: true,
      adminConsentOutcome: 'grant',
    })
  })

  it('publishes OpenID configuration whose issuer and endpoints sit on the authority origin', async () => {
    const response = await ms.raw('GET', `/${ms.credentials.tenantId}/v2.0/.well-known/openid-configuration`)
    assert.equal(response.status, 200)
    const config = JSON.parse(response.text) as Record<string, string>
    const base = `${ms.credentials.authorityOrigin}/${ms.credentials.tenantId}`
    assert.equal(config.issuer, `${base}/v2.0`)
    assert.equal(config.token_endpoint, `${base}/oauth2/v2.0/token`)
    assert.equal(config.jwks_uri, `${base}/discovery/v2.0/keys`)
  })

  it('issues a signed Graph token with the consented roles for the client secret', async () => {
    const {getToken} = ms.clients()
    const token = await getToken()
    const keys = JSON.parse(
      (await ms.raw('GET', `/${ms.credentials.tenantId}/discovery/v2.0/keys`)).text,
    ) as JSONWebKeySet
    const {payload, protectedHeader} = await jwtVerify(token, createLocalJWKSet(keys), {
      audience: 'https://graph.microsoft.com',
      issuer: `https://sts.windows.net/${ms.credentials.tenantId}/`,
    })
    assert.equal(protectedHeader.alg, 'RS256')
    assert.equal(payload.appid, ms.credentials.clientId)
    assert.equal(payload.tid, ms.credentials.tenantId)
    assert.equal(payload.appidacr, '1')
    assert.deepEqual(payload.roles, ['Calendars.ReadWrite', 'MailboxSettings.ReadWrite'])
  })

  it('lets MSAL answer the second token request from its cache', async () => {
    const {msal} = ms.clients()
    const first = await msal.acquireTokenByClientCredential({scopes: [GRAPH_SCOPE]})
    const second = await msal.acquireTokenByClientCredential({scopes: [GRAPH_SCOPE]})
    assert.equal(first?.fromCache, false)
    assert.equal(second?.fromCache, true)
    assert.equal(second?.accessToken, first?.accessToken)
  })

  it('accepts a certificate assertion (PS256, x5t#S256) signed by the registered certificate', async () => {
    const {getToken, graph} = ms.clients({
      clientSecret: undefined,
      certificate: {
        privateKeyPem: ms.credentials.certificatePrivateKeyPem,
        certificatePem: ms.credentials.certificatePem,
      },
    })
    assert.equal(decodeJwt(await getToken()).appidacr, '2')
    const settings = (await graph.api(`/users/${user}/mailboxSettings`).get()) as {language: {locale: string}}
    assert.equal(typeof settings.language.locale, 'string')
  })

  it('rejects a wrong client secret with AADSTS7000215 invalid_client', async () => {
    const error = await rejectionOf(() => ms.clients({clientSecret: 'abc8Q~not-the-secret'}).getToken())
    assert.equal(error.errorCode, 'invalid_client')
    assert.match(
      String(error.errorMessage),
      /^Error\(s\): 7000215 - .* - Description: AADSTS7000215: Invalid client secret provided\./,
    )
  })

  it('answers the raw AADSTS error body with error_codes, trace and correlation ids', async () => {
    const response = await ms.raw('POST', `/${ms.credentials.tenantId}/oauth2/v2.0/token`, {
      headers: {'content-type': 'application/x-www-form-urlencoded'},
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: ms.credentials.clientId,
        client_secret: 'wrong',
        scope: GRAPH_SCOPE,
      }).toString(),
    })
    assert.equal(response.status, 401)
    const body = JSON.parse(response.text) as Record<string, unknown>
    assert.equal(body.error, 'invalid_client')
    assert.deepEqual(body.error_codes, [7000215])
    assert.match(String(body.error_description), /^AADSTS7000215: .*\r\nTrace ID: [0-9a-f-]{36}\r\nCorrelation ID: /s)
    assert.match(String(body.trace_id), /^[0-9a-f-]{36}$/)
    assert.match(String(body.correlation_id), /^[0-9a-f-]{36}$/)
    assert.match(String(body.timestamp), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z$/)
  })

  it('rejects an unknown application with AADSTS700016 unauthorized_client', async () => {
    const error = await rejectionOf(() => ms.clients({clientId: '11111111-2222-4333-a444-555555555555'}).getToken())
    assert.equal(error.errorCode, 'unauthorized_client')
    assert.match(
      String(error.errorMessage),
      /- Description: AADSTS700016: Application with identifier '11111111-2222-4333-a444-555555555555' was not found/,
    )
  })

  it('rejects an unknown tenant with AADSTS90002 (discovery and token endpoint alike)', async () => {
    const error = await rejectionOf(() => ms.clients({tenantId: 'no-such-tenant.test'}).getToken())
    assert.equal(error.errorCode, 'endpoints_resolution_error')
    const discovery = await ms.raw('GET', '/no-such-tenant.test/v2.0/.well-known/openid-configuration')
    assert.equal(discovery.status, 400)
    assert.match(
      JSON.parse(discovery.text).error_description as string,
      /^AADSTS90002: Tenant 'no-such-tenant.test' not found/,
    )
    const token = await ms.raw('POST', '/no-such-tenant.test/oauth2/v2.0/token', {
      headers: {'content-type': 'application/x-www-form-urlencoded'},
      body: `grant_type=client_credentials&client_id=${ms.credentials.clientId}&client_secret=x&scope=${GRAPH_SCOPE}`,
    })
    assert.equal(token.status, 400)
    assert.deepEqual(JSON.parse(token.text).error_codes, [90002])
  })

  it('rejects a token request for an app without a service principal (never consented) with AADSTS7000229', async () => {
    await ms.control('PUT', '/_sandbox/microsoft/consent', {servicePrincipal: false})
    const error = await rejectionOf(() => ms.clients().getToken())
    assert.equal(error.errorCode, 'invalid_client')
    assert.match(
      String(error.errorMessage),
      /- Description: AADSTS7000229: The client application .* is missing service principal in the tenant/,
    )
  })

  it('issues a token without roles when nothing is consented, which Graph refuses with 401 NoPermissionsInAccessToken', async () => {
    await ms.control('PUT', '/_sandbox/microsoft/consent', {roles: []})
    const {getToken, graph} = ms.clients()
    assert.equal(decodeJwt(await getToken()).roles, undefined)
    const error = await graphFailure(() => graph.api(`/users/${user}/calendar/events`).get())
    assert.equal(error.statusCode, 401)
    assert.equal(error.code, 'NoPermissionsInAccessToken')
  })

  it('refuses a call whose role was not consented with 403 ErrorAccessDenied, and allows the consented one', async () => {
    await ms.control('PUT', '/_sandbox/microsoft/consent', {roles: ['MailboxSettings.ReadWrite']})
    const {graph} = ms.clients()
    const error = await graphFailure(() => graph.api(`/users/${user}/calendar/events`).get())
    assert.equal(error.statusCode, 403)
    assert.equal(error.code, 'ErrorAccessDenied')
    assert.equal(error.message, 'Access is denied. Check credentials and try again.')
    assert.ok(error.requestId)
    const settings = (await graph.api(`/users/${user}/mailboxSettings`).get()) as Record<string, unknown>
    assert.ok(settings.automaticRepliesSetting)
  })

  it('rejects a certificate assertion with a bad signature with AADSTS700027', async () => {
    const stranger = generateKeyPairSync('rsa', {modulusLength: 2048}).privateKey.export({format: 'pem', type: 'pkcs8'})
    const error = await rejectionOf(() =>
      ms
        .clients({
          clientSecret: undefined,
          // The registered certificate's thumbprint, but signed by another key (given as a thumbprint: with the
          // certificate itself hcal would refuse the pair before sending anything).
          certificate: {
            privateKeyPem: String(stranger),
            thumbprintSha256: new X509Certificate(ms.credentials.certificatePem).fingerprint256,
          },
        })
        .getToken(),
    )
    assert.equal(error.errorCode, 'invalid_client')
    assert.match(
      String(error.errorMessage),
      /- Description: AADSTS700027: Client assertion failed signature validation\./,
    )
  })

  it('rejects an assertion from an unregistered certificate with AADSTS700027 naming its thumbprint', async () => {
    const stranger = generateKeyPairSync('rsa', {modulusLength: 2048}).privateKey.export({format: 'pem', type: 'pkcs8'})
    const thumbprint = 'AB'.repeat(32)
    const error = await rejectionOf(() =>
      ms
        .clients({
          clientSecret: undefined,
          certificate: {privateKeyPem: String(stranger), thumbprintSha256: thumbprint},
        })
        .getToken(),
    )
    assert.match(
      String(error.errorMessage),
      new RegExp(
        `- Description: AADSTS700027: The certificate with identifier .*Thumbprint of key used by client: '${thumbprint}'`,
      ),
    )
  })

  it('refuses a tampered Graph token with 401 InvalidAuthenticationToken and a Bearer challenge', async () => {
    const token = await ms.clients().getToken()
    const [header, payload, signature] = token.split('.')
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>
    claims.roles = ['Calendars.ReadWrite', 'MailboxSettings.ReadWrite', 'Mail.ReadWrite']
    const tampered = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`
    const error = await graphFailure(() => ms.graphWithToken(tampered).api(`/users/${user}/calendar/events`).get())
    assert.equal(error.statusCode, 401)
    assert.equal(error.code, 'InvalidAuthenticationToken')
    assert.equal(error.message, 'Access token validation failure.')
    assert.match(String(error.headers?.get('www-authenticate')), /^Bearer realm="", authorization_uri="https:\/\/login/)
    const empty = await graphFailure(() => ms.graphWithToken('').api(`/users/${user}/calendar/events`).get())
    assert.equal(empty.statusCode, 401)
    assert.equal(empty.code, 'InvalidAuthenticationToken')
  })

  it('rejects scopes other than the resource .default for client credentials (AADSTS1002012)', async () => {
    const response = await ms.raw('POST', `/${ms.credentials.tenantId}/oauth2/v2.0/token`, {
      headers: {'content-type': 'application/x-www-form-urlencoded'},
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: ms.credentials.clientId,
        client_secret: ms.credentials.clientSecret,
        scope: 'https://graph.microsoft.com/Calendars.ReadWrite',
      }).toString(),
    })
    assert.equal(response.status, 400)
    assert.equal(JSON.parse(response.text).error, 'invalid_scope')
    assert.deepEqual(JSON.parse(response.text).error_codes, [1002012])
  })

  describe('admin consent', () => {
    const consentPath = (tenant: string, clientId: string) =>
      `/${tenant}/adminconsent?client_id=${clientId}&redirect_uri=${encodeURIComponent('https://admin.example/consented')}&state=s-42`

    it('redirects back with admin_consent=True, the tenant and the state, and grants the roles', async () => {
      await ms.control('PUT', '/_sandbox/microsoft/consent', {servicePrincipal: false, roles: []})
      const response = await ms.raw('GET', consentPath(ms.credentials.domain, ms.credentials.clientId))
      assert.equal(response.status, 302)
      const location = new URL(String(response.headers.location))
      assert.equal(location.origin + location.pathname, 'https://admin.example/consented')
      assert.equal(location.searchParams.get('admin_consent'), 'True')
      assert.equal(location.searchParams.get('tenant'), ms.credentials.tenantId)
      assert.equal(location.searchParams.get('state'), 's-42')
      assert.deepEqual(decodeJwt(await ms.clients().getToken()).roles, [
        'Calendars.ReadWrite',
        'MailboxSettings.ReadWrite',
      ])
    })

    it('redirects back with error=access_denied when the admin declines', async () => {
      await ms.control('PUT', '/_sandbox/microsoft/consent', {adminConsentOutcome: 'deny'})
      const response = await ms.raw('GET', consentPath(ms.credentials.tenantId, ms.credentials.clientId))
      assert.equal(response.status, 302)
      const location = new URL(String(response.headers.location))
      assert.equal(location.searchParams.get('error'), 'access_denied')
      assert.match(String(location.searchParams.get('error_description')), /^AADSTS65004: /)
      assert.equal(location.searchParams.get('state'), 's-42')
      assert.equal(location.searchParams.get('admin_consent'), null)
    })

    it('answers the v2.0 endpoint with the granted scope as well', async () => {
      const response = await ms.raw(
        'GET',
        `/${ms.credentials.tenantId}/v2.0/adminconsent?client_id=${ms.credentials.clientId}&scope=${encodeURIComponent(GRAPH_SCOPE)}&redirect_uri=${encodeURIComponent('http://localhost:8400/cb')}&state=v2`,
      )
      assert.equal(response.status, 302)
      const location = new URL(String(response.headers.location))
      assert.equal(location.searchParams.get('admin_consent'), 'True')
      assert.equal(location.searchParams.get('scope'), GRAPH_SCOPE)
      assert.equal(location.searchParams.get('state'), 'v2')
    })

    it('shows an error instead of redirecting for an unknown app', async () => {
      const response = await ms.raw('GET', consentPath(ms.credentials.tenantId, '11111111-2222-4333-a444-555555555555'))
      assert.equal(response.status, 400)
      assert.deepEqual(JSON.parse(response.text).error_codes, [700016])
    })
  })
})

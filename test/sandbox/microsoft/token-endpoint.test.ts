import assert from 'node:assert/strict'
import {X509Certificate, createPrivateKey, randomUUID} from 'node:crypto'

import {SignJWT, type JWTPayload} from 'jose'

import {startMicrosoftSandbox, type AadstsBody, type MicrosoftSandbox} from './helpers.js'

const GRAPH_SCOPE = 'https://graph.microsoft.com/.default'
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'

describe('sandbox microsoft: token endpoint rules (client credentials, AADSTS errors)', () => {
  let ms: MicrosoftSandbox
  let tokenEndpoint: string
  let thumbprint: string

  before(async () => {
    ms = await startMicrosoftSandbox({users: 1, events: 0, rooms: 0})
    tokenEndpoint = `${ms.credentials.authorityOrigin}/${ms.credentials.tenantId}/oauth2/v2.0/token`
    const fingerprint = new X509Certificate(ms.credentials.certificatePem).fingerprint256.replace(/:/g, '')
    thumbprint = Buffer.from(fingerprint, 'hex').toString('base64url')
  })
  after(async () => ms.stop())

  /** A client assertion as MSAL builds it, signed by the registered certificate, with `claims` changed. */
  async function assertion(claims: Omit<JWTPayload, 'exp'> & {exp?: number | null} = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000)
    const payload: Record<string, unknown> = {
      aud: tokenEndpoint,
      iss: ms.credentials.clientId,
      sub: ms.credentials.clientId,
      jti: randomUUID(),
      nbf: now,
      iat: now,
      exp: now + 600,
      ...claims,
    }
    if (claims.exp === null) delete payload.exp
    return new SignJWT(payload)
      .setProtectedHeader({alg: 'RS256', typ: 'JWT', 'x5t#S256': thumbprint})
      .sign(createPrivateKey(ms.credentials.certificatePrivateKeyPem))
  }

  const withAssertion = async (clientAssertion: string) =>
    ms.tokenRequest({
      grant_type: 'client_credentials',
      client_id: ms.credentials.clientId,
      scope: GRAPH_SCOPE,
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: clientAssertion,
    })

  const withSecret = async (fields: Record<string, string> = {}) =>
    ms.tokenRequest({
      grant_type: 'client_credentials',
      client_id: ms.credentials.clientId,
      client_secret: ms.credentials.clientSecret,
      scope: GRAPH_SCOPE,
      ...fields,
    })

  const assertAadsts = (
    answer: {status: number; body: AadstsBody},
    status: number,
    error: string,
    code: number,
    description: RegExp,
  ) => {
    assert.equal(answer.status, status, JSON.stringify(answer.body))
    assert.equal(answer.body.error, error)
    assert.deepEqual(answer.body.error_codes, [code])
    assert.match(answer.body.error_description, new RegExp(`^AADSTS${code}: ${description.source}`))
    assert.equal(answer.body.access_token, undefined)
  }

  describe('certificate assertions (private_key_jwt)', () => {
    it('issues a token for a well-formed assertion (the control for the refusals below)', async () => {
      const answer = await withAssertion(await assertion())
      assert.equal(answer.status, 200)
      assert.equal(typeof answer.body.access_token, 'string')
    })

    it('refuses an assertion for another audience with AADSTS700023', async () => {
      const answer = await withAssertion(await assertion({aud: 'https://login.microsoftonline.com/other/token'}))
      assertAadsts(answer, 401, 'invalid_client', 700023, /Client assertion audience claim does not match/)
    })

    it('refuses an assertion whose issuer or subject is not the client id with AADSTS700021', async () => {
      const stranger = '11111111-2222-4333-a444-555555555555'
      for (const claims of [{iss: stranger}, {sub: stranger}]) {
        const answer = await withAssertion(await assertion(claims))
        assertAadsts(answer, 401, 'invalid_client', 700021, /Client assertion application identifier doesn't match/)
      }
    })

    it('refuses an expired, a not-yet-valid and an exp-less assertion with AADSTS700024', async () => {
      const now = Math.floor(Date.now() / 1000)
      for (const claims of [
        {exp: now - 600, nbf: now - 1200, iat: now - 1200},
        {nbf: now + 900, exp: now + 1500},
        {exp: null},
      ]) {
        const answer = await withAssertion(await assertion(claims))
        assertAadsts(answer, 401, 'invalid_client', 700024, /Client assertion is not within its valid time range/)
      }
    })

    it('accepts an assertion that expired within the 5-minute clock skew', async () => {
      const now = Math.floor(Date.now() / 1000)
      const answer = await withAssertion(await assertion({exp: now - 60, nbf: now - 660, iat: now - 660}))
      assert.equal(answer.status, 200, JSON.stringify(answer.body))
    })

    it('refuses an assertion that is not a JWT with AADSTS50027', async () => {
      const answer = await withAssertion('not.a-jwt')
      assertAadsts(answer, 401, 'invalid_client', 50027, /JWT token is invalid or malformed\./)
    })

    it('refuses an assertion whose signature does not verify with AADSTS700027', async () => {
      const [header, payload] = (await assertion()).split('.')
      const forged = `${header}.${payload}.${Buffer.alloc(256, 7).toString('base64url')}`
      const answer = await withAssertion(forged)
      assertAadsts(answer, 401, 'invalid_client', 700027, /Client assertion failed signature validation\./)
    })

    it('refuses an assertion without a known certificate thumbprint with AADSTS700027', async () => {
      const [, payload, signature] = (await assertion()).split('.')
      const header = Buffer.from(JSON.stringify({alg: 'RS256', typ: 'JWT'})).toString('base64url')
      const answer = await withAssertion(`${header}.${payload}.${signature}`)
      assertAadsts(answer, 401, 'invalid_client', 700027, /The certificate with identifier used to sign/)
    })
  })

  describe('the rest of the request', () => {
    it('refuses a request with neither a secret nor an assertion with AADSTS7000218', async () => {
      const answer = await ms.tokenRequest({
        grant_type: 'client_credentials',
        client_id: ms.credentials.clientId,
        scope: GRAPH_SCOPE,
      })
      assertAadsts(answer, 401, 'invalid_client', 7000218, /The request body must contain .*'client_assertion' or/)
    })

    it('refuses an assertion sent without the jwt-bearer assertion type with AADSTS7000218', async () => {
      const answer = await ms.tokenRequest({
        grant_type: 'client_credentials',
        client_id: ms.credentials.clientId,
        scope: GRAPH_SCOPE,
        client_assertion: await assertion(),
      })
      assertAadsts(answer, 401, 'invalid_client', 7000218, /The request body must contain/)
    })

    it('refuses a grant other than client_credentials with AADSTS70003', async () => {
      const answer = await withSecret({grant_type: 'password'})
      assertAadsts(
        answer,
        400,
        'unsupported_grant_type',
        70003,
        /The app requested an unsupported grant type 'password'/,
      )
    })

    it('refuses a .default scope of a resource the tenant does not have with AADSTS500011', async () => {
      const answer = await withSecret({scope: 'https://api.unknown.example/.default'})
      assertAadsts(
        answer,
        400,
        'invalid_resource',
        500011,
        /The resource principal named https:\/\/api\.unknown\.example/,
      )
    })

    it('refuses two resources at once with AADSTS1002012', async () => {
      const answer = await withSecret({scope: `${GRAPH_SCOPE} https://outlook.office365.com/.default`})
      assertAadsts(answer, 400, 'invalid_scope', 1002012, /The provided value for scope/)
    })

    it('accepts the Graph app id form of the scope and the tenant domain in the path', async () => {
      const answer = await ms.tokenRequest(
        {
          grant_type: 'client_credentials',
          client_id: ms.credentials.clientId,
          client_secret: ms.credentials.clientSecret,
          scope: '00000003-0000-0000-c000-000000000000/.default',
        },
        ms.credentials.domain,
      )
      assert.equal(answer.status, 200, JSON.stringify(answer.body))
    })
  })

  describe('admin consent', () => {
    const consent = (tenant: string, redirectUri: string) =>
      ms.raw(
        'GET',
        `/${tenant}/adminconsent?client_id=${ms.credentials.clientId}&redirect_uri=${encodeURIComponent(redirectUri)}&state=s`,
      )

    it('shows AADSTS50011 instead of redirecting to a plain-http, non-loopback redirect_uri', async () => {
      for (const redirect of ['http://admin.example/consented', 'javascript:alert(1)']) {
        const response = await consent(ms.credentials.tenantId, redirect)
        assert.equal(response.status, 400)
        assert.equal(response.headers.location, undefined)
        const body = JSON.parse(response.text) as AadstsBody
        assert.deepEqual(body.error_codes, [50011])
        assert.match(
          body.error_description,
          /^AADSTS50011: The redirect URI '.*' specified in the request does not match/,
        )
      }
    })

    it('shows AADSTS90002 for an unknown tenant', async () => {
      const response = await consent('no-such-tenant.test', 'https://admin.example/consented')
      assert.equal(response.status, 400)
      assert.deepEqual((JSON.parse(response.text) as AadstsBody).error_codes, [90002])
    })
  })
})

import assert from 'node:assert/strict'
import {createPrivateKey, generateKeyPairSync} from 'node:crypto'
import {rootCertificates} from 'node:tls'

import {ExitCode, type HcalError} from '../../../src/lib/errors.js'
import {createExchangeService} from '../../../src/lib/providers/exchange/client.js'
import {createGoogleClients} from '../../../src/lib/providers/google/client.js'
import {serviceAccountKeyProblem} from '../../../src/lib/providers/google/key.js'
import {certificateKeyProblem} from '../../../src/lib/providers/microsoft/certificate.js'
import {createMicrosoftClients, type MicrosoftClientOptions} from '../../../src/lib/providers/microsoft/client.js'
import {startMicrosoftSandbox, type MicrosoftSandbox} from '../../sandbox/microsoft/helpers.js'

function rsaKeyPem(format: 'pkcs8' | 'pkcs1' = 'pkcs8'): string {
  const {privateKey} = generateKeyPairSync('rsa', {modulusLength: 2048})
  return privateKey.export({type: format, format: 'pem'}).toString()
}

/** Asserts `call` throws an HcalError with `code` and a fix mentioning `fix`; returns it. */
function coded(call: () => unknown, code: string, fix: RegExp): HcalError {
  let thrown: unknown
  try {
    call()
  } catch (error) {
    thrown = error
  }
  const error = thrown as HcalError
  assert.equal(error?.code, code, String(thrown))
  assert.match(error.suggestions.join(' '), fix)
  return error
}

describe('client factories: input the admin can fix is a coded HcalError with a fix', () => {
  describe('Google service-account key', () => {
    const key = {type: 'service_account', client_email: 'hcal@p.iam.gserviceaccount.com', private_key: rsaKeyPem()}
    const create = (serviceAccountJson: string, extra: {caPem?: string; tokenUrl?: string} = {}) =>
      createGoogleClients({serviceAccountJson, subject: 'a@acme.test', scopes: ['s'], ...extra})

    it('names the bad or missing field (exit 4), never the key itself', () => {
      const cases: [string, RegExp][] = [
        ['not json at all', /is not JSON/],
        [JSON.stringify({installed: {client_id: 'x', client_secret: 'oauth-secret'}}), /OAuth client file/],
        [JSON.stringify({...key, type: 'authorized_user'}), /type "authorized_user"/],
        [JSON.stringify({...key, client_email: undefined}), /has no client_email/],
        [JSON.stringify({...key, private_key: undefined}), /has no private_key/],
        [
          JSON.stringify({...key, private_key: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----'}),
          /not a readable PEM/,
        ],
      ]
      for (const [json, message] of cases) {
        const error = coded(() => create(json), 'GOOGLE_KEY_INVALID', /hcal secrets set google\.serviceAccountKey/)
        assert.equal(error.exitCode, ExitCode.auth)
        assert.match(error.message, message)
        assert.doesNotMatch(error.message, /BEGIN|AAAA|oauth-secret/, 'no part of the key is quoted')
        assert.match(serviceAccountKeyProblem(json) ?? '', message)
      }
      assert.equal(serviceAccountKeyProblem(JSON.stringify(key)), undefined)
    })

    it('checks each key and CA on its own: one found good earlier in the run vouches for no other', () => {
      const good = JSON.stringify(key)
      const ca = rootCertificates[0]!
      create(good, {caPem: ca})
      create(good, {caPem: ca})
      const unreadable = '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----'
      coded(() => create(JSON.stringify({...key, private_key: unreadable})), 'GOOGLE_KEY_INVALID', /serviceAccountKey/)
      assert.match(serviceAccountKeyProblem(JSON.stringify({...key, private_key: unreadable})) ?? '', /not a readable/)
      assert.equal(serviceAccountKeyProblem(JSON.stringify({...key, private_key: rsaKeyPem()})), undefined)
      const badCa = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----'
      coded(() => create(good, {caPem: badCa}), 'CA_CERTIFICATE_INVALID', /caFile/)
    })

    it('refuses a CA file without a certificate and a non-https token URL', () => {
      const json = JSON.stringify(key)
      coded(() => create(json, {caPem: 'not a pem'}), 'CA_CERTIFICATE_INVALID', /caFile/)
      coded(
        () => create(json, {caPem: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----'}),
        'CA_CERTIFICATE_INVALID',
        /caFile/,
      )
      coded(() => create(json, {tokenUrl: 'http://127.0.0.1/token'}), 'GOOGLE_ENDPOINT_INVALID', /google\.tokenUrl/)
    })
  })

  describe('Microsoft credentials', () => {
    let ms: MicrosoftSandbox
    before(async () => {
      ms = await startMicrosoftSandbox({users: 1, events: 0, rooms: 0})
    })
    after(async () => ms.stop())

    const base = (): MicrosoftClientOptions => ({
      tenantId: ms.credentials.tenantId,
      clientId: ms.credentials.clientId,
      authorityOrigin: ms.credentials.authorityOrigin,
      graphOrigin: ms.credentials.graphOrigin,
      caPem: ms.sandbox.caPem,
    })
    const withCertificate = (certificate: MicrosoftClientOptions['certificate']) => () =>
      createMicrosoftClients({...base(), certificate})
    const FIX = /hcal secrets set microsoft\.certificateKey/

    it('signs in with a PKCS#1 key and its certificate in one PEM, as the secret may hold them', async () => {
      const pkcs1 = createPrivateKey(ms.credentials.certificatePrivateKeyPem).export({type: 'pkcs1', format: 'pem'})
      const bundle = `${pkcs1.toString()}\n${ms.credentials.certificatePem}`
      assert.equal(certificateKeyProblem(bundle), undefined)
      const clients = ms.clients({clientSecret: undefined, certificate: {privateKeyPem: bundle}})
      assert.equal((await clients.getToken()).split('.').length, 3)
    })

    it('names what is wrong with the certificate credential', () => {
      const certificate = ms.credentials.certificatePem
      coded(withCertificate({privateKeyPem: certificate}), 'MICROSOFT_CERTIFICATE_KEY_MISSING', FIX)
      assert.match(certificateKeyProblem(certificate) ?? '', /certificate but no private key$/)
      coded(withCertificate({privateKeyPem: 'just text'}), 'MICROSOFT_CERTIFICATE_KEY_INVALID', FIX)
      coded(
        withCertificate({
          privateKeyPem: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----',
          thumbprintSha256: 'AB'.repeat(32),
        }),
        'MICROSOFT_CERTIFICATE_KEY_INVALID',
        FIX,
      )
      coded(
        withCertificate({
          privateKeyPem: '-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----',
        }),
        'MICROSOFT_CERTIFICATE_KEY_INVALID',
        FIX,
      )
      coded(
        withCertificate({privateKeyPem: rsaKeyPem(), certificatePem: certificate}),
        'MICROSOFT_CERTIFICATE_KEY_MISMATCH',
        FIX,
      )
      coded(
        withCertificate({
          privateKeyPem: rsaKeyPem(),
          certificatePem: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----',
        }),
        'MICROSOFT_CERTIFICATE_INVALID',
        FIX,
      )
      coded(
        withCertificate({privateKeyPem: rsaKeyPem('pkcs1')}),
        'MICROSOFT_CERTIFICATE_THUMBPRINT_MISSING',
        /thumbprint/,
      )
      const sha1 = coded(
        withCertificate({privateKeyPem: rsaKeyPem(), thumbprintSha256: 'ab:'.repeat(19) + 'ab'}),
        'MICROSOFT_CERTIFICATE_THUMBPRINT_INVALID',
        /-fingerprint -sha256/,
      )
      assert.match(sha1.message, /SHA-1/)
    })

    it('refuses http origins, and wants exactly one of a secret and a certificate', () => {
      const secret = {...base(), clientSecret: 'x'}
      coded(
        () => createMicrosoftClients({...secret, graphOrigin: 'http://127.0.0.1:8080'}),
        'MICROSOFT_ORIGIN_INVALID',
        /microsoft\.graphOrigin/,
      )
      coded(
        () => createMicrosoftClients({...secret, authorityOrigin: 'nowhere'}),
        'MICROSOFT_ORIGIN_INVALID',
        /authorityOrigin/,
      )
      coded(() => createMicrosoftClients(base()), 'MICROSOFT_CREDENTIALS_INVALID', /microsoft\.auth/)
    })
  })

  describe('Exchange service account', () => {
    const options = {
      ewsUrl: 'https://mail.acme.test/EWS/Exchange.asmx',
      username: 'ACME\\svc',
      password: 'pw',
      auth: 'basic' as const,
    }

    it('refuses a bad or clear-text EWS URL, empty credentials and a bad CA file', () => {
      coded(
        () => createExchangeService({...options, ewsUrl: 'mail.acme.test'}),
        'EXCHANGE_URL_INVALID',
        /exchange\.ewsUrl/,
      )
      coded(
        () => createExchangeService({...options, ewsUrl: 'http://mail.acme.test/EWS/Exchange.asmx'}),
        'EXCHANGE_URL_INSECURE',
        /https/,
      )
      assert.ok(
        createExchangeService({...options, ewsUrl: 'http://mail.acme.test/EWS/Exchange.asmx', allowInsecureHttp: true}),
      )
      const empty = coded(
        () => createExchangeService({...options, password: ''}),
        'EXCHANGE_CREDENTIALS_MISSING',
        /exchange\.password/,
      )
      assert.equal(empty.exitCode, ExitCode.auth)
      coded(() => createExchangeService({...options, caPem: 'nope'}), 'CA_CERTIFICATE_INVALID', /caFile/)
    })
  })
})

import assert from 'node:assert/strict'
import {generateKeyPairSync} from 'node:crypto'
import {mkdir, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {prepareTls} from '../../src/sandbox/host/tls.js'
import {runCli, tempHome} from '../helpers/cli.js'
import {createAppCertificate} from '../../src/sandbox/microsoft/directory.js'
import {withSecretService} from '../helpers/secret-service.js'

interface Check {
  id: string
  status: 'pass' | 'warn' | 'fail'
  message: string
  fix?: string
  code?: string
}

const GOOGLE = {clientId: '1234567890', clientEmail: 'hcal@acme-project.iam.gserviceaccount.com', domain: 'acme.test'}
const GOOGLE_KEY = JSON.stringify({
  type: 'service_account',
  client_email: GOOGLE.clientEmail,
  private_key: generateKeyPairSync('rsa', {modulusLength: 2048}).privateKey.export({type: 'pkcs8', format: 'pem'}),
})

describe('hcal doctor: the checks each calendar system declares', () => {
  const bus = withSecretService()
  let home: Awaited<ReturnType<typeof tempHome>>
  beforeEach(async () => (home = await tempHome()))
  afterEach(() => home.cleanup())

  /** Writes the profile file as an admin (or an older hcal) might have: not validated on the way in. */
  async function writeProfile(name: string, sections: Record<string, unknown>): Promise<void> {
    const dir = join(home.dir, 'config', 'profiles')
    await mkdir(dir, {recursive: true})
    const now = new Date().toISOString()
    await writeFile(join(dir, `${name}.json`), JSON.stringify({name, createdAt: now, updatedAt: now, ...sections}), {
      mode: 0o600,
    })
  }

  async function doctor(env: NodeJS.ProcessEnv) {
    const run = await runCli(['doctor', '--json', '--profile', 'acme'], {env: {...bus(), ...home.env, ...env}})
    const envelope = run.json as {result?: {checks: Check[]}; error?: {code: string; data: {checks: Check[]}}}
    const checks = envelope.result?.checks ?? envelope.error?.data.checks ?? []
    return {run, envelope, byName: new Map(checks.map((c) => [c.id, c])), names: checks.map((c) => c.id)}
  }

  it('fails google.credentials with GOOGLE_KEY_INVALID when HCAL_GOOGLE_SERVICE_ACCOUNT_JSON is not a key', async () => {
    const {run, envelope, byName, names} = await doctor({
      HCAL_GOOGLE_SERVICE_ACCOUNT_JSON: '{"web": {"client_id": "x"}}',
    })
    assert.equal(run.code, 1, run.stderr)
    assert.equal(envelope.error?.code, 'DOCTOR_FAILED')
    // The environment secret alone brings Google's checks in; systems the profile does not use stay out.
    assert.deepEqual(names, [
      'node',
      'config',
      'meetings',
      'keychain',
      'store',
      'google.connection',
      'google.credentials',
      'google.token',
      'google.mailbox',
      'google.clock',
      'google.key-age',
    ])
    const credentials = byName.get('google.credentials')
    assert.deepEqual([credentials?.status, credentials?.code], ['fail', 'GOOGLE_KEY_INVALID'])
    assert.match(credentials?.message ?? '', /OAuth client file, not a service-account key/)
    assert.match(credentials?.fix ?? '', /hcal secrets set google\.serviceAccountKey --file KEY\.json/)
    assert.equal(byName.get('google.connection')?.status, 'warn')
    assert.match(byName.get('google.connection')?.fix ?? '', /"google" section .*clientId, clientEmail, domain/)
    assert.deepEqual(
      [...byName.values()].filter((c) => c.status === 'fail').map((c) => c.id),
      ['google.credentials'],
    )

    const human = await runCli(['doctor', '--profile', 'acme'], {
      env: {...bus(), ...home.env, HCAL_GOOGLE_SERVICE_ACCOUNT_JSON: 'not json'},
    })
    assert.equal(human.code, 1)
    assert.match(human.stdout, /^google\.credentials\tFAIL\t.*is not JSON/m)
  })

  it('passes a configured Google connection with its key, and warns when the key is another account’s', async () => {
    await writeProfile('acme', {google: GOOGLE})
    const healthy = await doctor({HCAL_GOOGLE_SERVICE_ACCOUNT_JSON: GOOGLE_KEY})
    assert.equal(healthy.run.code, 0, healthy.run.stdout)
    assert.equal(healthy.byName.get('google.connection')?.status, 'pass')
    assert.match(healthy.byName.get('google.connection')?.message ?? '', /Google Workspace: acme\.test/)
    assert.deepEqual(
      [healthy.byName.get('google.credentials')?.status, healthy.byName.get('google.credentials')?.message],
      ['pass', `service-account key for ${GOOGLE.clientEmail} is well-formed`],
    )

    const other = JSON.stringify({...JSON.parse(GOOGLE_KEY), client_email: 'else@other.iam.gserviceaccount.com'})
    const mismatched = await doctor({HCAL_GOOGLE_SERVICE_ACCOUNT_JSON: other})
    assert.equal(mismatched.run.code, 0, 'a warning does not fail doctor')
    assert.equal(mismatched.byName.get('google.credentials')?.status, 'warn')
  })

  it('fails microsoft.credentials with MICROSOFT_CERTIFICATE_KEY_MISSING for a certificate without its key', async () => {
    const tlsDir = join(home.dir, 'tls')
    const leaf = await prepareTls(tlsDir)
    await writeProfile('acme', {microsoft: {tenantId: 'acme.test', clientId: 'app-id', auth: 'certificate'}})

    const missingKey = await doctor({HCAL_MICROSOFT_CERTIFICATE_KEY: leaf.certPem})
    assert.equal(missingKey.run.code, 1)
    assert.equal(missingKey.byName.get('microsoft.connection')?.status, 'pass')
    const credentials = missingKey.byName.get('microsoft.credentials')
    assert.deepEqual([credentials?.status, credentials?.code], ['fail', 'MICROSOFT_CERTIFICATE_KEY_MISSING'])
    assert.match(credentials?.fix ?? '', /hcal secrets set microsoft\.certificateKey/)

    const ec = await doctor({HCAL_MICROSOFT_CERTIFICATE_KEY: `${leaf.keyPem}\n${leaf.certPem}`})
    assert.equal(ec.byName.get('microsoft.credentials')?.code, 'MICROSOFT_CERTIFICATE_KEY_UNSUPPORTED')
    assert.match(ec.byName.get('microsoft.credentials')?.message ?? '', /EC; Entra ID accepts RSA certificates only/)

    // The live checks go to the profile's endpoints: a closed local port, so nothing leaves this machine.
    await writeProfile('acme', {
      microsoft: {tenantId: 'acme.test', clientId: 'app-id', auth: 'certificate'},
      endpoints: {microsoft: {authorityOrigin: 'https://127.0.0.1:1', graphOrigin: 'https://127.0.0.1:1'}},
    })
    const rsa = await createAppCertificate()
    const bundle = await doctor({HCAL_MICROSOFT_CERTIFICATE_KEY: `${rsa.privateKeyPem}\n${rsa.certificatePem}`})
    assert.equal(bundle.byName.get('microsoft.credentials')?.status, 'pass')
    assert.match(bundle.byName.get('microsoft.credentials')?.message ?? '', /certificate key is readable .*valid until/)
    const token = bundle.byName.get('microsoft.token')
    assert.deepEqual([token?.status, token?.code], ['fail', 'MICROSOFT_UNREACHABLE'])
    assert.match(bundle.byName.get('microsoft.expiry')?.message ?? '', /the certificate valid until/)
  })

  it('fails <id>.connection with CONFIG_INVALID naming the field of a hand-broken section', async () => {
    await writeProfile('acme', {
      exchange: {ewsUrl: 'http://mail.acme.test/EWS/Exchange.asmx', username: 'ACME\\svc', auth: 'basic'},
    })
    const {run, byName} = await doctor({HCAL_EXCHANGE_PASSWORD: 'pw'})
    assert.equal(run.code, 1)
    const connection = byName.get('exchange.connection')
    assert.deepEqual([connection?.status, connection?.code], ['fail', 'CONFIG_INVALID'])
    assert.match(connection?.message ?? '', /exchange\.ewsUrl must be an https URL \(got http:\)/)
    assert.equal(byName.get('exchange.credentials')?.status, 'pass')
    assert.equal(byName.get('config')?.status, 'pass', 'the profile file itself is readable')

    const unset = await doctor({})
    assert.deepEqual(
      [unset.byName.get('exchange.credentials')?.status, unset.byName.get('exchange.credentials')?.code],
      ['fail', 'SECRET_MISSING'],
    )
    assert.match(unset.byName.get('exchange.credentials')?.fix ?? '', /HCAL_EXCHANGE_PASSWORD/)
  })
})

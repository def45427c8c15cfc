import assert from 'node:assert/strict'
import {X509Certificate} from 'node:crypto'
import {readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {runCli, startCli, tempHome} from '../../helpers/cli.js'
import {createAppCertificate} from '../../../src/sandbox/microsoft/directory.js'
import {lookupSecret, withSecretService} from '../../helpers/secret-service.js'
import {answerConsent, type CliSandbox, consentUrlOf, startCliSandbox} from './microsoft-sandbox.js'

interface Check {
  id: string
  status: 'pass' | 'warn' | 'fail' | 'skip'
  message: string
  fix: string | null
  code: string | null
}
interface Result {
  auth: string
  cloud: string
  consent: string
  alreadyConfigured: boolean
  credential: {kind: string; secretName: string; fingerprint: string | null; expiresAt: string | null}
  testMailbox: string | null
  roles: string[]
  checks: Check[]
}
interface Envelope {
  result?: Result
  error?: {code: string; message: string; suggestions: string[]; data?: {checks?: Check[]}}
}
interface Profile {
  microsoft?: {tenantId: string; clientId: string; auth: string; cloud?: string; testMailbox?: string}
  provisioning?: {
    microsoft?: {
      credential: {kind: string; storedAt: string; fingerprint: string | null; expiresAt: string | null}
      lastProof: {passed: string[]; failed: string[]; testMailbox: string | null}
    }
  }
}

describe('hcal provision microsoft (built CLI, sandbox with --credentials-dir)', function () {
  this.timeout(120_000)
  const bus = withSecretService()
  let home: Awaited<ReturnType<typeof tempHome>>
  let sandbox: CliSandbox
  let certificateFile: string
  let secretFile: string
  /** The profile as the sandbox wrote it: endpoints and CA, nothing provisioned. */
  let unprovisioned: Record<string, unknown>

  before(async function () {
    home = await tempHome()
    sandbox = await startCliSandbox(home, bus())
    certificateFile = join(home.dir, 'hcal-app.pem')
    await writeFile(certificateFile, `${sandbox.app.privateKeyPem}\n${sandbox.app.certificatePem}`, {mode: 0o600})
    secretFile = join(home.dir, 'secret.txt')
    await writeFile(secretFile, `${sandbox.app.clientSecret}\n`, {mode: 0o600})
    unprovisioned = JSON.parse(await readFile(profilePath(sandbox.profile), 'utf8')) as Record<string, unknown>
  })
  after(async () => {
    await sandbox?.stop()
    await home?.cleanup()
  })
  afterEach(async () => sandbox.reset())

  const env = () => ({...bus(), ...home.env})
  const profilePath = (name: string) => join(home.dir, 'config', 'profiles', `${name}.json`)
  /** A new profile with the sandbox's endpoints and CA, as an admin starts from. */
  const freshProfile = async (name: string) => {
    await writeFile(profilePath(name), JSON.stringify({...unprovisioned, name}), {mode: 0o600})
    return name
  }
  const app = (name = sandbox.profile) => [
    ...['provision', 'microsoft', '--profile', name],
    ...['--tenant', sandbox.app.tenantId, '--client-id', sandbox.app.clientId],
  ]
  const profile = async (name = sandbox.profile) => JSON.parse(await readFile(profilePath(name), 'utf8')) as Profile
  const run = async (args: string[], input?: string) => {
    const result = await runCli([...args, '--json'], {env: env(), input})
    return {...result, envelope: result.json as Envelope}
  }
  const checksOf = (envelope: Envelope) => envelope.result?.checks ?? envelope.error?.data?.checks ?? []
  const check = (envelope: Envelope, id: string) => checksOf(envelope).find((c) => c.id === id)
  const provisionWithCertificate = () =>
    run([...app(), '--certificate', certificateFile, '--test-user', sandbox.user, '--skip-consent'])

  it('sets up with a certificate: consent caught on localhost, token roles and the test mailbox proven, all recorded', async function () {
    // A tenant where nobody consented yet: only the consent this run asks for makes the token work.
    await sandbox.control('PUT', '/_sandbox/microsoft/consent', {servicePrincipal: false, roles: []})
    const name = await freshProfile('first')
    const cli = startCli(
      [...app(name), '--certificate', certificateFile, '--test-user', sandbox.user, '--no-browser', '--json'],
      {env: env()},
    )
    const url = await consentUrlOf(cli)
    assert.equal(url.origin, sandbox.origin, 'the consent URL uses the profile’s authority override')
    assert.equal(url.pathname, `/${sandbox.app.tenantId}/adminconsent`)
    assert.equal(url.searchParams.get('client_id'), sandbox.app.clientId)
    assert.match(url.searchParams.get('redirect_uri') ?? '', /^http:\/\/localhost:\d+\/hcal\/consent$/)
    const page = await answerConsent(url, sandbox.caPem)
    assert.equal(page.location.searchParams.get('state'), url.searchParams.get('state'))
    assert.equal(page.status, 200)
    assert.match(page.text, /admin consent granted/)

    const done = await cli.exit
    assert.equal(done.code, 0, done.stdout + done.stderr)
    const result = (done.json as Envelope).result as Result
    assert.equal(result.auth, 'certificate')
    assert.equal(result.consent, 'granted')
    assert.equal(result.cloud, 'global')
    assert.equal(result.alreadyConfigured, false)
    assert.deepEqual(result.roles, ['Calendars.ReadWrite', 'MailboxSettings.ReadWrite'])
    assert.deepEqual(
      result.checks.map((c) => [c.id, c.status]),
      [
        ['token', 'pass'],
        ['mailbox', 'pass'],
        ['clock', 'pass'],
        ['expiry', 'pass'],
      ],
    )
    const certificate = new X509Certificate(sandbox.app.certificatePem)
    const thumbprint = certificate.fingerprint256.replace(/:/g, '')
    const notAfter = new Date(certificate.validTo).toISOString()
    assert.deepEqual(result.credential, {
      kind: 'certificate',
      secretName: 'microsoft.certificateKey',
      fingerprint: thumbprint,
      expiresAt: notAfter,
    })

    const saved = await profile(name)
    assert.deepEqual(saved.microsoft, {
      tenantId: sandbox.app.tenantId,
      clientId: sandbox.app.clientId,
      auth: 'certificate',
      testMailbox: sandbox.user,
    })
    const record = saved.provisioning?.microsoft
    assert.deepEqual([record?.credential.fingerprint, record?.credential.expiresAt], [thumbprint, notAfter])
    assert.deepEqual(record?.lastProof.passed, ['token', 'mailbox', 'clock', 'expiry'])
    assert.equal(record?.lastProof.testMailbox, sandbox.user)
    // The key is in the keychain, and nowhere else.
    assert.match(lookupSecret(bus(), `hcal:${name}`, 'microsoft.certificateKey') ?? '', /PRIVATE KEY/)
    const profileText = JSON.stringify(saved)
    const keyBody = sandbox.app.privateKeyPem.split('\n')[1] ?? ''
    assert.ok(keyBody.length > 20)
    for (const text of [profileText, done.stdout, done.stderr]) assert.ok(!text.includes(keyBody), 'the key leaked')
  })

  it('re-run with the same app and certificate says already configured, asks no consent and proves again', async function () {
    assert.equal((await provisionWithCertificate()).code, 0, 'provision')
    const storedAt = (await profile()).provisioning?.microsoft?.credential.storedAt
    const again = await run([...app(), '--certificate', certificateFile, '--no-browser'])
    assert.equal(again.code, 0, again.stderr)
    assert.equal(again.envelope.result?.alreadyConfigured, true)
    assert.equal(again.envelope.result?.consent, 'alreadyGranted')
    assert.doesNotMatch(again.stderr, /adminconsent/)
    assert.equal((await profile()).provisioning?.microsoft?.credential.storedAt, storedAt)
    const human = await runCli([...app(), '--certificate', certificateFile], {env: env()})
    assert.equal(human.code, 0, human.stderr)
    assert.match(human.stderr, /already configured/)
    assert.match(human.stdout, /^token\tpass\ttoken issued/m)
  })

  it('sets up with a client secret from stdin and records its declared expiry; the certificate item goes', async function () {
    assert.equal((await provisionWithCertificate()).code, 0, 'provision')
    const done = await run(
      [...app(), '--client-secret-stdin', '--client-secret-expires', '2027-06-30', '--skip-consent'],
      sandbox.app.clientSecret,
    )
    assert.equal(done.code, 0, done.stdout + done.stderr)
    assert.equal(done.envelope.result?.auth, 'secret')
    assert.equal(done.envelope.result?.consent, 'skipped')
    assert.deepEqual(done.envelope.result?.credential, {
      kind: 'clientSecret',
      secretName: 'microsoft.clientSecret',
      fingerprint: null,
      expiresAt: '2027-06-30T00:00:00.000Z',
    })
    assert.match(check(done.envelope, 'expiry')?.message ?? '', /the client secret valid until 2027-06-30/)
    const saved = await profile()
    assert.equal(saved.microsoft?.auth, 'secret')
    assert.equal(saved.microsoft?.testMailbox, sandbox.user, 'the test mailbox is kept')
    assert.equal(saved.provisioning?.microsoft?.credential.expiresAt, '2027-06-30T00:00:00.000Z')
    assert.equal(lookupSecret(bus(), `hcal:${sandbox.profile}`, 'microsoft.clientSecret'), sandbox.app.clientSecret)
    assert.equal(lookupSecret(bus(), `hcal:${sandbox.profile}`, 'microsoft.certificateKey'), undefined)
    assert.ok(!(done.stdout + done.stderr + JSON.stringify(saved)).includes(sandbox.app.clientSecret))
  })

  it('fails a wrong client secret with exit 4 and MICROSOFT_SECRET_REJECTED, storing nothing', async function () {
    assert.equal((await provisionWithCertificate()).code, 0, 'provision')
    const before = await profile()
    const wrong = join(home.dir, 'wrong-secret.txt')
    await writeFile(wrong, 'abc8Q~not-the-secret-of-this-app-at-all-000', {mode: 0o600})
    const done = await run([...app(), '--client-secret-file', wrong, '--skip-consent'])
    assert.equal(done.code, 4, done.stdout + done.stderr)
    assert.equal(done.envelope.error?.code, 'MICROSOFT_PROOF_FAILED')
    const token = check(done.envelope, 'token')
    assert.deepEqual([token?.status, token?.code], ['fail', 'MICROSOFT_SECRET_REJECTED'])
    assert.match(token?.message ?? '', /AADSTS7000215/)
    assert.match(token?.fix ?? '', /Value \(not its Secret ID\).*Certificates & secrets/)
    assert.deepEqual(await profile(), before)
    assert.equal(lookupSecret(bus(), `hcal:${sandbox.profile}`, 'microsoft.clientSecret'), undefined)
  })

  it('refuses a secret ID pasted for the secret value with exit 2 before any request', async function () {
    const done = await run(
      [...app(), '--client-secret-stdin', '--skip-consent'],
      '0c8a6f47-1f8e-4d8e-9f1a-2b3c4d5e6f70',
    )
    assert.equal(done.code, 2)
    assert.equal(done.envelope.error?.code, 'MICROSOFT_SECRET_IS_ID')
    assert.match(done.envelope.error?.suggestions.join(' ') ?? '', /Value column/)
  })

  it('fails a certificate the app does not know with exit 4 and MICROSOFT_CERTIFICATE_REJECTED naming its thumbprint', async function () {
    const other = await createAppCertificate()
    const file = join(home.dir, 'other.pem')
    await writeFile(file, `${other.privateKeyPem}\n${other.certificatePem}`, {mode: 0o600})
    const done = await run([...app(), '--certificate', file, '--skip-consent'])
    assert.equal(done.code, 4, done.stdout + done.stderr)
    const token = check(done.envelope, 'token')
    assert.equal(token?.code, 'MICROSOFT_CERTIFICATE_REJECTED')
    const thumbprint = new X509Certificate(other.certificatePem).fingerprint256.replace(/:/g, '')
    assert.match(token?.message ?? '', new RegExp(`${thumbprint}.*AADSTS700027`))
    assert.match(token?.fix ?? '', /Upload the certificate .*Certificates & secrets/)
  })

  it('fails without consent (--skip-consent on a tenant that never consented) with exit 4 naming the consent step', async function () {
    await sandbox.control('PUT', '/_sandbox/microsoft/consent', {servicePrincipal: false, roles: []})
    const done = await run([...app(), '--certificate', certificateFile, '--skip-consent'])
    assert.equal(done.code, 4, done.stdout + done.stderr)
    const token = check(done.envelope, 'token')
    assert.equal(token?.code, 'MICROSOFT_CONSENT_MISSING')
    assert.match(token?.message ?? '', /AADSTS7000229/)
    assert.match(token?.fix ?? '', /without --skip-consent.*Grant admin consent/)
  })

  it('refuses an EC certificate with exit 2 before any request: Entra accepts RSA certificates only', async function () {
    const ec = (await import('node:crypto')).generateKeyPairSync('ec', {namedCurve: 'P-256'})
    const file = join(home.dir, 'ec.pem')
    await writeFile(file, ec.privateKey.export({type: 'pkcs8', format: 'pem'}).toString(), {mode: 0o600})
    const done = await run([...app(), '--certificate', file, '--skip-consent'])
    assert.equal(done.code, 2)
    assert.equal(done.envelope.error?.code, 'MICROSOFT_CERTIFICATE_KEY_UNSUPPORTED')
    assert.match(done.envelope.error?.suggestions.join(' ') ?? '', /--certificate a PEM file/)
  })

  it('fails when the admin declines consent with exit 4, AADSTS65004 and who must answer the prompt', async function () {
    await sandbox.control('PUT', '/_sandbox/microsoft/consent', {
      servicePrincipal: false,
      roles: [],
      adminConsentOutcome: 'deny',
    })
    const name = await freshProfile('declined')
    const cli = startCli([...app(name), '--certificate', certificateFile, '--no-browser', '--json'], {env: env()})
    const page = await answerConsent(await consentUrlOf(cli), sandbox.caPem)
    assert.equal(page.location.searchParams.get('error'), 'access_denied')
    assert.equal(page.status, 400)
    const done = await cli.exit
    assert.equal(done.code, 4, done.stdout + done.stderr)
    const error = (done.json as Envelope).error
    assert.equal(error?.code, 'MICROSOFT_CONSENT_DENIED')
    assert.match(error?.message ?? '', /declined the consent prompt/)
    assert.match(error?.suggestions.join(' ') ?? '', /Global Administrator or Privileged Role Administrator/)
    assert.deepEqual(await profile(name), {...unprovisioned, name}, 'nothing is stored without consent')
  })

  it('fails a token missing an app role with exit 4, naming the role and the portal path that adds it', async function () {
    await sandbox.control('PUT', '/_sandbox/microsoft/consent', {roles: ['Calendars.ReadWrite']})
    const done = await run([...app(), '--certificate', certificateFile, '--test-user', sandbox.user, '--skip-consent'])
    assert.equal(done.code, 4, done.stdout + done.stderr)
    const token = check(done.envelope, 'token')
    assert.equal(token?.code, 'MICROSOFT_ROLE_MISSING')
    assert.match(token?.message ?? '', /lacks the application permission MailboxSettings\.ReadWrite/)
    assert.match(
      token?.fix ?? '',
      /Add MailboxSettings\.ReadWrite in Entra admin center > App registrations > \(the app\) > API permissions > Add a permission > Microsoft Graph > Application permissions, then select Grant admin consent/,
    )
    assert.equal(check(done.envelope, 'mailbox')?.status, 'skip')
    // Entra accepted the credential: it is kept, and the record says what is still failing.
    assert.deepEqual((await profile()).provisioning?.microsoft?.lastProof.failed, ['token'])
  })

  it('refuses a national-cloud tenant without --cloud (exit 2) and provisions it with --cloud usgov', async function () {
    await sandbox.control('PUT', '/_sandbox/microsoft/cloud', {cloud: 'usgov'})
    const refused = await run([...app(), '--certificate', certificateFile, '--skip-consent'])
    assert.equal(refused.code, 2, refused.stderr)
    assert.equal(refused.envelope.error?.code, 'MICROSOFT_NATIONAL_CLOUD')
    assert.match(refused.envelope.error?.message ?? '', /Microsoft Cloud for US Government \(L4: GCC High\)/)
    assert.match(refused.envelope.error?.suggestions.join(' ') ?? '', /--cloud usgov/)

    const national = await run([
      ...app(),
      '--certificate',
      certificateFile,
      '--test-user',
      sandbox.user,
      '--cloud',
      'usgov',
      '--skip-consent',
    ])
    assert.equal(national.code, 0, national.stderr)
    assert.equal(national.envelope.result?.cloud, 'usgov')
    assert.equal((await profile()).microsoft?.cloud, 'usgov')

    const wrongCloud = await run([...app(), '--certificate', certificateFile, '--cloud', 'china', '--skip-consent'])
    assert.equal(wrongCloud.code, 2)
    assert.equal(wrongCloud.envelope.error?.code, 'MICROSOFT_CLOUD_MISMATCH')
  })

  it('ignores a consent redirect whose state is not its own: exit 4 MICROSOFT_CONSENT_STATE_MISMATCH', async function () {
    const cli = startCli(
      [...app(await freshProfile('forged')), '--certificate', certificateFile, '--no-browser', '--json'],
      {
        env: env(),
      },
    )
    const page = await answerConsent(await consentUrlOf(cli), sandbox.caPem, (location) => {
      location.searchParams.set('state', 'forged-state-from-another-tab')
      return location
    })
    assert.equal(page.status, 400)
    const done = await cli.exit
    assert.equal(done.code, 4, done.stdout + done.stderr)
    assert.equal((done.json as Envelope).error?.code, 'MICROSOFT_CONSENT_STATE_MISMATCH')
  })

  it('gives up waiting for consent after --consent-timeout with exit 4 MICROSOFT_CONSENT_TIMEOUT', async function () {
    const name = await freshProfile('unanswered')
    const done = await run([...app(name), '--certificate', certificateFile, '--no-browser', '--consent-timeout', '1'])
    assert.equal(done.code, 4, done.stdout + done.stderr)
    assert.equal(done.envelope.error?.code, 'MICROSOFT_CONSENT_TIMEOUT')
    assert.match(done.stderr, /adminconsent\?client_id=/)
    assert.match(done.envelope.error?.suggestions.join(' ') ?? '', /--skip-consent/)
  })

  it('doctor --json passes the microsoft checks when healthy and names microsoft.token once a role is removed', async function () {
    assert.equal((await provisionWithCertificate()).code, 0, 'provision')
    const doctor = async () => {
      const result = await runCli(['doctor', '--json', '--profile', sandbox.profile], {env: env()})
      const envelope = result.json as {result?: {checks: Check[]}; error?: {code: string; data: {checks: Check[]}}}
      const checks = envelope.result?.checks ?? envelope.error?.data.checks ?? []
      return {result, envelope, byId: new Map(checks.map((c) => [c.id, c]))}
    }
    const healthy = await doctor()
    assert.equal(healthy.result.code, 0, healthy.result.stdout)
    const ids = ['microsoft.token', 'microsoft.mailbox', 'microsoft.clock', 'microsoft.expiry']
    assert.deepEqual(
      ids.map((id) => healthy.byId.get(id)?.status),
      ['pass', 'pass', 'pass', 'pass'],
    )
    assert.match(healthy.byId.get('microsoft.expiry')?.message ?? '', /the certificate valid until/)

    await sandbox.control('PUT', '/_sandbox/microsoft/consent', {roles: ['MailboxSettings.ReadWrite']})
    const broken = await doctor()
    assert.equal(broken.result.code, 1)
    assert.equal(broken.envelope.error?.code, 'DOCTOR_FAILED')
    const token = broken.byId.get('microsoft.token')
    assert.deepEqual([token?.status, token?.code], ['fail', 'MICROSOFT_ROLE_MISSING'])
    assert.match(token?.message ?? '', /Calendars\.ReadWrite/)
    assert.deepEqual(
      [...broken.byId.values()].filter((c) => c.status === 'fail').map((c) => c.id),
      ['microsoft.token'],
    )
  })
})

import assert from 'node:assert/strict'
import {mkdir, readdir, readFile, stat, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'

import {Folder, FolderId, Mailbox, WellKnownFolderName} from 'ews-javascript-api'
import {request} from 'undici'

import {createExchangeService} from '../../../src/lib/providers/exchange/client.js'
import {createGoogleClients} from '../../../src/lib/providers/google/client.js'
import {createMicrosoftClients} from '../../../src/lib/providers/microsoft/client.js'
import {runCli, type startCli as StartCli, startCli, tempHome} from '../../helpers/cli.js'
import {accountsUnder, withSecretService} from '../../helpers/secret-service.js'
import {trustingAgent} from '../../helpers/trusted-agent.js'

async function waitForFile(path: string, exit: Promise<unknown>): Promise<string> {
  let exited = false
  void exit.then(() => (exited = true))
  for (let i = 0; i < 200 && !exited; i++) {
    const text = await readFile(path, 'utf8').catch(() => '')
    if (text.endsWith('\n')) return text
    await sleep(100)
  }
  throw new Error(`${path} did not appear`)
}

const modeOf = async (path: string) => (await stat(path)).mode & 0o777
const readJson = async <T>(path: string) => JSON.parse(await readFile(path, 'utf8')) as T

interface Profile {
  caFile: string
  endpoints: {
    google: {tokenUrl: string; rootUrl: string}
    microsoft: {authorityOrigin: string; graphOrigin: string}
    exchange: {autodiscoverUrl: string}
  }
  domains: {domain: string; provider: string}[]
  meetings: {site?: string}
}
interface MicrosoftFile {
  tenantId: string
  clientId: string
  clientSecret: string
  certificatePem: string
  privateKeyPem: string
}
interface ExchangeFile {
  ewsUrl: string
  autodiscoverEmail: string
  username: string
  password: string
}

describe('hcal sandbox start --credentials-dir (built CLI, one sandbox)', function () {
  const bus = withSecretService()
  const controlToken = 'credentials-dir-control-token-0123'
  let home: Awaited<ReturnType<typeof tempHome>>
  let cli: ReturnType<typeof StartCli>
  let dir: string
  let origin: string
  let caPem: string
  let profile: Profile
  let firstUser: {google: string; microsoft: string; exchange: string}

  before(async function () {
    home = await tempHome()
    dir = join(home.dir, 'creds')
    const readyFile = join(home.dir, 'ready.json')
    const args = [
      'sandbox',
      'start',
      '--port',
      '0',
      '--users',
      '3',
      '--events',
      '1',
      '--rooms',
      '0',
      '--profile',
      'lab',
    ]
    cli = startCli([...args, '--credentials-dir', dir, '--ready-file', readyFile, '--json'], {
      env: {...bus(), ...home.env, HCAL_SANDBOX_CONTROL_TOKEN: controlToken},
    })
    const ready = JSON.parse(await waitForFile(readyFile, cli.exit)) as {origin: string; caFile: string}
    origin = ready.origin
    caPem = await readFile(ready.caFile, 'utf8')
    profile = await readJson<Profile>(join(home.dir, 'config', 'profiles', 'lab.json'))
    const agent = trustingAgent(caPem)
    const seed = await request(`${origin}/_sandbox/seed`, {
      dispatcher: agent,
      headers: {authorization: `Bearer ${controlToken}`},
    })
    const {providers} = (await seed.body.json()) as {providers: Record<string, {users: {email: string}[]}>}
    await agent.close()
    const first = (id: string) => providers[id]?.users[0]?.email ?? `no ${id} user`
    firstUser = {google: first('google'), microsoft: first('microsoft'), exchange: first('exchange')}
  })

  after(async function () {
    // The last-but-one test stops the sandbox; this only matters when an earlier test failed first.
    cli.signal('SIGINT')
    await cli.exit
    await home.cleanup()
  })

  it('creates DIR with mode 0700 holding the three files, each 0600', async function () {
    assert.equal(await modeOf(dir), 0o700)
    const files = (await readdir(dir)).sort()
    assert.deepEqual(files, ['exchange.json', 'google-service-account.json', 'microsoft.json'])
    for (const name of files) assert.equal(await modeOf(join(dir, name)), 0o600, name)
  })

  it('gives the Google key as the Cloud console does; it gets a delegated token for a seeded user', async function () {
    const key = await readJson<Record<string, string>>(join(dir, 'google-service-account.json'))
    for (const field of ['project_id', 'private_key_id', 'client_email', 'client_id', 'auth_uri']) {
      assert.equal(typeof key[field], 'string', field)
      assert.ok(key[field], `${field} is empty`)
    }
    assert.equal(key.type, 'service_account')
    assert.match(key.private_key ?? '', /^-----BEGIN PRIVATE KEY-----/)
    assert.equal(key.token_uri, profile.endpoints.google.tokenUrl)
    const clients = createGoogleClients({
      serviceAccountJson: JSON.stringify(key),
      subject: firstUser.google,
      scopes: ['https://www.googleapis.com/auth/calendar'],
      tokenUrl: profile.endpoints.google.tokenUrl,
      rootUrl: profile.endpoints.google.rootUrl,
      caPem,
    })
    const token = await clients.auth.getAccessToken()
    assert.ok((token.token ?? '').length > 16)
    const events = await clients.calendar.events.list({calendarId: firstUser.google})
    assert.equal(events.status, 200)
    assert.ok(Array.isArray(events.data.items))
  })

  for (const mode of ['secret', 'certificate'] as const) {
    it(`gives the Microsoft app registration; its ${mode} gets a client-credentials token`, async function () {
      const app = await readJson<MicrosoftFile>(join(dir, 'microsoft.json'))
      assert.deepEqual(Object.keys(app).sort(), [
        'certificatePem',
        'clientId',
        'clientSecret',
        'privateKeyPem',
        'tenantId',
      ])
      assert.match(app.certificatePem, /^-----BEGIN CERTIFICATE-----/)
      const clients = createMicrosoftClients({
        tenantId: app.tenantId,
        clientId: app.clientId,
        ...(mode === 'secret'
          ? {clientSecret: app.clientSecret}
          : {certificate: {privateKeyPem: app.privateKeyPem, certificatePem: app.certificatePem}}),
        authorityOrigin: profile.endpoints.microsoft.authorityOrigin,
        graphOrigin: profile.endpoints.microsoft.graphOrigin,
        caPem,
      })
      try {
        const token = await clients.getToken()
        const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {appid?: string}
        assert.equal(claims.appid, app.clientId)
      } finally {
        await clients.close()
      }
    })
  }

  it('gives the Exchange service account; it reads a seeded calendar through EWS', async function () {
    const account = await readJson<ExchangeFile>(join(dir, 'exchange.json'))
    assert.deepEqual(Object.keys(account).sort(), ['autodiscoverEmail', 'ewsUrl', 'password', 'username'])
    assert.equal(new URL(account.ewsUrl).origin, new URL(profile.endpoints.exchange.autodiscoverUrl).origin)
    assert.equal(account.autodiscoverEmail, firstUser.exchange)
    const service = createExchangeService({
      ewsUrl: account.ewsUrl,
      username: account.username,
      password: account.password,
      auth: 'basic',
      caPem,
      impersonate: firstUser.exchange,
    })
    const folder = await Folder.Bind(
      service,
      new FolderId(WellKnownFolderName.Calendar, new Mailbox(firstUser.exchange)),
    )
    assert.equal(folder.DisplayName, 'Calendar')
  })

  it('keeps every secret out of the profile and the keychain, and reports the files when stopped', async function () {
    const sections = profile as unknown as Record<string, unknown>
    assert.deepEqual([sections.google, sections.microsoft, sections.exchange], [undefined, undefined, undefined])
    assert.deepEqual(Object.keys(profile.endpoints.google).sort(), ['rootUrl', 'tokenUrl'])
    assert.deepEqual(Object.keys(profile.endpoints.microsoft).sort(), ['authorityOrigin', 'graphOrigin'])
    assert.deepEqual(Object.keys(profile.endpoints.exchange), ['autodiscoverUrl'])
    assert.deepEqual(
      profile.domains.map((d) => d.provider),
      ['google', 'microsoft', 'exchange'],
      'the sandbox domains are listed as verified',
    )
    assert.equal(profile.meetings.site, 'acme', 'keyword meetings have a Webex site')
    const profileText = await readFile(join(home.dir, 'config', 'profiles', 'lab.json'), 'utf8')
    const key = await readJson<{private_key: string}>(join(dir, 'google-service-account.json'))
    const app = await readJson<MicrosoftFile>(join(dir, 'microsoft.json'))
    const account = await readJson<ExchangeFile>(join(dir, 'exchange.json'))
    for (const secret of [key.private_key, app.clientSecret, app.privateKeyPem, account.password]) {
      assert.ok(!profileText.includes(secret), 'a secret was written to the profile')
    }
    assert.deepEqual(accountsUnder(bus(), 'hcal:lab'), [])

    cli.signal('SIGINT')
    assert.equal((await cli.exit).code, 0, cli.stderr())
    const {result} = JSON.parse(cli.stdout()) as {result: {credentialsDir: string; credentialFiles: string[]}}
    assert.equal(result.credentialsDir, dir)
    assert.deepEqual(result.credentialFiles, ['google-service-account.json', 'microsoft.json', 'exchange.json'])
    for (const secret of [key.private_key, app.clientSecret, account.password]) {
      assert.ok(!(cli.stdout() + cli.stderr()).includes(secret), 'a secret was printed')
    }
  })

  it('refuses a DIR that is not empty, or holds a group-readable file, with a usage error before starting', async function () {
    const full = join(home.dir, 'full')
    await mkdir(full)
    await writeFile(join(full, 'notes.txt'), 'x', {mode: 0o600})
    const shared = join(home.dir, 'shared')
    await mkdir(shared)
    await writeFile(join(shared, 'key.pem'), 'x', {mode: 0o640})
    for (const [path, reason] of [
      [full, /is not empty/],
      [shared, /group- or world-readable files \(key\.pem\)/],
    ] as const) {
      const refused = await runCli(['sandbox', 'start', '--port', '0', '--credentials-dir', path, '--json'], {
        env: home.env,
      })
      assert.equal(refused.code, 2)
      const error = (refused.json as {error: {code: string; message: string}}).error
      assert.equal(error.code, 'SANDBOX_CREDENTIALS_DIR_UNUSABLE')
      assert.match(error.message, reason)
    }
  })
})

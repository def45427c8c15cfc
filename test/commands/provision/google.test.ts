import assert from 'node:assert/strict'
import {mkdir, readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {accountsUnder, withSecretService} from '../../helpers/secret-service.js'
import {check, type GoogleLab, readProfile, SCOPES, startGoogleLab} from './google-helpers.js'

const SCOPE_LIST = SCOPES.join(',')
const CHECK_IDS = ['clock', 'scope:calendar', 'scope:gmail.settings.basic', 'calendar-settings', 'gmail-vacation']

describe('hcal provision google (built CLI, sandbox credentials dir)', function () {
  const bus = withSecretService()
  let lab: GoogleLab
  let alice: string
  let bob: string

  before(async function () {
    lab = await startGoogleLab(bus)
    ;[alice = '', bob = ''] = lab.users
  })
  after(async () => lab.stop())
  afterEach(async () => lab.reset())

  it('stores the key, records the connection, prints what to authorise, and proves every scope for the test user', async function () {
    const profile = await lab.profile('good')
    const run = await lab.provision(['--key-file', lab.keyFile, '--test-user', alice, '--profile', profile, '--json'])
    assert.equal(run.code, 0, run.stdout + run.stderr)
    const result = run.envelope.result
    const key = JSON.parse(await readFile(lab.keyFile, 'utf8')) as Record<string, string>
    assert.equal(result?.clientId, key.client_id)
    assert.equal(result?.clientEmail, key.client_email)
    assert.equal(result?.domain, lab.domain, 'the domain comes from the profile (its verified Google domain)')
    assert.equal(result?.key, 'stored')
    assert.equal(result?.alreadyConfigured, false)
    assert.deepEqual(result?.delegation, {
      clientId: key.client_id,
      scopes: SCOPE_LIST,
      consolePath: 'Admin console > Security > Access and data control > API controls > Domain-wide delegation',
      deepLink: `https://admin.google.com/ac/owl/domainwidedelegation?clientScopeToAdd=${SCOPE_LIST}&clientIdToAdd=${key.client_id}&overwriteClientId=true`,
    })
    assert.deepEqual(
      result?.checks.map((entry) => [entry.id, entry.status]),
      CHECK_IDS.map((id) => [id, 'pass']),
    )
    assert.match(check(result?.checks, 'gmail-vacation').message, new RegExp(`${alice}'s vacation responder`))

    const written = await readProfile(lab, profile)
    assert.deepEqual(written.google, {
      clientId: key.client_id,
      clientEmail: key.client_email,
      domain: lab.domain,
      testUser: alice,
    })
    assert.ok(written.endpoints?.google?.tokenUrl?.startsWith('https://127.0.0.1:'), 'endpoint overrides are kept')
    assert.equal(written.provisioning?.google?.credential.fingerprint, key.private_key_id)
    assert.deepEqual(written.provisioning?.google?.lastProof?.passed, CHECK_IDS)
    assert.deepEqual(accountsUnder(bus(), `hcal:${profile}`), ['google.serviceAccountKey'])
    const profileText = await readFile(`${lab.home.dir}/config/profiles/${profile}.json`, 'utf8')
    for (const text of [run.stdout, run.stderr, profileText])
      assert.ok(!text.includes('PRIVATE KEY'), 'key material leaked')
  })

  it('says "already configured" (exit 0) for the same key, still proving the test user; a different key replaces it and says so', async function () {
    const profile = await lab.profile('rerun')
    assert.equal((await lab.provision(['--key-file', lab.keyFile, '--test-user', alice, '--profile', profile])).code, 0)

    const again = await lab.provision(['--key-file', lab.keyFile, '--test-user', alice, '--profile', profile])
    assert.equal(again.code, 0, again.stderr)
    assert.match(again.stderr, /already configured in profile "rerun"/)
    assert.match(again.stderr, /keychain already holds this service-account key/)
    assert.match(again.stdout, /^scope:calendar\tpass\t/m, 'the proof ran again')

    const created = (await lab.control('POST', 'service-account/keys')) as {keyId: string; keyFile: unknown}
    const replaced = await lab.provision(
      ['--key-stdin', '--profile', profile, '--json'],
      {},
      JSON.stringify(created.keyFile),
    )
    assert.equal(replaced.code, 0, replaced.stdout)
    assert.equal(replaced.envelope.result?.key, 'replaced')
    assert.equal(replaced.envelope.result?.alreadyConfigured, false)
    assert.deepEqual(replaced.envelope.result?.checks, [], 'no proof without --test-user')
    const written = await readProfile(lab, profile)
    assert.equal(written.provisioning?.google?.credential.fingerprint, created.keyId)
    assert.equal(written.google?.testUser, alice, 'the test user is kept for doctor')

    const human = await lab.provision(['--key-file', lab.keyFile, '--profile', profile])
    assert.equal(human.code, 0)
    assert.match(human.stderr, /Replaced the stored service-account key with this one \(a different key\)/)
  })

  it('fails (exit 4, GOOGLE_DELEGATION_MISSING) when the client has no delegation, naming the client ID, the scopes and the 24 h delay', async function () {
    await lab.control('PUT', 'delegation', {scopes: []})
    const run = await lab.prove(alice, 'nodwd')
    assert.equal(run.code, 4, run.stdout)
    const error = run.envelope.error
    assert.equal(error?.code, 'GOOGLE_DELEGATION_MISSING')
    const checks = error?.data?.checks
    assert.deepEqual(
      checks?.map((entry) => [entry.id, entry.status, entry.code]),
      [
        ['clock', 'pass', null],
        ['scope:calendar', 'fail', 'GOOGLE_DELEGATION_MISSING'],
        ['scope:gmail.settings.basic', 'fail', 'GOOGLE_DELEGATION_MISSING'],
        ['calendar-settings', 'skip', null],
        ['gmail-vacation', 'skip', null],
      ],
    )
    const fixes = (error?.suggestions ?? []).join('\n')
    const clientId = (JSON.parse(await readFile(lab.keyFile, 'utf8')) as {client_id: string}).client_id
    assert.match(fixes, new RegExp(`client ID ${clientId} with exactly ${SCOPE_LIST}`))
    assert.match(fixes, /up to 24 hours/)
    assert.match(fixes, /domainwidedelegation\?clientScopeToAdd=/)
  })

  it('fails (exit 4, GOOGLE_SCOPE_NOT_GRANTED) when the grant lacks one scope, telling to paste the whole list', async function () {
    await lab.control('PUT', 'delegation', {scopes: [SCOPES[0]]})
    const run = await lab.prove(alice, 'partial')
    assert.equal(run.code, 4, run.stdout)
    assert.equal(run.envelope.error?.code, 'GOOGLE_SCOPE_NOT_GRANTED')
    const checks = run.envelope.error?.data?.checks
    assert.equal(check(checks, 'scope:calendar').status, 'pass')
    assert.equal(check(checks, 'calendar-settings').status, 'pass')
    const missing = check(checks, 'scope:gmail.settings.basic')
    assert.deepEqual([missing.status, missing.code], ['fail', 'GOOGLE_SCOPE_NOT_GRANTED'])
    assert.match(missing.message, /grant of client ID \d+ lacks this scope/)
    assert.match(missing.fix ?? '', new RegExp(`the whole list ${SCOPE_LIST} \\(the console replaces the list`))
    assert.equal(check(checks, 'gmail-vacation').status, 'skip')
  })

  it('fails (exit 4, GOOGLE_USER_UNKNOWN) for a suspended test user and for an unknown one, saying which to use', async function () {
    await lab.control('PUT', `users/${bob}/account`, {suspended: true})
    for (const user of [bob, `nobody@${lab.domain}`]) {
      const run = await lab.prove(user, 'who')
      assert.equal(run.code, 4, run.stdout)
      assert.equal(run.envelope.error?.code, 'GOOGLE_USER_UNKNOWN', user)
      assert.match(
        check(run.envelope.error?.data?.checks, 'scope:calendar').message,
        new RegExp(`does not know the user ${user}, or the user is suspended`),
      )
      assert.match(
        (run.envelope.error?.suggestions ?? []).join(' '),
        /active user .* restore them if they are suspended/,
      )
    }
  })

  it('fails (exit 4, GOOGLE_API_DISABLED) when the Calendar API is off for the project, naming its Enable page', async function () {
    await lab.control('PUT', 'project/apis', {calendar: false})
    const run = await lab.prove(alice, 'api')
    assert.equal(run.code, 4, run.stdout)
    assert.equal(run.envelope.error?.code, 'GOOGLE_API_DISABLED')
    const calendar = check(run.envelope.error?.data?.checks, 'calendar-settings')
    assert.match(calendar.message, /Google Calendar API is not enabled for the service account's Cloud project/)
    assert.match(
      calendar.fix ?? '',
      /Enable it at https:\/\/console\.developers\.google\.com\/apis\/api\/calendar-json\.googleapis\.com\/overview\?project=\d+/,
    )
    assert.equal(check(run.envelope.error?.data?.checks, 'gmail-vacation').status, 'pass')
  })

  it('fails (exit 4, GOOGLE_SERVICE_OFF) when Gmail is turned off for the test user', async function () {
    await lab.control('PUT', `users/${alice}/account`, {services: {gmail: false}})
    const run = await lab.prove(alice, 'ou')
    assert.equal(run.code, 4, run.stdout)
    assert.equal(run.envelope.error?.code, 'GOOGLE_SERVICE_OFF')
    assert.match(
      check(run.envelope.error?.data?.checks, 'gmail-vacation').fix ?? '',
      /Turn Gmail on for .*organisational unit/,
    )
  })

  it('fails (exit 4, GOOGLE_KEY_REVOKED) once the stored key is deleted in the Cloud console, asking for a new key', async function () {
    const created = (await lab.control('POST', 'service-account/keys')) as {keyId: string; keyFile: unknown}
    const profile = await lab.profile('revoked')
    const keyJson = JSON.stringify(created.keyFile)
    assert.equal(
      (await lab.provision(['--key-stdin', '--test-user', alice, '--profile', profile], {}, keyJson)).code,
      0,
    )
    await lab.control('DELETE', `service-account/keys/${created.keyId}`)
    const run = await lab.provision(['--key-stdin', '--test-user', alice, '--profile', profile, '--json'], {}, keyJson)
    assert.equal(run.code, 4, run.stdout)
    assert.equal(run.envelope.error?.code, 'GOOGLE_KEY_REVOKED')
    assert.match(check(run.envelope.error?.data?.checks, 'scope:calendar').message, /deleted or disabled/)
    assert.match((run.envelope.error?.suggestions ?? []).join(' '), /Create a new JSON key/)
  })

  it("fails on this machine's clock: exit 4 past 5 minutes off Google's (CLOCK_SKEW first), a warning past one minute", async function () {
    await lab.control('PUT', 'clock', {offsetSeconds: -600})
    const refused = await lab.prove(alice, 'clock')
    assert.equal(refused.code, 4, refused.stdout)
    assert.equal(refused.envelope.error?.code, 'CLOCK_SKEW')
    const clock = check(refused.envelope.error?.data?.checks, 'clock')
    assert.match(clock.message, /this machine's clock is (59\d|60\d) s ahead of Google/)
    assert.match(clock.fix ?? '', /NTP/)
    assert.equal(check(refused.envelope.error?.data?.checks, 'scope:calendar').code, 'GOOGLE_CLOCK_SKEW')

    await lab.control('PUT', 'clock', {offsetSeconds: 120})
    const warned = await lab.prove(alice, 'clock')
    assert.equal(warned.code, 0, warned.stdout)
    assert.deepEqual(
      [
        check(warned.envelope.result?.checks, 'clock').status,
        check(warned.envelope.result?.checks, 'scope:calendar').status,
      ],
      ['warn', 'pass'],
    )
  })

  it('refuses a pasted OAuth client JSON and malformed keys (exit 4, GOOGLE_KEY_INVALID naming the field), storing nothing', async function () {
    const key = JSON.parse(await readFile(lab.keyFile, 'utf8')) as Record<string, string>
    const cases: [string, string, RegExp][] = [
      [
        JSON.stringify({installed: {client_id: 'x.apps.googleusercontent.com', client_secret: 's'}}),
        'installed',
        /OAuth client file, not a service-account key/,
      ],
      [JSON.stringify({...key, client_email: undefined}), 'client_email', /has no client_email/],
      [
        JSON.stringify({...key, private_key: '-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n'}),
        'private_key',
        /not a readable PEM private key/,
      ],
      [JSON.stringify({...key, client_id: undefined}), 'client_id', /has no client_id/],
      ['{"type": "service_account", ', '', /is not JSON/],
    ]
    const profile = await lab.profile('badkey')
    for (const [input, field, message] of cases) {
      const run = await lab.provision(
        ['--key-stdin', '--domain', lab.domain, '--profile', profile, '--json'],
        {},
        input,
      )
      assert.equal(run.code, 4, `${field}: ${run.stdout}`)
      assert.equal(run.envelope.error?.code, 'GOOGLE_KEY_INVALID')
      assert.match(run.envelope.error?.message ?? '', message)
      assert.equal(run.envelope.error?.data?.field ?? '', field)
      assert.match(
        (run.envelope.error?.suggestions ?? []).join(' '),
        /Cloud console > IAM & Admin > Service accounts > Keys/,
      )
    }
    assert.deepEqual(accountsUnder(bus(), `hcal:${profile}`), [])
    assert.equal((await readProfile(lab, profile)).google, undefined)
  })

  it('needs the key (exit 2 naming --key-file / --key-stdin), a test user that is an address, and --domain when nothing tells the domain', async function () {
    const profile = await lab.profile('usage')
    const noKey = await lab.provision(['--profile', profile, '--json'])
    assert.equal(noKey.code, 2)
    assert.equal(noKey.envelope.error?.code, 'MISSING_FLAG')
    assert.match(noKey.envelope.error?.message ?? '', /--key-file PATH or --key-stdin/)

    const badUser = await lab.provision([
      '--key-file',
      lab.keyFile,
      '--test-user',
      'alice',
      '--profile',
      profile,
      '--json',
    ])
    assert.equal(badUser.code, 2)
    assert.equal(badUser.envelope.error?.code, 'TEST_USER_INVALID')
    assert.deepEqual(accountsUnder(bus(), `hcal:${profile}`), [], 'nothing stored before the input is checked')

    const bare = await lab.provision(['--key-file', lab.keyFile, '--profile', 'bare', '--json'])
    assert.equal(bare.code, 2)
    assert.match(bare.envelope.error?.message ?? '', /pass --domain/)
  })

  it('--copy says plainly when there is no clipboard and still succeeds; with one, it holds the deep link', async function () {
    const profile = await lab.profile('copy')
    const none = await lab.provision(['--key-file', lab.keyFile, '--copy', '--profile', profile, '--json'], {
      DISPLAY: '',
      WAYLAND_DISPLAY: '',
    })
    assert.equal(none.code, 0, none.stdout)
    assert.equal(none.envelope.result?.copied, false)
    assert.deepEqual(none.envelope.warnings, [
      'Not copied: this session has no clipboard (no display). Copy the link above by hand.',
    ])

    // A Wayland session's clipboard tool, standing in for the real one: it keeps what it is given.
    const bin = join(lab.home.dir, 'bin')
    const clipboard = join(lab.home.dir, 'clipboard.txt')
    await mkdir(bin, {recursive: true})
    await writeFile(join(bin, 'wl-copy'), `#!/bin/sh\ncat > '${clipboard}'\n`, {mode: 0o755})
    const copied = await lab.provision(['--key-file', lab.keyFile, '--copy', '--profile', profile], {
      WAYLAND_DISPLAY: 'wayland-0',
      PATH: `${bin}:${process.env.PATH ?? ''}`,
    })
    assert.equal(copied.code, 0, copied.stderr)
    assert.match(copied.stderr, /Copied the deep link to the clipboard \(wl-copy\)/)
    const clientId = (JSON.parse(await readFile(lab.keyFile, 'utf8')) as {client_id: string}).client_id
    assert.equal(
      await readFile(clipboard, 'utf8'),
      `https://admin.google.com/ac/owl/domainwidedelegation?clientScopeToAdd=${SCOPE_LIST}&clientIdToAdd=${clientId}&overwriteClientId=true`,
    )
  })
})

import assert from 'node:assert/strict'
import {readFile} from 'node:fs/promises'

import {startPlainHttpBridge} from '../../helpers/plain-http-bridge.js'
import {lookupSecret} from '../../helpers/secret-service.js'
import {checkOf, checksOf, withExchangeLab} from './exchange-lab.js'

interface ProvisionJson {
  result: {
    state: string
    changes: string[]
    ewsUrl: string
    ewsUrlFrom: string
    testMailbox: string | null
    server: {build: string; product: string | null} | null
    passwordStoredAt: string
  }
  warnings: string[]
}
interface ErrorJson {
  error: {code: string; message: string; suggestions: string[]}
}

const ALL = ['tls', 'credentials', 'convert-id', 'server-version', 'impersonation']

describe('hcal provision exchange (built CLI against the sandbox, --credentials-dir)', function () {
  this.timeout(120_000)
  const lab = withExchangeLab()
  const impersonation = (body: {enabled: boolean; scope?: string[] | null}) =>
    lab().control('PUT', '/_sandbox/exchange/impersonation', body)

  it('configures with --ews-url: every check passes, the password goes to the keychain only, the record is written', async function () {
    const l = lab()
    const user = l.users[0] ?? ''
    const run = await l.provision(l.viaEwsUrl('--test-user', user))
    assert.equal(run.code, 0, run.stdout + run.stderr)
    assert.deepEqual(
      checksOf(run).map((c) => [c.id, c.status]),
      ALL.map((id) => [id, 'pass']),
    )
    assert.match(checkOf(run, 'server-version').message, /^Exchange Server SE \(15\.2\.2562\.17\), supported$/)
    assert.match(checkOf(run, 'impersonation').message, new RegExp(`impersonates ${user}`))
    const {result} = run.json as ProvisionJson
    assert.equal(result.state, 'configured')
    const profile = (await l.readProfile()) as {
      exchange: Record<string, unknown>
      provisioning: {
        exchange: {credential: {kind: string; storedAt: string}; lastProof: {passed: string[]; testMailbox: string}}
      }
    }
    assert.deepEqual(profile.exchange, {
      ewsUrl: l.account.ewsUrl,
      username: l.account.username,
      auth: 'basic',
      testMailbox: user,
    })
    assert.equal(profile.provisioning.exchange.credential.kind, 'password')
    assert.equal(profile.provisioning.exchange.credential.storedAt, result.passwordStoredAt)
    assert.deepEqual(profile.provisioning.exchange.lastProof.passed, ALL)
    assert.equal(profile.provisioning.exchange.lastProof.testMailbox, user)
    assert.equal(lookupSecret(l.env, `hcal:${l.profile}`, 'exchange.password'), l.account.password)
    const text = await readFile(`${l.home}/config/profiles/${l.profile}.json`, 'utf8')
    assert.ok(!text.includes(l.account.password), 'the password is in the profile')
    assert.ok(!(run.stdout + run.stderr).includes(l.account.password), 'the password was printed')
  })

  it('says "already configured" on a re-run with the same settings and password, and applies and reports a change', async function () {
    const l = lab()
    const before = ((await l.readProfile()) as {provisioning: {exchange: {credential: {storedAt: string}}}})
      .provisioning
    const same = await l.provision(l.viaEwsUrl())
    assert.equal(same.code, 0, same.stdout + same.stderr)
    assert.equal((same.json as ProvisionJson).result.state, 'unchanged')
    assert.deepEqual((same.json as ProvisionJson).result.changes, [])
    const human = await l.run([
      'provision',
      'exchange',
      '--profile',
      l.profile,
      '--ews-url',
      l.account.ewsUrl,
      '--username',
      l.account.username,
      '--password-file',
      l.passwordFile,
    ])
    assert.equal(human.code, 0, human.stderr)
    assert.match(human.stderr, /Already configured: .* nothing changed\./)

    const ntlm = await l.provision([
      '--ews-url',
      l.account.ewsUrl,
      '--username',
      l.account.username,
      '--auth',
      'ntlm',
      '--password-file',
      l.passwordFile,
    ])
    assert.equal(ntlm.code, 0, ntlm.stdout + ntlm.stderr)
    assert.equal((ntlm.json as ProvisionJson).result.state, 'updated')
    assert.deepEqual((ntlm.json as ProvisionJson).result.changes, ['auth'])
    assert.equal(checkOf(ntlm, 'credentials').message, `${l.account.username} signed in (ntlm)`)
    const after = ((await l.readProfile()) as {provisioning: {exchange: {credential: {storedAt: string}}}}).provisioning
    // The password did not change, so neither did the date it was stored.
    assert.equal(after.exchange.credential.storedAt, before.exchange.credential.storedAt)
  })

  it("finds EWS with --autodiscover (the profile's autodiscoverUrl) and proves impersonation of that mailbox", async function () {
    const l = lab()
    const user = l.users[1] ?? ''
    const run = await l.provision(['--autodiscover', user, '--username', l.account.username, '--password-stdin'])
    assert.equal(run.code, 0, run.stdout + run.stderr)
    assert.deepEqual(
      checksOf(run).map((c) => [c.id, c.status]),
      ['autodiscover', ...ALL].map((id) => [id, 'pass']),
    )
    assert.match(
      checkOf(run, 'autodiscover').message,
      new RegExp(`gave ${l.account.ewsUrl.replace(/[.]/g, '\\.')} for ${user}`),
    )
    const {result} = run.json as ProvisionJson
    assert.equal(result.ewsUrlFrom, 'autodiscover')
    assert.equal(result.ewsUrl, l.account.ewsUrl)
    assert.equal(result.testMailbox, user)
    assert.deepEqual(result.changes, ['testMailbox'])
  })

  it('fails with exit 4 on a wrong password, naming the user name, password and --auth; nothing is saved', async function () {
    const l = lab()
    const run = await l.provision(l.viaEwsUrl('--ca-file', l.caFile, '--test-user', l.users[0] ?? ''), {
      profile: 'wrongpw',
      password: `${l.account.password}x`,
    })
    assert.equal(run.code, 4, run.stdout + run.stderr)
    assert.equal((run.json as ErrorJson).error.code, 'EXCHANGE_PROVISIONING_FAILED')
    const credentials = checkOf(run, 'credentials')
    assert.equal(credentials.status, 'fail')
    assert.equal(credentials.code, 'EXCHANGE_AUTH_FAILED')
    assert.match(credentials.message, /HTTP 401/)
    assert.match(credentials.fix ?? '', /user name .*password.*--auth/)
    assert.deepEqual(
      checksOf(run).map((c) => c.status),
      ['pass', 'fail', 'skip', 'skip', 'skip'],
    )
    assert.equal(await l.readProfile('wrongpw'), undefined)
    assert.equal(lookupSecret(l.env, 'hcal:wrongpw', 'exchange.password'), undefined)
  })

  it('answers a missing ApplicationImpersonation right with the exact New-ManagementRoleAssignment command (exit 4)', async function () {
    const l = lab()
    const args = l.viaEwsUrl('--test-user', l.users[0] ?? '')
    await impersonation({enabled: false})
    try {
      const run = await l.provision(args)
      assert.equal(run.code, 4, run.stdout + run.stderr)
      const check = checkOf(run, 'impersonation')
      assert.equal(check.code, 'EXCHANGE_IMPERSONATION_DENIED')
      assert.match(check.message, /ErrorImpersonateUserDenied/)
      const command = `New-ManagementRoleAssignment -Name "hcal-impersonation" -Role ApplicationImpersonation -User "${l.account.username}"`
      assert.ok(check.fix?.includes(`${command} (`), check.fix ?? '')
      assert.ok((run.json as ErrorJson).error.suggestions.includes(check.fix ?? ''))

      const scoped = await l.provision([...args, '--management-scope', 'hcal mailboxes'])
      assert.equal(scoped.code, 4)
      assert.ok(
        checkOf(scoped, 'impersonation').fix?.includes(
          `New-ManagementRoleAssignment -Name "hcal-impersonation-hcal-mailboxes" -Role ApplicationImpersonation -User "${l.account.username}" -CustomRecipientWriteScope "hcal mailboxes"`,
        ),
      )
    } finally {
      await impersonation({enabled: true, scope: null})
    }
  })

  it('explains a test mailbox outside the management scope (exit 4) and passes for one inside it', async function () {
    const l = lab()
    const inside = l.users[2] ?? ''
    const args = l.viaEwsUrl('--management-scope', 'hcal mailboxes', '--ca-file', l.caFile)
    await impersonation({enabled: true, scope: [inside]})
    try {
      const outside = await l.provision([...args, '--test-user', l.users[3] ?? ''], {profile: 'scoped'})
      assert.equal(outside.code, 4, outside.stdout + outside.stderr)
      const check = checkOf(outside, 'impersonation')
      assert.equal(check.code, 'EXCHANGE_IMPERSONATION_OUT_OF_SCOPE')
      assert.match(check.message, /outside management scope "hcal mailboxes"/)
      assert.match(
        check.fix ?? '',
        /Get-ManagementScope "hcal mailboxes" \| Format-List Name,RecipientRestrictionFilter/,
      )
      const ok = await l.provision([...args, '--test-user', inside], {profile: 'scoped'})
      assert.equal(ok.code, 0, ok.stdout + ok.stderr)
      assert.equal(
        ((await l.readProfile('scoped')) as {exchange: {managementScope: string}}).exchange.managementScope,
        'hcal mailboxes',
      )
    } finally {
      await impersonation({enabled: true, scope: null})
    }
  })

  it('refuses an http EWS URL without --allow-insecure-http: usage error naming the flag (exit 2), before any password', async function () {
    const l = lab()
    const run = await l.run([
      'provision',
      'exchange',
      '--profile',
      l.profile,
      '--ews-url',
      l.account.ewsUrl.replace('https:', 'http:'),
      '--username',
      l.account.username,
      '--json',
    ])
    assert.equal(run.code, 2, run.stdout + run.stderr)
    const {error} = run.json as ErrorJson
    assert.equal(error.code, 'EXCHANGE_URL_INSECURE')
    assert.match(error.message, /plain http/)
    assert.ok(error.suggestions.some((s) => s.includes('--allow-insecure-http')))
  })

  it('accepts a plain-http EWS endpoint with --allow-insecure-http, warning that the password crosses unencrypted', async function () {
    const l = lab()
    const bridge = await startPlainHttpBridge(new URL(l.account.ewsUrl).origin, l.caPem)
    try {
      const ewsUrl = `${bridge.origin}/EWS/Exchange.asmx`
      const args = [
        '--ews-url',
        ewsUrl,
        '--username',
        l.account.username,
        '--password-stdin',
        '--test-user',
        l.users[0] ?? '',
      ]
      for (const auth of ['basic', 'ntlm']) {
        const run = await l.provision([...args, '--auth', auth, '--allow-insecure-http'], {profile: 'plain'})
        assert.equal(run.code, 0, run.stdout + run.stderr)
        const tls = checkOf(run, 'tls')
        assert.equal(tls.status, 'warn')
        assert.equal(tls.code, 'EXCHANGE_INSECURE_HTTP')
        assert.match(tls.fix ?? '', /Require SSL/)
        assert.equal(checkOf(run, 'impersonation').status, 'pass')
        assert.ok((run.json as ProvisionJson).warnings.some((w) => w.includes('crosses the network unencrypted')))
      }
      const profile = (await l.readProfile('plain')) as {exchange: Record<string, unknown>}
      assert.equal(profile.exchange.ewsUrl, ewsUrl)
      assert.equal(profile.exchange.allowInsecureHttp, true)
    } finally {
      await bridge.close()
    }
  })

  it('fails TLS against a private CA without --ca-file, naming --ca-file (exit 1), and trusts it with --ca-file', async function () {
    const l = lab()
    const args = l.viaEwsUrl('--test-user', l.users[0] ?? '')
    const untrusted = await l.provision(args, {profile: 'fresh'})
    assert.equal(untrusted.code, 1, untrusted.stdout + untrusted.stderr)
    const tls = checkOf(untrusted, 'tls')
    assert.equal(tls.code, 'EXCHANGE_TLS_UNTRUSTED')
    assert.match(tls.message, /not issued by a CA this machine trusts/)
    assert.match(tls.fix ?? '', /^Pass --ca-file PATH /)
    assert.deepEqual(
      checksOf(untrusted)
        .slice(1)
        .map((c) => c.status),
      ['skip', 'skip', 'skip', 'skip'],
    )
    const trusted = await l.provision([...args, '--ca-file', l.caFile], {profile: 'fresh'})
    assert.equal(trusted.code, 0, trusted.stdout + trusted.stderr)
    assert.equal(((await l.readProfile('fresh')) as {caFile: string}).caFile, l.caFile)
  })

  it('fails with exit 1 naming the host when nothing listens at the EWS URL; the later checks are skipped', async function () {
    const l = lab()
    const run = await l.provision([
      '--ews-url',
      'https://127.0.0.1:1/EWS/Exchange.asmx',
      '--username',
      l.account.username,
      '--password-stdin',
    ])
    assert.equal(run.code, 1, run.stdout + run.stderr)
    const tls = checkOf(run, 'tls')
    assert.equal(tls.code, 'EXCHANGE_UNREACHABLE')
    assert.match(tls.message, /^127\.0\.0\.1:1 cannot be reached \(ECONNREFUSED/)
    assert.deepEqual(
      checksOf(run).map((c) => c.status),
      ['fail', 'skip', 'skip', 'skip', 'skip'],
    )
  })

  it('warns that Exchange 2016 is out of support, naming Exchange Server SE, and still configures (exit 0)', async function () {
    const l = lab()
    await l.control('PUT', '/_sandbox/exchange/server', {version: '15.1.2507.6'})
    try {
      const run = await l.provision(l.viaEwsUrl())
      assert.equal(run.code, 0, run.stdout + run.stderr)
      const version = checkOf(run, 'server-version')
      assert.equal(version.status, 'warn')
      assert.equal(version.code, 'EXCHANGE_VERSION_OUT_OF_SUPPORT')
      assert.equal(
        version.message,
        'Exchange Server 2016 (15.1.2507.6) is out of support since 2025-10-14: no security updates',
      )
      assert.match(version.fix ?? '', /Upgrade to Exchange Server SE/)
      assert.deepEqual((run.json as ProvisionJson).result.server, {
        build: '15.1.2507.6',
        product: 'Exchange Server 2016',
      })
    } finally {
      await l.control('PUT', '/_sandbox/exchange/server', {version: '15.2.2562.17'})
    }
  })
})

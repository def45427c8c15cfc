import assert from 'node:assert/strict'
import {mkdtemp, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import type {ScopeTestResult} from '../../../src/commands/scope/test.js'
import {createSecretStore, SECRET_DEFINITIONS, SECRET_NAMES} from '../../../src/lib/secrets/index.js'
import type {MailboxOutcome} from '../../../src/lib/scope/test.js'
import {writeSandboxProfile} from '../../../src/sandbox/host/profile.js'
import {type RunningSandbox, startSandbox} from '../../../src/sandbox/host/start.js'
import {caCertificatePath} from '../../../src/sandbox/host/tls.js'
import {runCli, tempHome} from '../../helpers/cli.js'

interface Envelope {
  status: number
  result: ScopeTestResult
}
interface ErrorEnvelope {
  status: number
  error: {code: string; message: string; suggestions: string[]; data: {mailboxes: MailboxOutcome[]}}
}

describe('hcal scope test (against the sandbox)', function () {
  this.timeout(60_000)
  let sandbox: RunningSandbox
  let stateDir: string
  let home: Awaited<ReturnType<typeof tempHome>>
  /** The secrets `hcal sandbox start` stores, handed to the CLI as the documented CI variables. */
  let secretEnv: NodeJS.ProcessEnv
  const users = (provider: 'microsoft' | 'exchange') => (sandbox.seedData[provider]?.users ?? []).map((u) => u.email)

  before(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'hcal-scope-'))
    sandbox = await startSandbox({providers: ['microsoft', 'exchange'], stateDir, users: 3, events: 0, rooms: 0})
    home = await tempHome()
    // The profile and secrets as `hcal sandbox start` (ready-profile mode) writes them.
    const secrets = createSecretStore({profile: 'acme', backend: 'memory', env: {}})
    await writeSandboxProfile(sandbox, 'acme', caCertificatePath(stateDir), secrets, home.env)
    secretEnv = {}
    for (const name of SECRET_NAMES) {
      const value = await secrets.get(name)
      if (value !== undefined) secretEnv[SECRET_DEFINITIONS[name].env] = value
    }
  })
  after(async () => {
    await sandbox?.stop()
    await home?.cleanup()
    await rm(stateDir, {recursive: true, force: true})
  })

  const scopeTest = (args: string[]) =>
    runCli(['scope', 'test', '--profile', 'acme', '--json', ...args], {env: {...home.env, ...secretEnv}})
  const setMicrosoftScope = async (mailboxes: string[] | null, kind = 'rbacManagementScope') =>
    assert.equal((await sandbox.control('PUT', '/_sandbox/microsoft/mailbox-scope', {mailboxes, kind})).status, 200)
  const setImpersonation = async (scope: string[] | null) =>
    assert.equal((await sandbox.control('PUT', '/_sandbox/exchange/impersonation', {enabled: true, scope})).status, 200)

  describe('Microsoft 365', () => {
    it('passes when the in-scope mailbox is readable and the canary denied', async () => {
      const [inside, outside] = users('microsoft')
      await setMicrosoftScope([inside ?? ''])
      const run = await scopeTest(['--provider', 'microsoft', '--in', inside ?? '', '--out', outside ?? ''])
      assert.equal(run.code, 0, run.stdout)
      const {result} = run.json as Envelope
      assert.equal(result.passed, true)
      assert.deepEqual(
        result.mailboxes.map((m) => [m.mailbox, m.role, m.access, m.passed, m.providerCode]),
        [
          [inside, 'in', 'readable', true, undefined],
          [outside, 'out', 'denied', true, 'ErrorAccessDenied'],
        ],
      )

      const human = await runCli(
        ['scope', 'test', '--profile', 'acme', '--provider', 'microsoft', '--in', inside ?? '', '--out', outside ?? ''],
        {env: {...home.env, ...secretEnv}},
      )
      assert.equal(human.code, 0, human.stderr)
      assert.match(human.stdout, new RegExp(`^${inside}\tin\treadable\treadable\tPASS$`, 'm'))
      assert.match(human.stdout, new RegExp(`^${outside}\tout\tdenied\tdenied\tPASS$`, 'm'))
      assert.match(human.stderr, /The scope holds/)
    })

    it('fails with exit 4 when the canary is readable, naming the tenant-wide grant to remove', async () => {
      const [inside, outside] = users('microsoft')
      await setMicrosoftScope(null)
      const run = await scopeTest(['--provider', 'microsoft', '--in', inside ?? '', '--out', outside ?? ''])
      assert.equal(run.code, 4, run.stdout)
      const {error} = run.json as ErrorEnvelope
      assert.equal(error.code, 'SCOPE_OUT_READABLE')
      assert.match(error.message, new RegExp(`${outside} \\(out of scope\\) is readable`))
      const fixes = error.suggestions.join('\n')
      assert.match(fixes, /Enterprise applications > \(the app\) > Security > Permissions/)
      assert.match(fixes, /Calendars\.ReadWrite and MailboxSettings\.ReadWrite/)
      assert.match(
        fixes,
        /RBAC for Applications takes 30 minutes to 2 hours.*, an application access policy more than an hour/,
      )
      assert.match(error.suggestions[0] ?? '', /^No scope limits the app/, 'no scope script was written: causes first')
      assert.deepEqual(
        error.data.mailboxes.map((m) => [m.role, m.access, m.passed]),
        [
          ['in', 'readable', true],
          ['out', 'readable', false],
        ],
      )
    })

    it('fails with exit 4 when the in-scope mailbox is denied, and says an access policy refused it', async () => {
      const [inside, outside, third] = users('microsoft')
      await setMicrosoftScope([third ?? ''], 'applicationAccessPolicy')
      const run = await scopeTest(['--provider', 'microsoft', '--in', inside ?? '', '--out', outside ?? ''])
      assert.equal(run.code, 4, run.stdout)
      const {error} = run.json as ErrorEnvelope
      assert.equal(error.code, 'SCOPE_IN_DENIED')
      assert.match(error.message, new RegExp(`${inside} \\(in scope\\) was denied`))
      assert.match(error.suggestions.join('\n'), /Both mailboxes were refused/)
      assert.deepEqual(
        error.data.mailboxes.map((m) => [m.access, m.deniedBy]),
        [
          ['denied', 'application access policy'],
          ['denied', 'application access policy'],
        ],
      )
    })

    it('puts propagation first when the scope script was written recently, and remembers each test', async () => {
      const [inside, outside] = users('microsoft')
      const limit = await runCli(['scope', 'limit', '--profile', 'acme', '--provider', 'microsoft', '--group', 'g'], {
        env: home.env,
      })
      assert.equal(limit.code, 0, limit.stderr)
      await setMicrosoftScope(null)
      const run = await scopeTest(['--provider', 'microsoft', '--in', inside ?? '', '--out', outside ?? ''])
      assert.equal(run.code, 4, run.stdout)
      const {error} = run.json as ErrorEnvelope
      assert.match(error.message, /The scope script was written at .*: a scope applied since may not be in effect yet/)
      assert.match(error.suggestions[0] ?? '', /^Scope changes are not immediate/)

      const profile = JSON.parse(await readFile(join(home.dir, 'config', 'profiles', 'acme.json'), 'utf8')) as {
        mailboxScope: {microsoft: {mechanism: string; lastTest: {passed: boolean; out: string; code: string}}}
      }
      const {mechanism, lastTest} = profile.mailboxScope.microsoft
      assert.equal(mechanism, 'rbac-for-applications')
      assert.deepEqual([lastTest.passed, lastTest.out, lastTest.code], [false, outside, 'SCOPE_OUT_READABLE'])
    })

    it('fails with exit 1 when a mailbox does not exist, rather than counting it as denied', async () => {
      const [inside] = users('microsoft')
      await setMicrosoftScope([inside ?? ''])
      const run = await scopeTest([
        '--provider',
        'microsoft',
        '--in',
        inside ?? '',
        '--out',
        'nobody@acme-microsoft.test',
      ])
      assert.equal(run.code, 1, run.stdout)
      const {error} = run.json as ErrorEnvelope
      assert.equal(error.code, 'SCOPE_MAILBOX_NOT_FOUND')
      assert.equal(error.data.mailboxes[1]?.access, 'missing')
    })
  })

  describe('Exchange Server', () => {
    it('passes with a scoped impersonation right, and fails (exit 4) without a scope or outside it', async () => {
      const [inside, outside, third] = users('exchange')
      const args = ['--provider', 'exchange', '--in', inside ?? '', '--out', outside ?? '']

      await setImpersonation([inside ?? ''])
      const pass = await scopeTest(args)
      assert.equal(pass.code, 0, pass.stdout)
      assert.deepEqual(
        (pass.json as Envelope).result.mailboxes.map((m) => [m.access, m.providerCode]),
        [
          ['readable', undefined],
          ['denied', 'ErrorImpersonateUserDenied'],
        ],
      )

      await setImpersonation(null)
      const open = await scopeTest(args)
      assert.equal(open.code, 4, open.stdout)
      const openError = (open.json as ErrorEnvelope).error
      assert.equal(openError.code, 'SCOPE_OUT_READABLE')
      assert.match(openError.suggestions.join('\n'), /remove those without CustomRecipientWriteScope/)

      await setImpersonation([third ?? ''])
      const denied = await scopeTest(args)
      assert.equal(denied.code, 4, denied.stdout)
      assert.equal((denied.json as ErrorEnvelope).error.code, 'SCOPE_IN_DENIED')
    })
  })

  it('says Google Workspace has nothing to test and names user activation, exit 0', async () => {
    const run = await scopeTest(['--provider', 'google', '--in', 'a@acme.test', '--out', 'b@acme.test'])
    assert.equal(run.code, 0, run.stdout)
    const {result} = run.json as Envelope
    assert.deepEqual([result.supported, result.passed, result.mailboxes], [false, null, []])
    assert.match(result.reason ?? '', /no per-mailbox scope for domain-wide delegation/)
    assert.match(result.control ?? '', /hcal users activate/)
  })

  it('asks for --provider when the profile configures more than one system', async () => {
    const run = await scopeTest(['--in', 'a@acme.test', '--out', 'b@acme.test'])
    assert.equal(run.code, 2, run.stdout)
    assert.match((run.json as ErrorEnvelope).error.message, /Microsoft 365, Exchange Server: say which/)
  })
})

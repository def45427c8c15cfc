import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {readdir, readFile} from 'node:fs/promises'
import {join} from 'node:path'

import {saveProfile} from '../../../src/lib/config/profiles.js'
import {REPO_ROOT, runCli, tempHome} from '../../helpers/cli.js'
import {clearSecret, lookupSecret, storeSecretDirectly, withSecretService} from '../../helpers/secret-service.js'

interface ErrorEnvelope {
  status: number
  error: {code: string; message: string; suggestions: string[]}
}

/** Every file below `dir` (config, data, SQLite with its WAL), for scanning raw bytes. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, {recursive: true, withFileTypes: true}).catch(() => [])
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name))
}

describe('hcal secrets (built CLI, private Secret Service)', () => {
  const bus = withSecretService()
  let home: Awaited<ReturnType<typeof tempHome>>
  // The keyring lives for the whole suite; a profile per test keeps tests from seeing each other's items.
  let profile = ''
  let tests = 0
  beforeEach(async () => {
    home = await tempHome()
    profile = `t${++tests}`
    home.env.HCAL_PROFILE = profile
    await saveProfile(profile, (p) => p, home.env)
  })
  afterEach(() => home.cleanup())
  const cli = (args: string[], input?: string, env: NodeJS.ProcessEnv = {}) =>
    runCli(args, {env: {...bus(), ...home.env, ...env}, input})

  it('sets from stdin, lists with source, age and a mask, and deletes idempotently', async () => {
    const set = await cli(['secrets', 'set', 'microsoft.clientSecret', '--stdin'], 'Tq8~client-secret-value\n')
    assert.equal(set.code, 0, set.stderr)
    assert.equal(set.stdout, '')
    assert.ok(set.stderr.includes(`Stored microsoft.clientSecret in the keychain (service hcal:${profile}).`))
    assert.equal(lookupSecret(bus(), `hcal:${profile}`, 'microsoft.clientSecret'), 'Tq8~client-secret-value')

    const table = await cli(['secrets', 'list'])
    assert.equal(table.code, 0, table.stderr)
    assert.deepEqual(table.stdout.trim().split('\n'), [
      'Name\tSource\tStatus\tAge\tValue',
      'microsoft.clientSecret\tkeychain\tpresent\t0d\t******** (short)',
    ])
    const json = await cli(['secrets', 'list', '--json'])
    const listed = json.json as {result: {secrets: {name: string; source: string; createdAt: string}[]}}
    assert.equal(listed.result.secrets[0]?.source, 'keychain')
    assert.ok(Date.now() - Date.parse(listed.result.secrets[0]?.createdAt ?? '') < 60_000)

    const first = await cli(['secrets', 'delete', 'microsoft.clientSecret', '--json'])
    assert.deepEqual((first.json as {result: unknown}).result, {
      profile,
      name: 'microsoft.clientSecret',
      deleted: true,
    })
    assert.equal(lookupSecret(bus(), `hcal:${profile}`, 'microsoft.clientSecret'), undefined)
    const again = await cli(['secrets', 'delete', 'microsoft.clientSecret'])
    assert.equal(again.code, 0)
    assert.match(again.stderr, /not in the keychain .*nothing to delete/)
  })

  it('never shows a secret in clear: not on disk, not in stdout/stderr at debug level, not in argv', async () => {
    const canary = 'CANARY-9f2c7d1e-hunter2-b64'
    const args = ['secrets', 'set', 'exchange.password', '--stdin', '--log-level', 'debug']
    assert.ok(!args.some((arg) => arg.includes(canary)))
    // Every child process any of these runs starts is recorded with its argv (test/helpers/exec-trace.ts).
    const traceFile = join(home.dir, 'exec-trace.jsonl')
    const traced = {
      NODE_OPTIONS: `--import=${join(REPO_ROOT, 'dist/test/helpers/exec-trace.js')}`,
      HCAL_EXEC_TRACE: traceFile,
    }
    const runs = [
      await cli(args, `${canary}\n`, traced),
      await cli(['secrets', 'list', '--log-level', 'debug'], undefined, traced),
      await cli(['secrets', 'list', '--json', '--log-level', 'debug'], undefined, traced),
      await cli(['doctor', '--log-level', 'debug'], undefined, traced),
      await cli(['keys', 'rotate', '--log-level', 'debug'], undefined, traced),
      await cli(['secrets', 'set', 'exchange.password', '--stdin', '--log-level', 'debug'], `${canary}\n`, traced),
    ]
    assert.equal(runs[0]?.code, 0, runs[0]?.stderr)
    assert.ok(
      runs.some((run) => run.stderr.includes('command start')),
      'debug logging was on',
    )
    for (const run of runs) {
      assert.ok(!run.stdout.includes(canary) && !run.stderr.includes(canary))
    }
    const children = await readFile(traceFile, 'utf8').catch(() => '')
    assert.ok(!children.includes(canary), 'a child process received the secret in its argv')
    const files = (await filesUnder(home.dir)).filter((file) => file !== traceFile)
    assert.ok(files.some((file) => file.endsWith('state.db')) && files.some((f) => f.endsWith('secrets-index.json')))
    for (const file of files) assert.ok(!(await readFile(file)).includes(canary), file)
    assert.equal(lookupSecret(bus(), `hcal:${profile}`, 'exchange.password'), canary)
  })

  it('lists what the keychain really holds, not what its index remembers', async () => {
    assert.equal((await cli(['secrets', 'set', 'exchange.password', '--stdin'], 'pw-listed-1')).code, 0)
    assert.equal((await cli(['secrets', 'set', 'microsoft.clientSecret', '--stdin'], 'client-secret-2')).code, 0)
    // Another tool removes one item and stores another that hcal's index has never seen.
    clearSecret(bus(), `hcal:${profile}`, 'exchange.password')
    storeSecretDirectly(
      bus(),
      `hcal:${profile}`,
      'google.serviceAccountKey',
      '{"client_email":"a@b.c","private_key":"k"}',
    )
    const run = await cli(['secrets', 'list', '--json'])
    assert.equal(run.code, 0, run.stderr)
    const envelope = run.json as {
      result: {secrets: {name: string; status: string; masked: string}[]}
      warnings: string[]
    }
    assert.deepEqual(
      envelope.result.secrets.map((s) => [s.name, s.status, s.masked]),
      [
        ['google.serviceAccountKey', 'present', '******** (medium)'],
        ['microsoft.clientSecret', 'present', '******** (short)'],
        ['exchange.password', 'missing', '-'],
      ],
    )
    assert.match(envelope.warnings.join(' '), /no longer holds exchange\.password \(removed outside hcal\)/)
  })

  it('the exec trace used above does record child processes and their argv', async () => {
    const traceFile = join(home.dir, 'probe-trace.jsonl')
    const probe = spawnSync(
      process.execPath,
      [
        '--import',
        join(REPO_ROOT, 'dist/test/helpers/exec-trace.js'),
        '-e',
        "import('node:child_process').then((c) => c.spawnSync('true', ['probe-arg']))",
      ],
      {env: {...process.env, HCAL_EXEC_TRACE: traceFile}},
    )
    assert.equal(probe.status, 0)
    assert.match(await readFile(traceFile, 'utf8'), /"args":\["probe-arg"\]/)
  })

  it('lets the environment variable win, and refuses to change an environment-provided secret', async () => {
    await cli(['secrets', 'set', 'exchange.password', '--stdin'], 'keychain-password')
    const env = {HCAL_EXCHANGE_PASSWORD: 'env-password'}
    const list = await cli(['secrets', 'list', '--json'], undefined, env)
    const rows = (list.json as {result: {secrets: {name: string; source: string}[]}}).result.secrets
    assert.deepEqual(
      rows.map((r) => [r.name, r.source]),
      [['exchange.password', 'env']],
    )
    // Refused before any input is read: without --stdin or --file this would otherwise ask for the value.
    const set = await cli(['secrets', 'set', 'exchange.password', '--json'], undefined, env)
    assert.equal(set.code, 2)
    assert.equal((set.json as ErrorEnvelope).error.code, 'SECRET_FROM_ENV')
    const del = await cli(['secrets', 'delete', 'exchange.password', '--json'], undefined, env)
    assert.equal((del.json as ErrorEnvelope).error.code, 'SECRET_FROM_ENV')
    assert.equal(lookupSecret(bus(), `hcal:${profile}`, 'exchange.password'), 'keychain-password')
  })

  it('rejects unknown names and missing input with usage errors that name the fix', async () => {
    const unknown = await cli(['secrets', 'set', 'canary', '--stdin', '--json'], 'x')
    assert.equal(unknown.code, 2)
    assert.equal((unknown.json as ErrorEnvelope).error.code, 'SECRET_NAME_UNKNOWN')
    assert.match((unknown.json as ErrorEnvelope).error.suggestions.join(' '), /exchange\.password, store\.dataKey/)
    const noInput = await cli(['secrets', 'set', 'exchange.password', '--json'])
    assert.equal(noInput.code, 2)
    assert.match((noInput.json as ErrorEnvelope).error.suggestions.join(' '), /--stdin.*--file/)
    const both = await cli(['secrets', 'set', 'exchange.password', '--stdin', '--file', '/etc/hostname'])
    assert.equal(both.code, 2)
  })
})

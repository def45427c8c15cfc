import assert from 'node:assert/strict'

import {saveProfile} from '../../src/lib/config/profiles.js'
import {runCli, tempHome} from '../helpers/cli.js'

interface ErrorEnvelope {
  status: number
  error: {code: string; message: string; suggestions: string[]}
  warnings: string[]
}

describe('CLI contract (envelope, exit codes, streams)', () => {
  let home: Awaited<ReturnType<typeof tempHome>>
  beforeEach(async () => (home = await tempHome()))
  afterEach(() => home.cleanup())

  it('wraps a result in {status, result, warnings} under --json', async () => {
    await saveProfile(
      'acme',
      (p) => ({...p, exchange: {ewsUrl: 'https://mail.acme.test/EWS/Exchange.asmx', username: 'svc', auth: 'basic'}}),
      home.env,
    )
    const run = await runCli(['profile', 'list', '--json'], {env: home.env})
    assert.equal(run.code, 0, run.stderr)
    assert.deepEqual(run.json, {
      status: 0,
      result: [
        {
          name: 'acme',
          connections: ['exchange'],
          updatedAt: (run.json as {result: {updatedAt: string}[]}).result[0]!.updatedAt,
        },
      ],
      warnings: [],
    })
    assert.equal(run.stderr, '')
  })

  it('HCAL_CONTENT_TYPE=json forces the envelope without --json', async () => {
    const run = await runCli(['profile', 'list'], {env: {...home.env, HCAL_CONTENT_TYPE: 'json'}})
    assert.deepEqual(run.json, {status: 0, result: [], warnings: []})
  })

  it('prints an error envelope with a stable code and suggestions, exit 1', async () => {
    const run = await runCli(['profile', 'show', 'missing', '--json'], {env: home.env})
    assert.equal(run.code, 1)
    const envelope = run.json as ErrorEnvelope
    assert.equal(envelope.status, 1)
    assert.equal(envelope.error.code, 'PROFILE_NOT_FOUND')
    assert.ok(envelope.error.suggestions.some((s) => s.includes('hcal profile list')))
  })

  it('renders human errors on stderr only, without colour when NO_COLOR is set', async () => {
    const run = await runCli(['profile', 'show', 'missing'], {env: home.env})
    assert.equal(run.code, 1)
    assert.equal(run.stdout, '')
    assert.match(run.stderr, /^Error: Profile "missing" does not exist\.\nCode: PROFILE_NOT_FOUND\nTry this: /)
    assert.ok(!run.stderr.includes(String.fromCharCode(27)), 'no ANSI escape codes')
  })

  it('exits 2 with USAGE_INVALID for an unknown flag, in both modes', async () => {
    const human = await runCli(['profile', 'list', '--bogus'], {env: home.env})
    assert.equal(human.code, 2)
    assert.match(human.stderr, /Nonexistent flag: --bogus/)
    const json = await runCli(['profile', 'list', '--bogus', '--json'], {env: home.env})
    assert.equal(json.code, 2)
    assert.equal((json.json as ErrorEnvelope).error.code, 'USAGE_INVALID')
  })

  it('never prompts without a terminal: names the missing flag, exit 2, nothing removed', async () => {
    await saveProfile('keep', (p) => p, home.env)
    const run = await runCli(['profile', 'remove', 'keep', '--json'], {env: home.env})
    assert.equal(run.code, 2)
    const envelope = run.json as ErrorEnvelope
    assert.equal(envelope.error.code, 'MISSING_FLAG')
    assert.match(envelope.error.message, /--yes/)
    const list = await runCli(['profile', 'list', '--json'], {env: home.env})
    assert.equal((list.json as {result: unknown[]}).result.length, 1)
  })

  it('removes with --yes, and a second removal is a no-op success', async () => {
    await saveProfile('gone', (p) => p, home.env)
    const first = await runCli(['profile', 'remove', 'gone', '--yes', '--json'], {env: home.env})
    assert.deepEqual(first.json, {status: 0, result: {name: 'gone', removed: true}, warnings: []})
    const second = await runCli(['profile', 'remove', 'gone', '--yes', '--json'], {env: home.env})
    assert.equal(second.code, 0)
    assert.deepEqual((second.json as {result: unknown}).result, {name: 'gone', removed: false})
  })

  it('an invalid --profile name (also from HCAL_PROFILE) is a usage error', async () => {
    const run = await runCli(['profile', 'show', '--json'], {env: {...home.env, HCAL_PROFILE: 'Bad Name'}})
    assert.equal(run.code, 2)
    assert.equal((run.json as ErrorEnvelope).error.code, 'PROFILE_NAME_INVALID')
  })

  it('--log-format json writes one JSON object per line on stderr and keeps stdout for data', async () => {
    const run = await runCli(['profile', 'list', '--log-level', 'debug', '--log-format', 'json'], {env: home.env})
    assert.equal(run.code, 0)
    const records = run.stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as {level: string; msg: string})
    assert.ok(records.some((r) => r.level === 'debug' && r.msg === 'command start'))
    assert.doesNotMatch(run.stdout, /command start/)
  })
})

import assert from 'node:assert/strict'
import {mkdir, readdir} from 'node:fs/promises'
import {join, relative} from 'node:path'

import {saveProfile} from '../../src/lib/config/profiles.js'
import {runCli, tempHome} from '../helpers/cli.js'
import {accountsUnder, withSecretService} from '../helpers/secret-service.js'

interface ErrorEnvelope {
  status: number
  error: {code: string; message: string; suggestions: string[]}
}

/** Every file and directory below `dir`, relative to it. */
async function entriesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, {recursive: true, withFileTypes: true})
  return entries.map((entry) => relative(dir, join(entry.parentPath, entry.name))).sort()
}

describe('the profile a command runs for (validated once, in the base command)', () => {
  const bus = withSecretService()
  let home: Awaited<ReturnType<typeof tempHome>>
  let env: NodeJS.ProcessEnv
  // Config and data sit three levels down, so "../../../x" from either still lands inside the test home.
  beforeEach(async () => {
    home = await tempHome()
    const base = join(home.dir, 'a', 'b', 'c')
    await mkdir(base, {recursive: true})
    env = {...bus(), ...home.env, HCAL_CONFIG_DIR: join(base, 'config'), HCAL_DATA_DIR: join(base, 'data')}
  })
  afterEach(() => home.cleanup())

  for (const [name, args] of [
    ['doctor', ['doctor']],
    ['keys rotate', ['keys', 'rotate']],
    ['secrets set', ['secrets', 'set', 'exchange.password', '--stdin']],
    ['meetings settings', ['meetings', 'settings', '--site', 'acme']],
    ['sandbox start', ['sandbox', 'start', '--port', '0', '--users', '1']],
  ] as const) {
    it(`${name} refuses a path-like --profile before touching disk or keychain`, async () => {
      for (const profile of ['../../../x', '../x', '']) {
        const run = await runCli([...args, '--profile', profile, '--json'], {env, input: 'pw-traversal-1'})
        assert.equal(run.code, 2, `${profile}: ${run.stdout}${run.stderr}`)
        const {error} = run.json as ErrorEnvelope
        assert.equal(error.code, 'PROFILE_NAME_INVALID')
        assert.deepEqual(await entriesUnder(home.dir), ['a', 'a/b', 'a/b/c'], `${profile}: nothing written anywhere`)
        assert.deepEqual(accountsUnder(bus(), `hcal:${profile}`), [], `${profile}: no keychain item`)
      }
    })
  }

  it('also refuses a bad HCAL_PROFILE, naming the rule', async () => {
    const run = await runCli(['secrets', 'list', '--json'], {env: {...env, HCAL_PROFILE: '../../../x'}})
    assert.equal(run.code, 2)
    const {error} = run.json as ErrorEnvelope
    assert.equal(error.code, 'PROFILE_NAME_INVALID')
    assert.match(error.suggestions.join(' '), /lower-case letters, digits/)
  })

  for (const [name, args] of [
    ['meetings list', ['meetings', 'list']],
    ['obtp dry-run', ['obtp', 'dry-run']],
    ['obtp explain', ['obtp', 'explain', 'evt-1']],
    ['meetings parse', ['meetings', 'parse', '--location', '@webex']],
    ['meetings settings', ['meetings', 'settings']],
  ] as const) {
    it(`${name} --profile ghost fails with PROFILE_NOT_FOUND and how to create it`, async () => {
      const run = await runCli([...args, '--profile', 'ghost', '--json'], {env})
      assert.equal(run.code, 1, run.stdout + run.stderr)
      const {error} = run.json as ErrorEnvelope
      assert.equal(error.code, 'PROFILE_NOT_FOUND')
      assert.match(error.message, /"ghost" does not exist/)
      assert.ok(error.suggestions.includes('To try hcal locally, create it with "hcal sandbox start --profile ghost".'))
      assert.deepEqual(await entriesUnder(home.dir), ['a', 'a/b', 'a/b/c'])
    })
  }

  it('keys rotate creates no data key and no store for a profile that does not exist', async () => {
    const run = await runCli(['keys', 'rotate', '--json'], {env: {...env, HCAL_PROFILE: 'ghost'}})
    assert.equal(run.code, 1)
    assert.equal((run.json as ErrorEnvelope).error.code, 'PROFILE_NOT_FOUND')
    assert.deepEqual(accountsUnder(bus(), 'hcal:ghost'), [])
    assert.deepEqual(await entriesUnder(home.dir), ['a', 'a/b', 'a/b/c'])
  })

  it('the implicit default profile may be absent where defaults apply, and must exist where state is read', async () => {
    const parse = await runCli(['meetings', 'parse', '--location', 'https://acme.zoom.us/j/123456789', '--json'], {env})
    assert.equal(parse.code, 0, parse.stderr)
    const list = await runCli(['meetings', 'list', '--json'], {env})
    assert.equal(list.code, 1)
    const {error} = list.json as ErrorEnvelope
    assert.equal(error.code, 'PROFILE_NOT_FOUND')
    assert.ok(error.suggestions.some((s) => s.includes('"hcal sandbox start" writes profile "sandbox"')))
  })

  it('a configured profile passes the guard (and the keychain check above sees items that exist)', async () => {
    await saveProfile('acme', (p) => ({...p, meetings: {site: 'acme'}}), env)
    const run = await runCli(['meetings', 'parse', '--location', '@webex', '--profile', 'acme', '--json'], {env})
    assert.equal(run.code, 0, run.stderr)
    assert.deepEqual((run.json as {warnings: string[]}).warnings, [])
    const set = await runCli(['secrets', 'set', 'exchange.password', '--stdin', '--profile', 'acme'], {
      env,
      input: 'pw-acme-1',
    })
    assert.equal(set.code, 0, set.stderr)
    assert.deepEqual(accountsUnder(bus(), 'hcal:acme'), ['exchange.password'])
  })
})

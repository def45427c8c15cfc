import assert from 'node:assert/strict'
import {chmod, mkdir, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {saveProfile} from '../../src/lib/config/profiles.js'
import {runCli, tempHome} from '../helpers/cli.js'
import {storeKey} from '../fixtures/events/seed-store.js'

interface ErrorEnvelope {
  status: number
  error: {code: string; message: string; suggestions: string[]}
}

/** Runs the CLI with a deadline far below mocha's: a command that spins is killed and fails here. */
const cli = (args: string[], env: NodeJS.ProcessEnv, extra: {uid?: number; gid?: number} = {}) =>
  runCli([...args, '--json'], {env, timeoutMs: 15_000, ...extra})

function errorOf(run: Awaited<ReturnType<typeof runCli>>): ErrorEnvelope['error'] {
  assert.notEqual(run.code, null, `killed: the command did not end (${run.stderr})`)
  return (run.json as ErrorEnvelope).error
}

describe('directories hcal cannot create: one coded error with the real cause, never a spin', () => {
  let home: Awaited<ReturnType<typeof tempHome>>
  beforeEach(async () => (home = await tempHome()))
  afterEach(() => home.cleanup())

  it('HCAL_CONFIG_DIR=/proc/1: the file system refuses, named as such (it used to spin forever)', async () => {
    const run = await cli(['meetings', 'settings', '--site', 'acme'], {...home.env, HCAL_CONFIG_DIR: '/proc/1'})
    assert.equal(run.code, 1)
    const error = errorOf(run)
    assert.equal(error.code, 'PATH_NOT_WRITABLE')
    assert.match(error.message, /\/proc\/1\/profiles: the file system does not allow it/)
    assert.match(error.suggestions.join(' '), /HCAL_CONFIG_DIR/)
  })

  it('HCAL_DATA_DIR=/proc/1: the same for the state store', async () => {
    await saveProfile('default', (p) => p, home.env)
    const env = {...home.env, HCAL_DATA_DIR: '/proc/1', HCAL_STORE_KEY: storeKey()}
    const error = errorOf(await cli(['meetings', 'list'], env))
    assert.equal(error.code, 'PATH_NOT_WRITABLE')
    assert.match(error.suggestions.join(' '), /HCAL_DATA_DIR/)
  })

  it('a directory under /sys is PATH_NOT_WRITABLE, not UNEXPECTED', async () => {
    const error = errorOf(
      await cli(['meetings', 'settings', '--site', 'acme'], {...home.env, HCAL_CONFIG_DIR: '/sys/hcal'}),
    )
    assert.equal(error.code, 'PATH_NOT_WRITABLE')
  })

  it('a file in the path is named as the blocker, not as a permissions problem', async () => {
    const file = join(home.dir, 'plain-file')
    await writeFile(file, 'not a directory')
    const nested = errorOf(
      await cli(['meetings', 'settings', '--site', 'acme'], {...home.env, HCAL_CONFIG_DIR: join(file, 'hcal')}),
    )
    assert.equal(nested.code, 'PATH_NOT_A_DIRECTORY')
    assert.match(nested.message, new RegExp(`${file} is not a directory`))
    assert.deepEqual(nested.suggestions, [`Point HCAL_CONFIG_DIR to a directory (${file} is not one).`])
    assert.doesNotMatch(nested.suggestions.join(' '), /permission/)

    // A stray file inside hcal's own directory is the thing to move.
    await mkdir(join(home.dir, 'config'), {recursive: true})
    await writeFile(join(home.dir, 'config', 'profiles'), 'stray')
    const inside = errorOf(await cli(['meetings', 'settings', '--site', 'acme'], home.env))
    assert.equal(inside.code, 'PATH_NOT_A_DIRECTORY')
    assert.match(inside.suggestions.join(' '), /^Move .*config\/profiles away/)

    const read = errorOf(
      await cli(['meetings', 'parse', '--location', 'x'], {...home.env, HCAL_CONFIG_DIR: '/dev/null'}),
    )
    assert.equal(read.code, 'PATH_NOT_A_DIRECTORY')
  })

  it('no permission is PATH_PERMISSION_DENIED, naming the directory to check', async () => {
    // Root may write anywhere: as root, the command runs as nobody, whom the mode stops.
    const asNobody = process.getuid?.() === 0 ? {uid: 65534, gid: 65534} : {}
    await chmod(home.dir, 0o755)
    const locked = join(home.dir, 'locked')
    await mkdir(locked, {mode: 0o555})
    const run = await cli(
      ['meetings', 'settings', '--site', 'acme'],
      {...home.env, HCAL_CONFIG_DIR: join(locked, 'hcal')},
      asNobody,
    )
    const error = errorOf(run)
    assert.equal(error.code, 'PATH_PERMISSION_DENIED')
    assert.match(error.suggestions.join(' '), new RegExp(`ls -ld ${locked}`))
  })

  it('Node never prints its own warnings on stderr (HCAL_DATA_DIR a file made oclif warn raw)', async () => {
    const file = join(home.dir, 'data-file')
    await writeFile(file, '')
    const run = await runCli(['profile', 'list'], {env: {...home.env, HCAL_DATA_DIR: file}})
    assert.equal(run.code, 0, run.stderr)
    assert.doesNotMatch(run.stderr, /\(node:\d+\)|ENOTDIR|--trace-warnings/)
  })

  it('routes Node warnings to the debug log instead', async () => {
    const run = await runCli(['profile', 'list'], {
      env: {...home.env, HCAL_LOG_LEVEL: 'debug', NODE_OPTIONS: '--require=./test/fixtures/emit-warning.cjs'},
    })
    assert.equal(run.code, 0, run.stderr)
    assert.doesNotMatch(run.stderr, /\(node:\d+\)/)
    assert.match(run.stderr, /DEBUG node warning HcalTestWarning: emitted while hcal runs/)
  })
})

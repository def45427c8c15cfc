import assert from 'node:assert/strict'
import {access} from 'node:fs/promises'
import {join} from 'node:path'

import {saveProfile} from '../../src/lib/config/profiles.js'
import {runCli, tempHome} from '../helpers/cli.js'
import {storeKey} from '../fixtures/events/seed-store.js'

interface ErrorEnvelope {
  status: number
  error: {code: string; message: string; suggestions: string[]}
}

/** Usage errors: exit 2, a code naming what was wrong, never UNEXPECTED "report it". */
describe('usage errors are named and exit 2', () => {
  let home: Awaited<ReturnType<typeof tempHome>>
  beforeEach(async () => (home = await tempHome()))
  afterEach(() => home.cleanup())

  async function usageError(args: string[], env: NodeJS.ProcessEnv = home.env): Promise<ErrorEnvelope['error']> {
    const run = await runCli([...args, '--json'], {env})
    assert.equal(run.code, 2, `${args.join(' ')}: ${run.stdout}${run.stderr}`)
    const envelope = run.json as ErrorEnvelope
    assert.equal(envelope.status, 2)
    assert.notEqual(envelope.error.code, 'UNEXPECTED')
    return envelope.error
  }

  it('a flag without its value', async () => {
    const error = await usageError(['meetings', 'parse', '--location'])
    assert.equal(error.code, 'USAGE_INVALID')
    assert.equal(error.message, 'Flag --location expects a value')
  })

  it('a flag given twice', async () => {
    const error = await usageError(['meetings', 'parse', '--profile', 'a', '--profile', 'b'])
    assert.equal(error.code, 'USAGE_INVALID')
    assert.equal(error.message, 'Flag --profile can only be specified once')
  })

  it('secrets set --file with a directory', async () => {
    const error = await usageError(['secrets', 'set', 'exchange.password', '--file', home.dir])
    assert.equal(error.code, 'SECRET_FILE_UNREADABLE')
    assert.equal(error.message, `Cannot read ${home.dir}: it is a directory.`)
  })

  it('sandbox start --ready-file in a missing directory, refused before anything starts', async () => {
    const readyFile = join(home.dir, 'no', 'such', 'dir', 'r.json')
    const run = await runCli(['sandbox', 'start', '--port', '0', '--ready-file', readyFile, '--skip-profile'], {
      env: home.env,
    })
    assert.equal(run.code, 2, run.stderr)
    assert.match(run.stderr, /Code: FILE_PATH_UNWRITABLE/)
    assert.match(
      run.stderr,
      new RegExp(`--ready-file ${readyFile}: the directory ${join(home.dir, 'no', 'such', 'dir')} does not exist`),
    )
    assert.doesNotMatch(run.stderr, /Starting the sandbox/)
    await assert.rejects(access(join(home.dir, 'data', 'sandbox')), 'no sandbox state was created')
    const isDir = await usageError(['sandbox', 'start', '--port', '0', '--ready-file', home.dir, '--skip-profile'])
    assert.equal(isDir.code, 'FILE_PATH_UNWRITABLE')
    assert.match(isDir.message, /it is a directory/)
  })

  it('impossible dates are refused, not rolled over into the next month', async () => {
    await saveProfile('default', (p) => p, home.env)
    const env = {...home.env, HCAL_STORE_KEY: storeKey()}
    for (const [flag, value] of [
      ['--from', '2026-02-30'],
      ['--to', '2026-04-31T10:00:00Z'],
      ['--from', '2025-02-29'],
    ] as const) {
      const error = await usageError(['meetings', 'list', flag, value], env)
      assert.equal(error.code, 'INVALID_TIME')
      assert.match(error.message, new RegExp(`${value.slice(0, 10)} is not a date in the calendar`))
    }
    const leap = await runCli(['meetings', 'list', '--from', '2028-02-29', '--to', '2028-03-01', '--json'], {env})
    assert.equal(leap.code, 0, leap.stdout)
    assert.equal((leap.json as {result: {from: string}}).result.from, '2028-02-29T00:00:00.000Z')
  })
})

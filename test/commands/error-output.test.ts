import assert from 'node:assert/strict'
import {mkdir, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {runCli, tempHome} from '../helpers/cli.js'
import {withSecretService} from '../helpers/secret-service.js'

const NO_BUS = {DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus'}

describe('rendered errors: each suggestion once, the cause shown', () => {
  const bus = withSecretService()
  let home: Awaited<ReturnType<typeof tempHome>>
  beforeEach(async () => (home = await tempHome()))
  afterEach(() => home.cleanup())

  it('doctor without a keychain: each suggestion printed once, in human and JSON output', async () => {
    const human = await runCli(['doctor', '--profile', 'doc'], {env: {...home.env, ...NO_BUS}})
    assert.equal(human.code, 1)
    const tries = human.stderr.split('\n').filter((line) => line.startsWith('Try this: '))
    assert.ok(tries.length > 0, human.stderr)
    assert.deepEqual(tries, [...new Set(tries)], human.stderr)

    const json = await runCli(['doctor', '--profile', 'doc', '--json'], {env: {...home.env, ...NO_BUS}})
    const {suggestions} = (json.json as {error: {suggestions: string[]}}).error
    assert.ok(suggestions.length > 0)
    assert.deepEqual(suggestions, [...new Set(suggestions)])
  })

  it('prints the cause under the message ("Caused by:"), after the code and before the fixes', async () => {
    const index = join(home.env.HCAL_CONFIG_DIR!, 'secrets', 'acme', 'secrets-index.json')
    await mkdir(join(index, '..'), {recursive: true})
    await writeFile(index, '{"secrets": [oops\n')
    const run = await runCli(['secrets', 'list', '--profile', 'acme'], {env: {...bus(), ...home.env}})
    assert.equal(run.code, 1)
    const lines = run.stderr.trimEnd().split('\n')
    assert.equal(lines[1], 'Code: SECRET_INDEX_CORRUPT', run.stderr)
    assert.match(lines[2] ?? '', /^Caused by: SyntaxError: .*not valid JSON$/)
    assert.match(lines[3] ?? '', /^Try this: Delete /)
  })
})

import assert from 'node:assert/strict'
import {writeFile} from 'node:fs/promises'

import {profilePath, saveProfile} from '../../../src/lib/config/profiles.js'
import {runCli, tempHome} from '../../helpers/cli.js'

describe('hcal profile list with a corrupt profile file', () => {
  let home: Awaited<ReturnType<typeof tempHome>>
  beforeEach(async () => {
    home = await tempHome()
    await saveProfile('alpha', (p) => p, home.env)
    await saveProfile('gamma', (p) => p, home.env)
    await writeFile(profilePath('beta', home.env), '{"name": "beta", ')
  })
  afterEach(() => home.cleanup())

  it('lists the readable profiles and warns about the broken one: a partial success, exit 3', async () => {
    const run = await runCli(['profile', 'list', '--json'], {env: home.env})
    assert.equal(run.code, 3, run.stderr)
    const envelope = run.json as {status: number; result: {name: string}[]; warnings: string[]}
    assert.equal(envelope.status, 3)
    assert.deepEqual(
      envelope.result.map((p) => p.name),
      ['alpha', 'gamma'],
    )
    assert.equal(envelope.warnings.length, 1)
    assert.match(
      envelope.warnings[0] ?? '',
      /^Profile "beta" at .*beta\.json is not valid: .*hcal profile remove beta --yes/,
    )
  })

  it('prints the table for people and the warning on stderr', async () => {
    const run = await runCli(['profile', 'list'], {env: home.env})
    assert.equal(run.code, 3)
    assert.deepEqual(
      run.stdout
        .trim()
        .split('\n')
        .map((line) => line.split('\t')[0]),
      ['Profile', 'alpha', 'gamma'],
    )
    assert.match(run.stderr, /^! Profile "beta" at /m)
  })
})

import assert from 'node:assert/strict'

import {saveProfile} from '../../../src/lib/config/profiles.js'
import {runCli, tempHome} from '../../helpers/cli.js'
import {lockKeyring, withSecretService} from '../../helpers/secret-service.js'

interface ErrorEnvelope {
  status: number
  error: {code: string; message: string; suggestions: string[]}
}

describe('hcal secrets with a locked keyring', () => {
  const bus = withSecretService()
  let home: Awaited<ReturnType<typeof tempHome>>
  before(async () => {
    home = await tempHome()
    await saveProfile('default', (p) => p, home.env)
    const env = {...bus(), ...home.env}
    assert.equal((await runCli(['secrets', 'set', 'exchange.password', '--stdin'], {env, input: 'pw-123456'})).code, 0)
    assert.equal((await runCli(['keys', 'rotate'], {env})).code, 0)
    lockKeyring(bus())
  })
  after(() => home.cleanup())
  const cli = (args: string[], input?: string) => runCli(args, {env: {...bus(), ...home.env}, input})

  it('fails to store with KEYCHAIN_UNAVAILABLE saying the keyring is locked', async () => {
    const run = await cli(['secrets', 'set', 'microsoft.clientSecret', '--stdin', '--json'], 'client-secret-1')
    assert.equal(run.code, 1)
    const {error} = run.json as ErrorEnvelope
    assert.equal(error.code, 'KEYCHAIN_UNAVAILABLE')
    assert.match(error.message, /locked/)
    assert.match(error.suggestions.join(' '), /Unlock the login keyring/)
  })

  it('never mistakes a locked keyring for a missing data key (no new key, no unreadable store)', async () => {
    const run = await cli(['keys', 'rotate', '--json'])
    assert.equal(run.code, 1)
    const {error} = run.json as ErrorEnvelope
    assert.equal(error.code, 'KEYCHAIN_UNAVAILABLE')
    assert.match(error.message, /could not read store\.dataKey: the keyring is locked/)
    const doctor = await cli(['doctor', '--json'])
    assert.equal(doctor.code, 1)
    assert.match((doctor.json as ErrorEnvelope).error.message, /keychain/)
  })

  it('still lists names and ages from its index, marked unverified, with a warning saying why', async () => {
    const run = await cli(['secrets', 'list', '--json'])
    assert.equal(run.code, 0, run.stderr)
    const envelope = run.json as {result: {secrets: {name: string; status: string}[]}; warnings: string[]}
    assert.deepEqual(
      envelope.result.secrets.map((s) => [s.name, s.status]),
      [
        ['exchange.password', 'unverified'],
        ['store.dataKey', 'unverified'],
      ],
    )
    assert.match(envelope.warnings.join(' '), /keyring is locked/)
  })
})

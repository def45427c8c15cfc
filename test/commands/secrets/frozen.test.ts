import assert from 'node:assert/strict'

import {runCli, tempHome} from '../../helpers/cli.js'
import {type SecretServiceSession, startSecretService} from '../../helpers/secret-service.js'

interface ErrorEnvelope {
  error: {code: string; message: string; suggestions: string[]}
}

describe('hcal secrets with a Secret Service that stopped answering', () => {
  let session: SecretServiceSession
  let home: Awaited<ReturnType<typeof tempHome>>
  before(async function () {
    this.timeout(20_000)
    session = await startSecretService()
    home = await tempHome()
    session.freeze?.()
  })
  after(async () => {
    await session.stop()
    await home.cleanup()
  })

  it('gives up with KEYCHAIN_UNAVAILABLE (did not answer in time) instead of hanging', async () => {
    const run = await runCli(['secrets', 'set', 'exchange.password', '--stdin', '--json'], {
      env: {...session.env, ...home.env},
      input: 'pw-frozen-1',
      timeoutMs: 15_000,
    })
    assert.equal(run.code, 1, run.stderr)
    const {error} = run.json as ErrorEnvelope
    assert.equal(error.code, 'KEYCHAIN_UNAVAILABLE')
    // Our 5 s budget or the bus's own reply timeout ended the wait; a hung CLI would have been killed at
    // 15 s (runCli's timeoutMs), failing the exit code above: nothing here depends on how fast it was.
    assert.match(error.message, /did not answer in time/)
  })
})

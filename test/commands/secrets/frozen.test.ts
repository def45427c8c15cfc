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

  it('gives up within the keychain budget with KEYCHAIN_UNAVAILABLE instead of hanging', async () => {
    const run = await runCli(['secrets', 'set', 'exchange.password', '--stdin', '--json'], {
      env: {...session.env, ...home.env},
      input: 'pw-frozen-1',
      timeoutMs: 15_000,
    })
    assert.equal(run.code, 1, run.stderr)
    const {error} = run.json as ErrorEnvelope
    assert.equal(error.code, 'KEYCHAIN_UNAVAILABLE')
    assert.match(error.message, /did not answer in time/)
    // 5 s keychain budget plus process start-up.
    assert.ok(run.durationMs < 6000, `took ${run.durationMs} ms`)
  })
})

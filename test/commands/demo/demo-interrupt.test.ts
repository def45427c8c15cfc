import assert from 'node:assert/strict'

import {startCli} from '../../helpers/cli.js'
import {accountsUnder, withSecretService} from '../../helpers/secret-service.js'
import {demoHome} from './demo-home.js'

describe('hcal demo interrupted (built CLI, a Secret Service running)', function () {
  this.timeout(240_000)
  const bus = withSecretService()

  /** Starts a demo, waits until its users are activated (secrets and data exist by then), then signals it. */
  async function interrupted(signals: number) {
    const home = await demoHome()
    try {
      const cli = startCli(['demo'], {env: {...bus(), ...home.env}, timeoutMs: 200_000})
      await cli.waitForStderr(/Users and rooms/)
      cli.signal('SIGINT')
      if (signals > 1) {
        // The second Ctrl-C forces the exit without waiting for the run to wind down.
        await cli.waitForStderr(/Received SIGINT; stopping/)
        cli.signal('SIGINT')
      }
      const run = await cli.exit
      return {run, leftovers: await home.leftovers()}
    } finally {
      await home.cleanup()
    }
  }

  for (const signals of [1, 2]) {
    it(`stops on ${signals === 1 ? 'Ctrl-C' : 'a second Ctrl-C (forced)'} with exit 130 and leaves nothing behind, in the keychain either`, async function () {
      const {run, leftovers} = await interrupted(signals)
      assert.equal(run.code, 130, run.stderr)
      assert.match(run.stderr, /INTERRUPTED/)
      assert.doesNotMatch(run.stderr, /Done in/)
      assert.deepEqual(leftovers, [])
      assert.deepEqual(accountsUnder(bus(), 'hcal:demo'), [])
      assert.deepEqual(accountsUnder(bus(), 'hcal:default'), [])
    })
  }
})

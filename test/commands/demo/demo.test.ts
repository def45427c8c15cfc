import assert from 'node:assert/strict'
import {existsSync} from 'node:fs'

import type {DemoResult} from '../../../src/commands/demo.js'
import {runCli} from '../../helpers/cli.js'
import {demoHome} from './demo-home.js'

interface Envelope {
  status: number
  result: DemoResult
  warnings: string[]
}

describe('hcal demo (built CLI, its own in-process sandbox)', function () {
  this.timeout(240_000)

  it('tells the whole story headless (no D-Bus, no Secret Service) and leaves nothing behind', async function () {
    const home = await demoHome()
    try {
      const run = await runCli(['demo', '--json'], {
        env: {
          ...home.env,
          DBUS_SESSION_BUS_ADDRESS: undefined,
          // A real setup's settings must not leak into the demo: a store key that fits no store, another profile.
          HCAL_STORE_KEY: 'not-a-key',
          HCAL_PROFILE: 'acme',
        },
        timeoutMs: 200_000,
      })
      assert.equal(run.code, 0, run.stderr || run.stdout)
      const {status, result} = run.json as Envelope
      assert.equal(status, 0)
      assert.equal(result.secrets.store, 'memory')
      assert.deepEqual(result.sandbox.providers, ['google', 'microsoft', 'exchange'])
      assert.deepEqual(
        result.provisioning.map((step) => [step.provider, step.checks.some((check) => check.status === 'fail')]),
        [
          ['google', false],
          ['microsoft', false],
          ['exchange', false],
        ],
      )
      assert.ok(result.provisioning.every((step) => step.checks.length > 0))
      assert.deepEqual(
        result.domains.map((entry) => [entry.provider, entry.added]),
        [
          ['google', true],
          ['microsoft', true],
          ['exchange', true],
        ],
      )
      assert.equal(result.activation.error + result.activation.pending, 0, JSON.stringify(result.activation.users))
      assert.equal(result.activation.active, result.activation.users.length)
      assert.ok(result.activation.users.some((user) => user.kind === 'room'))
      assert.equal(result.sync.failedUsers, 0)
      assert.equal(result.sync.users, result.activation.active)
      assert.ok(result.sync.joinBlocks.written > 0)

      const meeting = result.keywordMeeting
      assert.equal(meeting.before.joinBlocks.length, 0)
      assert.equal(meeting.after.joinBlocks.length, 1, JSON.stringify(meeting.after))
      assert.equal(meeting.after.location, meeting.before.location)
      assert.match(meeting.after.joinBlocks[0]?.join('\n') ?? '', /https:\/\/acme\.webex\.com\//)

      assert.equal(result.meetings.mailbox, meeting.mailbox)
      assert.ok(result.meetings.excerpt.length > 0)
      assert.ok(result.meetings.total >= result.meetings.excerpt.length)
      assert.ok(result.obtp.meetings > 0)
      assert.ok(result.obtp.keywordMeeting, 'the keyword meeting has a Join button plan')
      assert.ok(result.obtp.keywordMeeting.targets.some((target) => target.email === meeting.mailbox))
      assert.ok(result.presence.outOfOffice.length > 0)
      assert.ok(result.presence.outOfOffice.every((entry) => entry.state !== 'off'))

      assert.equal(result.doctor.ok, true, JSON.stringify(result.doctor.checks))
      // The keychain probe is not run, and the result says why: the demo's secrets never go near a keychain.
      assert.equal(
        result.doctor.checks.some((check) => check.id === 'keychain'),
        false,
      )
      assert.deepEqual(
        result.doctor.skipped.map((skip) => skip.id),
        ['keychain'],
      )
      assert.deepEqual(
        result.doctor.checks.filter((check) => check.status === 'fail'),
        [],
      )
      for (const id of ['store', 'google.token', 'microsoft.token', 'exchange.impersonation']) {
        assert.ok(
          result.doctor.checks.some((check) => check.id === id),
          `doctor ran ${id}`,
        )
      }

      assert.equal(result.change.pickedUp, true, JSON.stringify(result.change))
      assert.equal(result.change.after.joinBlocks.length, 1)
      assert.ok(result.change.sync.joinBlocks.written >= 1)
      assert.ok(result.change.sync.meetingsRead < result.sync.meetingsRead, 'the second sync read only what changed')

      assert.equal(result.cleanup.removed, true)
      assert.equal(existsSync(result.cleanup.workspace), false)
      assert.ok(result.cleanup.workspace.startsWith(home.tmp), result.cleanup.workspace)
      assert.deepEqual(await home.leftovers(), [])
    } finally {
      await home.cleanup()
    }
  })
})

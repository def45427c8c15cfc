import assert from 'node:assert/strict'

import {runCli, tempHome} from '../helpers/cli.js'
import {startBareBus, withSecretService} from '../helpers/secret-service.js'

interface Check {
  name: string
  status: 'pass' | 'warn' | 'fail'
  detail: string
  fix?: string
}

describe('hcal doctor', () => {
  const bus = withSecretService()
  let home: Awaited<ReturnType<typeof tempHome>>
  beforeEach(async () => (home = await tempHome()))
  afterEach(() => home.cleanup())

  it('passes with a reachable keychain: probe written, read, deleted; store opened and migrated', async () => {
    const run = await runCli(['doctor', '--json', '--profile', 'doc'], {env: {...bus(), ...home.env}})
    assert.equal(run.code, 0, run.stdout + run.stderr)
    const {result} = run.json as {result: {ok: boolean; checks: Check[]}}
    assert.equal(result.ok, true)
    const byName = Object.fromEntries(result.checks.map((c) => [c.name, c]))
    assert.deepEqual(Object.keys(byName), ['node', 'config', 'keychain', 'store'])
    assert.equal(byName.node?.status, 'pass')
    // No profile yet: a warning with the next step, not a failure.
    assert.equal(byName.config?.status, 'warn')
    assert.match(byName.config?.fix ?? '', /hcal provision|hcal sandbox start/)
    assert.equal(byName.keychain?.status, 'pass')
    assert.equal(byName.store?.status, 'pass')
    assert.match(byName.store?.detail ?? '', /schema version [1-9]/)
  })

  it('prints a table on stdout for people', async () => {
    const run = await runCli(['doctor', '--profile', 'doc'], {env: {...bus(), ...home.env}})
    assert.equal(run.code, 0, run.stderr)
    const lines = run.stdout.trim().split('\n')
    assert.equal(lines[0], 'Check\tStatus\tDetail\tFix')
    assert.match(lines.find((l) => l.startsWith('keychain')) ?? '', /^keychain\tpass\t/)
  })

  for (const [situation, environment] of [
    [
      'no D-Bus session at all',
      async () => ({env: {DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus'}, stop: async () => {}}),
    ],
    ['a D-Bus session without any Secret Service', startBareBus],
  ] as const) {
    it(`fails within 5 s with the fix when there is ${situation}`, async () => {
      const session = await environment()
      try {
        const run = await runCli(['doctor', '--json', '--profile', 'doc'], {env: {...home.env, ...session.env}})
        assert.equal(run.code, 1)
        assert.ok(run.durationMs < 5000, `took ${Math.round(run.durationMs)} ms`)
        const envelope = run.json as {error: {code: string; suggestions: string[]; data: {checks: Check[]}}}
        assert.equal(envelope.error.code, 'DOCTOR_FAILED')
        const keychain = envelope.error.data.checks.find((c) => c.name === 'keychain')
        assert.equal(keychain?.status, 'fail')
        assert.match(keychain?.fix ?? '', /gnome-keyring|Secret Service/)
        assert.match(envelope.error.suggestions.join(' '), /HCAL_/)
      } finally {
        await session.stop()
      }
    })
  }
})

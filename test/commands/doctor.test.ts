import assert from 'node:assert/strict'
import {readdir} from 'node:fs/promises'

import {saveProfile} from '../../src/lib/config/profiles.js'
import {createSecretStore} from '../../src/lib/secrets/index.js'
import {openStateStore} from '../../src/lib/store/index.js'
import {storeKey} from '../fixtures/events/seed-store.js'
import {runCli, tempHome} from '../helpers/cli.js'
import {accountsUnder, startBareBus, withSecretService} from '../helpers/secret-service.js'

interface Check {
  id: string
  status: 'pass' | 'warn' | 'fail'
  message: string
  fix?: string
}

interface FailedEnvelope {
  error: {code: string; message: string; suggestions: string[]; data: {checks: Check[]}}
}

const byName = (checks: Check[]) => Object.fromEntries(checks.map((c) => [c.id, c]))

describe('hcal doctor', () => {
  const bus = withSecretService()
  let home: Awaited<ReturnType<typeof tempHome>>
  beforeEach(async () => (home = await tempHome()))
  afterEach(() => home.cleanup())

  /** A configured profile "doc" whose state store exists, sealed with `key`. */
  async function configuredWithStore(key: string): Promise<void> {
    await saveProfile('doc', (p) => ({...p, meetings: {site: 'acme'}}), home.env)
    const secrets = createSecretStore({profile: 'doc', backend: 'memory', env: {HCAL_STORE_KEY: key}})
    ;(await openStateStore({profile: 'doc', secrets, dataDir: home.env.HCAL_DATA_DIR})).close()
  }

  it('passes with a reachable keychain and leaves nothing behind for an unconfigured profile', async () => {
    const run = await runCli(['doctor', '--json', '--profile', 'doc'], {env: {...bus(), ...home.env}})
    assert.equal(run.code, 0, run.stdout + run.stderr)
    const {result} = run.json as {result: {ok: boolean; checks: Check[]}}
    assert.equal(result.ok, true)
    const checks = byName(result.checks)
    assert.deepEqual(Object.keys(checks), ['node', 'config', 'meetings', 'keychain', 'store'])
    assert.equal(checks.node?.status, 'pass')
    // No profile yet: a warning with the next step, not a failure.
    assert.equal(checks.config?.status, 'warn')
    assert.match(checks.config?.fix ?? '', /hcal provision|hcal sandbox start/)
    assert.equal(checks.keychain?.status, 'pass')
    assert.equal(checks.store?.status, 'pass')
    assert.match(checks.store?.message ?? '', /no state store yet; .*doctor created nothing/)
    // No state store, no data key, no probe item left: nothing at all.
    assert.deepEqual(await readdir(home.dir, {recursive: true}), [])
    assert.deepEqual(accountsUnder(bus(), 'hcal:doc'), [])
  })

  it('reads an existing store without changing it: schema version and the data key it needs', async () => {
    const key = storeKey()
    await configuredWithStore(key)
    const before = (await readdir(home.dir, {recursive: true})).sort()
    const run = await runCli(['doctor', '--json', '--profile', 'doc'], {
      env: {...bus(), ...home.env, HCAL_STORE_KEY: key},
    })
    assert.equal(run.code, 0, run.stdout)
    const checks = byName((run.json as {result: {checks: Check[]}}).result.checks)
    assert.match(checks.store?.message ?? '', /at schema version [1-9]\d*; its data key is present$/)
    assert.deepEqual((await readdir(home.dir, {recursive: true})).sort(), before)

    const wrongKey = await runCli(['doctor', '--json', '--profile', 'doc'], {
      env: {...bus(), ...home.env, HCAL_STORE_KEY: storeKey()},
    })
    assert.equal(wrongKey.code, 1)
    const store = byName((wrongKey.json as FailedEnvelope).error.data.checks).store
    assert.equal(store?.status, 'fail')
    assert.match(store?.message ?? '', /needs data key/)
  })

  it('fails on invalid meeting settings (a bad site, a lead that is not a number), naming both', async () => {
    await saveProfile('doc', (p) => ({...p, meetings: {site: 'BAD SITE', obtp: {leadMinutes: 'ten'}}}), home.env)
    const run = await runCli(['doctor', '--json', '--profile', 'doc'], {env: {...bus(), ...home.env}})
    assert.equal(run.code, 1)
    const {error} = run.json as FailedEnvelope
    assert.equal(error.code, 'DOCTOR_FAILED')
    const meetings = byName(error.data.checks).meetings
    assert.equal(meetings?.status, 'fail')
    assert.match(meetings?.message ?? '', /"meetings\.site" must be a site name/)
    assert.match(meetings?.message ?? '', /"meetings\.obtp\.leadMinutes" must be a whole number/)
    assert.match(meetings?.fix ?? '', /hcal meetings settings/)
  })

  it('warns when keywords cannot give a join address because no site is set', async () => {
    await saveProfile('doc', (p) => ({...p, meetings: {defaultLanguage: 'de'}}), home.env)
    const run = await runCli(['doctor', '--json', '--profile', 'doc'], {env: {...bus(), ...home.env}})
    assert.equal(run.code, 0, run.stdout)
    const meetings = byName((run.json as {result: {checks: Check[]}}).result.checks).meetings
    assert.equal(meetings?.status, 'warn')
    assert.match(meetings?.message ?? '', /@webex: The join templates for @webex need a site/)
    assert.equal(meetings?.fix, 'Set your site with "hcal meetings settings --site acme" (for acme.webex.com).')
  })

  it('prints a table on stdout for people', async () => {
    const run = await runCli(['doctor', '--profile', 'doc'], {env: {...bus(), ...home.env}})
    assert.equal(run.code, 0, run.stderr)
    const lines = run.stdout.trim().split('\n')
    assert.equal(lines[0], 'Check\tStatus\tMessage\tFix')
    assert.match(lines.find((l) => l.startsWith('keychain')) ?? '', /^keychain\tpass\t/)
  })

  for (const [situation, environment] of [
    [
      'no D-Bus session at all',
      async () => ({env: {DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus'}, stop: async () => {}}),
    ],
    ['a D-Bus session without any Secret Service', startBareBus],
  ] as const) {
    it(`fails at once (no timeout) with the fix, printed once, when there is ${situation}`, async () => {
      const session = await environment()
      try {
        // The store exists and its key is in the (unreachable) keychain: two checks fail for one reason.
        await configuredWithStore(storeKey())
        const run = await runCli(['doctor', '--json', '--profile', 'doc'], {env: {...home.env, ...session.env}})
        assert.equal(run.code, 1)
        const {error} = run.json as FailedEnvelope
        assert.equal(error.code, 'DOCTOR_FAILED')
        const checks = byName(error.data.checks)
        assert.equal(checks.keychain?.status, 'fail')
        assert.doesNotMatch(checks.keychain?.message ?? '', /timed out/)
        assert.match(checks.keychain?.fix ?? '', /gnome-keyring|Secret Service/)
        assert.equal(checks.store?.status, 'fail')
        assert.equal(checks.store?.fix, 'Same fix as the "keychain" check.')
        assert.deepEqual(error.suggestions, [checks.keychain?.fix])
        assert.match(error.suggestions.join(' '), /HCAL_/)

        const human = await runCli(['doctor', '--profile', 'doc'], {env: {...home.env, ...session.env}})
        assert.equal(human.code, 1)
        const fixSentence = /dbus-run-session/g
        assert.equal((human.stdout + human.stderr).match(fixSentence)?.length, 1, human.stdout + human.stderr)
      } finally {
        await session.stop()
      }
    })
  }
})

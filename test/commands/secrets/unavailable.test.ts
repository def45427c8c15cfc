import assert from 'node:assert/strict'
import {spawn, spawnSync} from 'node:child_process'
import {readdir} from 'node:fs/promises'
import {join} from 'node:path'

import {saveProfile} from '../../../src/lib/config/profiles.js'
import {REPO_ROOT, runCli, tempHome} from '../../helpers/cli.js'
import {type SecretServiceSession, startBareBus} from '../../helpers/secret-service.js'

interface ErrorEnvelope {
  status: number
  error: {code: string; message: string; suggestions: string[]}
}

const UNREACHABLE_BUS = 'unix:path=/nonexistent/hcal-test-bus'

/** Runs `hcal secrets set` in a fresh kernel session keyring and prints that keyring afterwards. */
function setInKernelSession(env: NodeJS.ProcessEnv, input: string): Promise<{code: number | null; output: string}> {
  if (spawnSync('sh', ['-c', 'command -v keyctl']).status !== 0) {
    throw new Error('keyctl not found: apt-get install -y --no-install-recommends keyutils')
  }
  return new Promise((resolve, reject) => {
    const script = `node bin/run.js secrets set exchange.password --stdin --json; echo "exit=$?"; keyctl show @s`
    const child = spawn('keyctl', ['session', '-', 'sh', '-c', script], {
      cwd: REPO_ROOT,
      env: {...process.env, ...env},
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({code, output}))
    child.stdin.end(input)
  })
}

describe('hcal secrets without a usable keychain', () => {
  let home: Awaited<ReturnType<typeof tempHome>>
  beforeEach(async () => {
    home = await tempHome()
    await saveProfile('default', (p) => p, home.env)
  })
  afterEach(() => home.cleanup())
  const env = () => ({...home.env, DBUS_SESSION_BUS_ADDRESS: UNREACHABLE_BUS})

  it('fails with KEYCHAIN_UNAVAILABLE from the bus error itself (no wait for the deadline) and says how to fix it', async () => {
    for (const args of [
      ['secrets', 'set', 'exchange.password', '--stdin', '--json'],
      ['secrets', 'delete', 'exchange.password', '--json'],
      ['secrets', 'list', '--json'],
      ['keys', 'rotate', '--json'],
    ]) {
      const run = await runCli(args, {env: env(), input: 'pw-unreachable-1'})
      assert.equal(run.code, 1, run.stderr)
      const {error} = run.json as ErrorEnvelope
      assert.equal(error.code, 'KEYCHAIN_UNAVAILABLE')
      assert.match(error.message, /no reachable D-Bus session bus/)
      assert.match(error.suggestions.join(' '), /dbus-run-session .*gnome-keyring-daemon --unlock/)
      assert.match(error.suggestions.join(' '), /HCAL_EXCHANGE_PASSWORD/)
      assert.doesNotMatch(error.message, /timed out/, `${args.join(' ')} waited for the deadline`)
    }
    const doctor = await runCli(['doctor', '--json'], {env: env()})
    assert.equal(doctor.code, 1)
    assert.match(JSON.stringify(doctor.json), /keychain/)
  })

  it('writes the secret nowhere else: no index file, no kernel keyring entry', async () => {
    const canary = 'CANARY-kernel-keyring-5b1d'
    const {output} = await setInKernelSession(env(), canary)
    assert.match(output, /KEYCHAIN_UNAVAILABLE/)
    assert.match(output, /exit=1/)
    assert.match(output, /Keyring\n/, 'keyctl printed the session keyring')
    assert.ok(!/hcal|exchange\.password|keyring-rs/.test(output.slice(output.indexOf('exit='))), output)
    assert.ok(!output.includes(canary))
    const written = await readdir(home.dir, {recursive: true}).catch(() => [])
    assert.ok(!written.some((path) => join(home.dir, path).includes('secrets-index')), written.join(', '))
  })

  describe('on a bus where no Secret Service runs', () => {
    let bare: SecretServiceSession
    before(async () => (bare = await startBareBus()))
    after(() => bare.stop())

    it('says no program provides org.freedesktop.secrets, and how to start one', async () => {
      const run = await runCli(['secrets', 'set', 'exchange.password', '--stdin', '--json'], {
        env: {...home.env, ...bare.env},
        input: 'pw-no-provider-1',
      })
      assert.equal(run.code, 1)
      const {error} = run.json as ErrorEnvelope
      assert.equal(error.code, 'KEYCHAIN_UNAVAILABLE')
      assert.match(error.message, /no program provides the Secret Service \(org\.freedesktop\.secrets\)/)
      assert.match(error.suggestions.join(' '), /gnome-keyring-daemon --components=secrets/)
    })
  })
})

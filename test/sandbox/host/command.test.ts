import assert from 'node:assert/strict'
import {readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'

import {request} from 'undici'

import {runCli, startCli, tempHome} from '../../helpers/cli.js'
import {lookupSecret, withSecretService} from '../../helpers/secret-service.js'
import {trustingAgent} from '../../helpers/trusted-agent.js'

async function waitForFile(path: string, exit: Promise<unknown>): Promise<string> {
  let exited = false
  void exit.then(() => (exited = true))
  for (let i = 0; i < 200 && !exited; i++) {
    const text = await readFile(path, 'utf8').catch(() => '')
    if (text.endsWith('\n')) return text
    await sleep(100)
  }
  throw new Error(`${path} did not appear`)
}

interface StartEnvelope {
  status: number
  result: {origin: string; caFile: string; profile: string; providers: string[]; endpoints: {service: string}[]}
}

describe('hcal sandbox start (built CLI, private Secret Service)', function () {
  const bus = withSecretService()

  it('serves until SIGINT, writes a ready file and a sandbox profile with keychain secrets, prints no secret', async function () {
    const home = await tempHome()
    const controlToken = 'test-control-token-0123456789'
    try {
      const readyFile = join(home.dir, 'ready.json')
      const cli = startCli(['sandbox', 'start', '--port', '0', '--users', '5', '--ready-file', readyFile, '--json'], {
        env: {...bus(), ...home.env, HCAL_SANDBOX_CONTROL_TOKEN: controlToken},
      })
      const ready = JSON.parse(await waitForFile(readyFile, cli.exit)) as Record<string, unknown>
      assert.deepEqual(Object.keys(ready).sort(), ['caFile', 'origin', 'pid', 'profile'])
      assert.equal(ready.profile, 'sandbox')
      const origin = String(ready.origin)
      const caPem = await readFile(String(ready.caFile), 'utf8')

      const agent = trustingAgent(caPem)
      const health = await request(`${origin}/_sandbox/health`, {dispatcher: agent})
      assert.equal(health.statusCode, 200)
      const {providers} = (await health.body.json()) as {providers: string[]}
      // All three emulators run here; each block below then checks its provider unconditionally.
      assert.deepEqual(providers, ['google', 'microsoft', 'exchange'])
      const faults = await request(`${origin}/_sandbox/faults`, {
        dispatcher: agent,
        headers: {authorization: `Bearer ${controlToken}`},
      })
      assert.equal(faults.statusCode, 200)
      await faults.body.dump()
      await agent.close()

      const profile = JSON.parse(await readFile(join(home.dir, 'config', 'profiles', 'sandbox.json'), 'utf8')) as {
        caFile: string
        google?: {clientEmail: string; testUser: string}
        microsoft?: {auth: string}
        exchange?: {ewsUrl: string}
        endpoints: {google?: {tokenUrl: string}; microsoft?: {graphOrigin: string}}
      }
      assert.equal(profile.caFile, ready.caFile)
      const secretValues = [controlToken]
      assert.equal(profile.endpoints.google?.tokenUrl.startsWith(origin), true)
      const key = lookupSecret(bus(), 'hcal:sandbox', 'google.serviceAccountKey')
      const parsed = JSON.parse(key ?? '{}') as {client_email?: string; private_key?: string}
      assert.equal(parsed.client_email, profile.google?.clientEmail)
      assert.match(parsed.private_key ?? '', /BEGIN PRIVATE KEY/)
      secretValues.push(parsed.private_key ?? 'missing')

      assert.equal(profile.endpoints.microsoft?.graphOrigin.startsWith(origin), true)
      const secret = lookupSecret(bus(), 'hcal:sandbox', 'microsoft.clientSecret')
      assert.ok(secret && secret.length > 8)
      secretValues.push(secret)

      assert.equal(profile.exchange?.ewsUrl.startsWith(origin), true)
      const password = lookupSecret(bus(), 'hcal:sandbox', 'exchange.password')
      assert.ok(password && password.length > 4)
      secretValues.push(password)

      // Stopping is how a sandbox ends: exit 0 on SIGINT, by design (README, exit codes).
      cli.signal('SIGINT')
      assert.equal((await cli.exit).code, 0, cli.stderr())
      const envelope = JSON.parse(cli.stdout()) as StartEnvelope
      assert.equal(envelope.status, 0)
      assert.equal(envelope.result.origin, origin)
      assert.deepEqual(envelope.result.providers, providers)
      assert.ok(envelope.result.endpoints.some((e) => e.service === 'Control API'))
      const printed = cli.stdout() + cli.stderr() + (await readFile(readyFile, 'utf8'))
      const profileText = await readFile(join(home.dir, 'config', 'profiles', 'sandbox.json'), 'utf8')
      for (const secret of secretValues) {
        assert.ok(!printed.includes(secret), 'a secret was printed')
        assert.ok(!profileText.includes(secret), 'a secret was written to the profile')
      }
    } finally {
      await home.cleanup()
    }
  })

  it('rejects bad --faults and --latency with usage errors before starting', async function () {
    const home = await tempHome()
    try {
      const faults = await runCli(['sandbox', 'start', '--port', '0', '--faults', '{"resetRate":3}', '--json'], {
        env: home.env,
      })
      assert.equal(faults.code, 2)
      const error = (faults.json as {error: {code: string; message: string}}).error
      assert.equal(error.code, 'SANDBOX_FAULTS_INVALID')
      assert.match(error.message, /resetRate must be a number from 0 to 1/)
      const latency = await runCli(['sandbox', 'start', '--port', '0', '--latency', '80-20', '--json'], {env: home.env})
      assert.equal(latency.code, 2)
      assert.equal((latency.json as {error: {code: string}}).error.code, 'SANDBOX_LATENCY_INVALID')
    } finally {
      await home.cleanup()
    }
  })
})

import assert from 'node:assert/strict'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import type {ProvisionStatusResult} from '../../../src/commands/provision/status.js'
import {passed} from '../../../src/lib/provisioning/checks.js'
import {saveProvisioning, summariseProof} from '../../../src/lib/provisioning/record.js'
import type {ConnectionStatus} from '../../../src/lib/provisioning/status.js'
import {recordScopeTest} from '../../../src/lib/scope/record.js'
import {createSecretStore, SECRET_DEFINITIONS, SECRET_NAMES} from '../../../src/lib/secrets/index.js'
import {writeSandboxProfile} from '../../../src/sandbox/host/profile.js'
import {startSandbox} from '../../../src/sandbox/host/start.js'
import {caCertificatePath} from '../../../src/sandbox/host/tls.js'
import {runCli, tempHome} from '../../helpers/cli.js'
import {withSecretService} from '../../helpers/secret-service.js'

interface Envelope {
  status: number
  result: ProvisionStatusResult
}
interface ErrorEnvelope {
  status: number
  error: {code: string; message: string; suggestions: string[]; data: {connections: ConnectionStatus[]}}
}

const DAY_MS = 86_400_000
const daysFromNow = (days: number) => new Date(Date.now() + days * DAY_MS).toISOString()
const THUMBPRINT = 'A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F90'

describe('hcal provision status', function () {
  this.timeout(60_000)
  const bus = withSecretService()
  let home: Awaited<ReturnType<typeof tempHome>>
  /** The sandbox's secrets, as the documented CI variables. */
  let secretEnv: NodeJS.ProcessEnv
  let testMailbox: string

  beforeEach(async () => {
    home = await tempHome()
    // A ready profile, as "hcal sandbox start" writes it; the sandbox is stopped before hcal runs, so any
    // network call would fail: status makes none.
    const stateDir = await mkdtemp(join(tmpdir(), 'hcal-status-'))
    const sandbox = await startSandbox({stateDir, users: 2, events: 0, rooms: 0})
    try {
      const secrets = createSecretStore({profile: 'acme', backend: 'memory', env: {}})
      await writeSandboxProfile(sandbox, 'acme', caCertificatePath(stateDir), secrets, home.env)
      secretEnv = {}
      for (const name of SECRET_NAMES) {
        const value = await secrets.get(name)
        if (value !== undefined) secretEnv[SECRET_DEFINITIONS[name].env] = value
      }
      testMailbox = sandbox.seedData.microsoft?.users[0]?.email ?? ''
    } finally {
      await sandbox.stop()
      await rm(stateDir, {recursive: true, force: true})
    }
  })
  afterEach(() => home.cleanup())

  const status = (env: NodeJS.ProcessEnv, json = true) =>
    runCli(['provision', 'status', '--profile', 'acme', ...(json ? ['--json'] : [])], {
      env: {...bus(), ...home.env, ...env},
    })
  const byProvider = (connections: ConnectionStatus[]) => new Map(connections.map((c) => [c.provider, c]))
  const check = (connection: ConnectionStatus | undefined, id: string) =>
    connection?.checks.find((c) => c.id === `${connection.provider}.${id}`)

  /** Records a Microsoft certificate expiring at `expiresAt` and a passing proof, through the record module. */
  async function recordMicrosoft(expiresAt: string): Promise<void> {
    await saveProvisioning(
      'acme',
      'microsoft',
      () => ({
        record: {
          credential: {kind: 'certificate', storedAt: daysFromNow(-100), fingerprint: THUMBPRINT, expiresAt},
          lastProof: summariseProof(
            [passed('token', 'roles present'), passed('mailbox', 'calendar read')],
            testMailbox,
            new Date('2026-11-30T10:00:00Z'),
          ),
        },
      }),
      home.env,
    )
  }

  it('lists each connection; one never proven says so and names "hcal provision <id> --test-user"', async () => {
    const run = await status(secretEnv)
    assert.equal(run.code, 0, run.stdout)
    const {result} = run.json as Envelope
    assert.deepEqual(
      result.connections.map((c) => [c.provider, c.status, c.lastProof]),
      [
        ['google', 'warn', null],
        ['microsoft', 'warn', null],
        ['exchange', 'warn', null],
      ],
    )
    const microsoft = byProvider(result.connections).get('microsoft')
    assert.match(microsoft?.summary ?? '', /^tenant .*, app .* \(secret\)$/)
    const proof = check(microsoft, 'proof')
    assert.deepEqual([proof?.status, proof?.message, proof?.code], ['warn', 'never proven', 'NOT_PROVEN'])
    assert.match(proof?.fix ?? '', /"hcal provision microsoft --test-user EMAIL"/)
    assert.deepEqual(microsoft?.credential.secrets, [{name: 'microsoft.clientSecret', source: 'env', storedAt: null}])
    assert.equal(check(microsoft, 'scope')?.status, 'skip')
    assert.equal(check(byProvider(result.connections).get('google'), 'scope'), undefined, 'Google has no scope')
    for (const value of Object.values(secretEnv)) assert.ok(!run.stdout.includes(value ?? ''), 'no secret value')
  })

  it('warns about a certificate that expires within 30 days, with its age, thumbprint and the last proof', async () => {
    await recordMicrosoft(daysFromNow(10.5))
    await recordScopeTest(
      'acme',
      'microsoft',
      {at: '2026-11-30T11:00:00.000Z', passed: true, in: 'in@acme.test', out: 'out@acme.test', code: null},
      home.env,
    )
    const run = await status(secretEnv)
    assert.equal(run.code, 0, 'a warning does not fail the run')
    const microsoft = byProvider((run.json as Envelope).result.connections).get('microsoft')
    assert.equal(microsoft?.status, 'warn')
    const credential = check(microsoft, 'credential')
    assert.deepEqual([credential?.status, credential?.code], ['warn', 'CREDENTIAL_EXPIRING'])
    assert.match(credential?.message ?? '', /^the certificate expires in 10 days \(\d{4}-\d{2}-\d{2}\)$/)
    assert.deepEqual(
      [microsoft?.credential.kind, microsoft?.credential.ageDays, microsoft?.credential.fingerprint],
      ['certificate', 100, THUMBPRINT],
    )
    assert.equal(check(microsoft, 'proof')?.status, 'pass')
    assert.match(check(microsoft, 'proof')?.message ?? '', /^last proven 2026-11-30T10:00:00\.000Z with .*: 2 passed/)
    assert.deepEqual(microsoft?.lastProof?.passed, ['token', 'mailbox'])
    assert.match(check(microsoft, 'scope')?.message ?? '', /held at 2026-11-30T11:00:00\.000Z/)

    const human = await status(secretEnv, false)
    assert.equal(human.code, 0)
    assert.match(human.stdout, /^microsoft\.credential\twarn\tthe certificate expires in 10 days/m)
    assert.match(human.stdout, /^microsoft\.proof\tpass\tlast proven/m)
  })

  it('fails (exit 4) on an expired certificate, and keeps the whole status in the error', async () => {
    await recordMicrosoft(daysFromNow(-2))
    const run = await status(secretEnv)
    assert.equal(run.code, 4, run.stdout)
    const {error} = run.json as ErrorEnvelope
    assert.equal(error.code, 'PROVISION_STATUS_FAILED')
    assert.match(error.message, /microsoft\.credential/)
    assert.match(error.suggestions.join(' '), /Microsoft 365 console and store it with "hcal provision microsoft"/)
    const microsoft = byProvider(error.data.connections).get('microsoft')
    assert.equal(microsoft?.status, 'fail')
    assert.deepEqual(
      [check(microsoft, 'credential')?.status, check(microsoft, 'credential')?.code],
      ['fail', 'CREDENTIAL_EXPIRED'],
    )
    assert.match(check(microsoft, 'credential')?.message ?? '', /^the certificate expired on /)
  })

  it('reads keychain secrets from the secret list (stored date, no value) and fails a connection with none', async () => {
    const {HCAL_EXCHANGE_PASSWORD: password, ...others} = secretEnv
    const set = await runCli(['secrets', 'set', 'exchange.password', '--stdin', '--profile', 'acme'], {
      env: {...bus(), ...home.env},
      input: password,
    })
    assert.equal(set.code, 0, set.stderr)
    const {HCAL_GOOGLE_SERVICE_ACCOUNT_JSON: _google, ...withoutGoogle} = others
    const run = await status(withoutGoogle)
    assert.equal(run.code, 4, run.stdout)
    const connections = byProvider((run.json as ErrorEnvelope).error.data.connections)
    const exchange = connections.get('exchange')
    assert.equal(exchange?.credential.secrets[0]?.source, 'keychain')
    assert.equal(exchange?.credential.ageDays, 0)
    assert.ok(Date.parse(exchange?.credential.storedAt ?? '') <= Date.now())
    assert.match(check(exchange, 'credential')?.message ?? '', /stored 0 days ago/)
    const google = check(connections.get('google'), 'credential')
    assert.deepEqual([google?.status, google?.code], ['fail', 'CREDENTIAL_MISSING'])
    assert.match(google?.fix ?? '', /hcal provision google.*HCAL_GOOGLE_SERVICE_ACCOUNT_JSON/)
    assert.ok(!run.stdout.includes(password ?? '(none)'))
  })
})

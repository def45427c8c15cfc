import assert from 'node:assert/strict'
import {readFile, writeFile} from 'node:fs/promises'

import {runCli} from '../../helpers/cli.js'
import {withSecretService} from '../../helpers/secret-service.js'
import {type GoogleLab, profilePathOf, startGoogleLab} from './google-helpers.js'

interface DoctorCheck {
  id: string
  status: 'pass' | 'warn' | 'fail'
  message: string
  fix: string | null
  code: string | null
}

const GOOGLE_CHECKS = ['google.token', 'google.mailbox', 'google.clock', 'google.key-age']

describe('hcal doctor: Google token, mailbox, clock and key age (built CLI, sandbox)', function () {
  const bus = withSecretService()
  let lab: GoogleLab
  let alice: string

  before(async function () {
    lab = await startGoogleLab(bus)
    alice = lab.users[0] ?? ''
  })
  after(async () => lab.stop())
  afterEach(async () => lab.reset())

  async function doctor(profile: string) {
    const run = await runCli(['doctor', '--json', '--profile', profile], {env: {...bus(), ...lab.home.env}})
    const envelope = run.json as {
      result?: {checks: DoctorCheck[]}
      error?: {code: string; message: string; data: {checks: DoctorCheck[]}}
    }
    const checks = envelope.result?.checks ?? envelope.error?.data.checks ?? []
    return {run, envelope, byId: new Map(checks.map((entry) => [entry.id, entry]))}
  }

  async function provisioned(name: string): Promise<string> {
    const profile = await lab.profile(name)
    const run = await lab.provision(['--key-file', lab.keyFile, '--test-user', alice, '--profile', profile])
    assert.equal(run.code, 0, run.stderr)
    return profile
  }

  it('passes every Google check on a healthy provisioned profile (exit 0), and names google.token once the grant is removed', async function () {
    const profile = await provisioned('healthy')
    const healthy = await doctor(profile)
    assert.equal(healthy.run.code, 0, healthy.run.stdout)
    assert.deepEqual(
      GOOGLE_CHECKS.map((id) => [id, healthy.byId.get(id)?.status]),
      GOOGLE_CHECKS.map((id) => [id, 'pass']),
    )
    assert.match(
      healthy.byId.get('google.token')?.message ?? '',
      /delegated tokens for .*: calendar, gmail\.settings\.basic/,
    )
    assert.match(healthy.byId.get('google.key-age')?.message ?? '', /stored 0 days ago/)

    await lab.control('PUT', 'delegation', {scopes: []})
    const broken = await doctor(profile)
    assert.equal(broken.run.code, 1, broken.run.stdout)
    assert.equal(broken.envelope.error?.code, 'DOCTOR_FAILED')
    assert.match(broken.envelope.error?.message ?? '', /checks failed: google\.token\b/)
    const token = broken.byId.get('google.token')
    assert.deepEqual([token?.status, token?.code], ['fail', 'GOOGLE_DELEGATION_MISSING'])
    assert.match(token?.message ?? '', /scope:calendar FAIL, scope:gmail\.settings\.basic FAIL/)
    assert.match(token?.fix ?? '', /Domain-wide delegation, authorise client ID \d+/)
    assert.equal(broken.byId.get('google.mailbox')?.status, 'warn', 'nothing to read without a token')
  })

  it('fails google.mailbox when the Calendar API is disabled, and google.clock when the clock is 10 minutes off', async function () {
    const profile = await provisioned('mailbox')
    await lab.control('PUT', 'project/apis', {calendar: false})
    const apiOff = await doctor(profile)
    assert.equal(apiOff.run.code, 1)
    assert.deepEqual(
      [apiOff.byId.get('google.token')?.status, apiOff.byId.get('google.mailbox')?.code],
      ['pass', 'GOOGLE_API_DISABLED'],
    )
    await lab.control('PUT', 'project/apis', {calendar: true})
    await lab.control('PUT', 'clock', {offsetSeconds: 600})
    const skewed = await doctor(profile)
    assert.equal(skewed.run.code, 1)
    assert.deepEqual(
      [skewed.byId.get('google.clock')?.status, skewed.byId.get('google.clock')?.code],
      ['fail', 'CLOCK_SKEW'],
    )
    assert.match(skewed.byId.get('google.clock')?.message ?? '', /behind Google/)
  })

  it('warns google.key-age past 90 days (CREDENTIAL_OLD) without failing', async function () {
    const profile = await provisioned('old-key')
    const path = profilePathOf(lab, profile)
    const document = JSON.parse(await readFile(path, 'utf8')) as {
      provisioning: {google: {credential: {storedAt: string}}}
    }
    document.provisioning.google.credential.storedAt = new Date(Date.now() - 120 * 86_400_000).toISOString()
    await writeFile(path, JSON.stringify(document), {mode: 0o600})
    const old = await doctor(profile)
    assert.equal(old.run.code, 0, old.run.stdout)
    const age = old.byId.get('google.key-age')
    assert.deepEqual([age?.status, age?.code], ['warn', 'CREDENTIAL_OLD'])
    assert.match(age?.message ?? '', /is 120 days old \(policy: rotate within 90\)/)
    assert.match(age?.fix ?? '', /hcal provision google --key-file KEY\.json/)
  })

  it('does not go to the network for a connection without a test user: the proofs say why they were not run', async function () {
    const profile = await lab.profile('no-user')
    const run = await lab.provision(['--key-file', lab.keyFile, '--profile', profile])
    assert.equal(run.code, 0, run.stderr)
    const before = lab.sandbox.sandbox.context.log.all().length
    const result = await doctor(profile)
    assert.equal(result.run.code, 0, result.run.stdout)
    for (const id of ['google.token', 'google.mailbox', 'google.clock']) {
      assert.equal(result.byId.get(id)?.status, 'warn', id)
      assert.match(result.byId.get(id)?.message ?? '', /^not checked: the profile names no test user/, id)
    }
    assert.equal(lab.sandbox.sandbox.context.log.all().length, before, 'doctor sent the sandbox no request')
  })
})

import assert from 'node:assert/strict'

import {withExchangeLab} from './exchange-lab.js'

describe('hcal doctor on a provisioned Exchange profile (built CLI against the sandbox)', function () {
  this.timeout(120_000)
  const lab = withExchangeLab('ci')
  const EXCHANGE_CHECKS = ['reachable', 'impersonation', 'clock', 'version', 'password-age'].map((n) => `exchange.${n}`)
  interface DoctorEntry {
    id: string
    status: string
    message: string
    fix: string | null
    code: string | null
  }
  const entries = (json: unknown): DoctorEntry[] => {
    const doc = json as {result?: {checks: DoctorEntry[]}; error?: {data: {checks: DoctorEntry[]}}}
    return doc.result?.checks ?? doc.error?.data.checks ?? []
  }

  before(async function () {
    const l = lab()
    const run = await l.provision(l.viaEwsUrl('--test-user', l.users[0] ?? ''))
    assert.equal(run.code, 0, run.stdout + run.stderr)
  })

  it('exits 0 on the healthy profile, listing every Exchange check as passed', async function () {
    const l = lab()
    const doctor = await l.run(['doctor', '--profile', l.profile, '--json'])
    assert.equal(doctor.code, 0, doctor.stdout + doctor.stderr)
    const exchange = entries(doctor.json).filter((e) => e.id.startsWith('exchange.'))
    assert.deepEqual(
      exchange.map((e) => e.id),
      ['exchange.connection', 'exchange.credentials', ...EXCHANGE_CHECKS],
    )
    for (const entry of exchange) assert.equal(entry.status, 'pass', `${entry.id}: ${entry.message}`)
    const byId = new Map(exchange.map((e) => [e.id, e]))
    assert.match(byId.get('exchange.reachable')?.message ?? '', /TLS to .* verified.*ConvertId answered/)
    assert.match(byId.get('exchange.version')?.message ?? '', /Exchange Server SE/)
    assert.match(byId.get('exchange.password-age')?.message ?? '', /stored 0 days ago/)
  })

  it('exits non-zero naming exchange.impersonation once the impersonation right is removed', async function () {
    const l = lab()
    await l.control('PUT', '/_sandbox/exchange/impersonation', {enabled: false})
    try {
      const doctor = await l.run(['doctor', '--profile', l.profile, '--json'])
      assert.equal(doctor.code, 1, doctor.stdout + doctor.stderr)
      const failed = entries(doctor.json).filter((e) => e.status === 'fail')
      assert.deepEqual(
        failed.map((e) => e.id),
        ['exchange.impersonation'],
      )
      assert.equal(failed[0]?.code, 'EXCHANGE_IMPERSONATION_DENIED')
      assert.match(
        failed[0]?.fix ?? '',
        /New-ManagementRoleAssignment -Name "hcal-impersonation" -Role ApplicationImpersonation/,
      )
      assert.match((doctor.json as {error: {message: string}}).error.message, /exchange\.impersonation/)
    } finally {
      await l.control('PUT', '/_sandbox/exchange/impersonation', {enabled: true, scope: null})
    }
  })

  it('warns exchange.version when the server reports Exchange 2019, without failing', async function () {
    const l = lab()
    await l.control('PUT', '/_sandbox/exchange/server', {version: '15.2.1748.10'})
    try {
      const doctor = await l.run(['doctor', '--profile', l.profile, '--json'])
      assert.equal(doctor.code, 0, doctor.stdout + doctor.stderr)
      const version = entries(doctor.json).find((e) => e.id === 'exchange.version')
      assert.equal(version?.status, 'warn')
      assert.equal(version?.code, 'EXCHANGE_VERSION_OUT_OF_SUPPORT')
      assert.match(
        version?.message ?? '',
        /^Exchange Server 2019 \(15\.2\.1748\.10\) is out of support since 2025-10-14/,
      )
    } finally {
      await l.control('PUT', '/_sandbox/exchange/server', {version: '15.2.2562.17'})
    }
  })
})

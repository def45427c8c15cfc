import assert from 'node:assert/strict'

import type {ProvisionStatusResult} from '../../../src/commands/provision/status.js'
import type {ScopeLimitResult} from '../../../src/commands/scope/limit.js'
import type {ScopeTestResult} from '../../../src/commands/scope/test.js'
import {withExchangeLab} from '../provision/exchange-lab.js'

/**
 * The whole flow as an admin runs it from `hcal sandbox start --credentials-dir`: provision, write the scope
 * script, apply the scope (here through the sandbox's control API), prove it, then read the status.
 */
describe('scope and status after "hcal provision exchange" (credentials dir, built CLI)', function () {
  this.timeout(120_000)
  const lab = withExchangeLab('scoped')

  it('scripts, proves and reports the scope of a provisioned connection', async () => {
    const l = lab()
    const [inside, outside] = l.users
    const provision = await l.provision(l.viaEwsUrl('--test-user', inside ?? ''))
    assert.equal(provision.code, 0, provision.stdout)

    const limit = await l.run([
      'scope',
      'limit',
      '--profile',
      l.profile,
      '--provider',
      'exchange',
      '--group',
      'g',
      '--json',
    ])
    assert.equal(limit.code, 0, limit.stdout)
    const script = (limit.json as {result: ScopeLimitResult}).result.script ?? ''
    assert.match(script, new RegExp(`^\\$ServiceAccount = '${l.account.username.replaceAll('\\', '\\\\')}'$`, 'm'))

    assert.equal(
      (await l.control('PUT', '/_sandbox/exchange/impersonation', {enabled: true, scope: [inside]})).status,
      200,
    )
    const test = await l.run([
      'scope',
      'test',
      '--profile',
      l.profile,
      '--in',
      inside ?? '',
      '--out',
      outside ?? '',
      '--json',
    ])
    assert.equal(test.code, 0, test.stdout)
    const {result} = test.json as {result: ScopeTestResult}
    assert.deepEqual(
      result.mailboxes.map((m) => [m.mailbox, m.access]),
      [
        [inside, 'readable'],
        [outside, 'denied'],
      ],
    )

    const status = await l.run(['provision', 'status', '--profile', l.profile, '--json'])
    assert.equal(status.code, 0, status.stdout)
    const [exchange, ...others] = (status.json as {result: ProvisionStatusResult}).result.connections
    assert.equal(others.length, 0, 'only the provisioned connection is listed')
    assert.equal(exchange?.status, 'pass')
    assert.deepEqual(
      exchange?.checks.map((c) => [c.id, c.status]),
      [
        ['exchange.connection', 'pass'],
        ['exchange.proof', 'pass'],
        ['exchange.credential', 'pass'],
        ['exchange.scope', 'pass'],
      ],
    )
    assert.equal(exchange?.lastProof?.testMailbox, inside)
    assert.deepEqual(
      exchange?.credential.secrets.map((s) => [s.name, s.source]),
      [['exchange.password', 'keychain']],
    )
    assert.equal(exchange?.mailboxScope?.mechanism, 'management-scope')
    assert.ok(!status.stdout.includes(l.account.password), 'no secret value')
  })
})

import assert from 'node:assert/strict'

import {runCli} from '../../helpers/cli.js'
import {startUsersLab, type UsersLab} from '../../helpers/users-lab.js'

interface Entry {
  email: string
  state: string
  reasonCode: string | null
  reason: string | null
  fix: string | null
}
interface Envelope {
  status: number
  result: {users: Entry[]; summary: Record<string, number>}
  warnings: string[]
}

const CALENDAR = 'https://www.googleapis.com/auth/calendar'
const GMAIL_SETTINGS = 'https://www.googleapis.com/auth/gmail.settings.basic'

/**
 * Every reason code the sandbox can express from a calendar system's answer, each produced by setting the
 * emulator as an admin would have left the real system (a grant, a consent, a scope, a role), and each
 * undone afterwards so the next test starts from a working connection.
 */
describe('hcal users activate|validate: reason codes from what the calendar system answers', function () {
  this.timeout(300_000)
  let lab: UsersLab
  before(async () => (lab = await startUsersLab()))
  after(() => lab.stop())

  const user = (provider: 'google' | 'microsoft' | 'exchange', index: number) => lab.seed[provider]!.users[index]!.email
  const control = async (method: string, path: string, body?: unknown) => {
    const response = await lab.sandbox.control(method, path, body)
    assert.ok(response.status < 300, `${path}: ${JSON.stringify(response.body)}`)
  }
  async function activate(
    ...addresses: string[]
  ): Promise<{code: number | null; entries: Map<string, Entry>; envelope: Envelope}> {
    const run = await lab.cli('users', 'activate', ...addresses)
    const envelope = run.json as Envelope
    assert.ok(envelope?.result, run.stdout + run.stderr)
    return {code: run.code, entries: new Map(envelope.result.users.map((u) => [u.email, u])), envelope}
  }

  it('DELEGATION_SCOPE_MISSING when the delegation grant lacks a scope, naming the client ID; active again once granted', async () => {
    const [a, b] = [user('google', 1), user('google', 2)]
    await control('PUT', '/_sandbox/google/delegation', {scopes: [CALENDAR]})
    const refused = await activate(a, b)
    assert.equal(refused.code, 3)
    for (const address of [a, b]) assert.equal(refused.entries.get(address)?.reasonCode, 'DELEGATION_SCOPE_MISSING')
    const clientId = lab.sandbox.credentials.google!.clientId
    assert.ok(refused.entries.get(a)?.fix?.includes(clientId), refused.entries.get(a)?.fix ?? '')
    // Connection-wide: the second user got the first one's answer without its own token request.
    assert.equal(lab.sandbox.context.log.all().filter((e) => e.mailbox === b).length, 0)

    await control('PUT', '/_sandbox/google/delegation', {scopes: [CALENDAR, GMAIL_SETTINGS]})
    const validated = await lab.cli('users', 'validate', a, b)
    assert.equal(validated.code, 0, validated.stdout)
    assert.deepEqual(
      (validated.json as Envelope).result.users.map((u) => [u.email, u.state, u.reasonCode]),
      [
        [a, 'active', null],
        [b, 'active', null],
      ],
    )
  })

  it('CONSENT_MISSING without a service principal, ROLE_MISSING without Calendars.ReadWrite, OUT_OF_MAILBOX_SCOPE outside the RBAC scope', async () => {
    const [a, b, c] = [user('microsoft', 1), user('microsoft', 2), user('microsoft', 3)]
    await control('PUT', '/_sandbox/microsoft/consent', {servicePrincipal: false})
    const noConsent = await activate(a)
    assert.equal(noConsent.entries.get(a)?.reasonCode, 'CONSENT_MISSING')
    assert.match(noConsent.entries.get(a)?.fix ?? '', /admin consent/i)
    await control('PUT', '/_sandbox/microsoft/consent', {
      servicePrincipal: true,
      roles: ['Calendars.Read', 'MailboxSettings.Read'],
    })
    const readOnly = await activate(b)
    assert.equal(readOnly.entries.get(b)?.reasonCode, 'ROLE_MISSING')
    assert.match(readOnly.entries.get(b)?.fix ?? '', /Calendars\.ReadWrite/)
    await control('PUT', '/_sandbox/microsoft/consent', {roles: ['Calendars.ReadWrite', 'MailboxSettings.ReadWrite']})
    await control('PUT', '/_sandbox/microsoft/mailbox-scope', {mailboxes: [a, b], kind: 'rbacManagementScope'})
    const scoped = await activate(c)
    assert.equal(scoped.entries.get(c)?.reasonCode, 'OUT_OF_MAILBOX_SCOPE')
    await control('PUT', '/_sandbox/microsoft/mailbox-scope', {mailboxes: [a, b], kind: 'applicationAccessPolicy'})
    const policy = await lab.cli('users', 'validate', c)
    assert.equal((policy.json as Envelope).result.users[0]?.reasonCode, 'OUT_OF_MAILBOX_SCOPE')
    await control('PUT', '/_sandbox/microsoft/mailbox-scope', {mailboxes: null})

    const all = await lab.cli('users', 'validate', a, b, c)
    assert.equal(all.code, 0, all.stdout)
    assert.deepEqual((all.json as Envelope).result.summary, {active: 3, error: 0, pending: 0, deactivated: 0})
  })

  it('IMPERSONATION_DENIED without the ApplicationImpersonation role and outside its management scope', async () => {
    const [a, b] = [user('exchange', 1), user('exchange', 2)]
    await control('PUT', '/_sandbox/exchange/impersonation', {enabled: false})
    const denied = await activate(a)
    assert.equal(denied.entries.get(a)?.reasonCode, 'IMPERSONATION_DENIED')
    assert.match(denied.entries.get(a)?.fix ?? '', /New-ManagementRoleAssignment.*ApplicationImpersonation/)
    await control('PUT', '/_sandbox/exchange/impersonation', {enabled: true, scope: [a]})
    const scoped = await activate(a, b)
    assert.equal(scoped.entries.get(a)?.state, 'active')
    assert.equal(scoped.entries.get(b)?.reasonCode, 'IMPERSONATION_DENIED')
    await control('PUT', '/_sandbox/exchange/impersonation', {enabled: true, scope: null})
  })

  it('THROTTLED: retried after the wait the provider asks, then left pending with the time to retry', async () => {
    const address = user('microsoft', 4)
    await control('PUT', '/_sandbox/faults', {providers: ['microsoft'], mailboxes: [address], errorRates: {'429': 1}})
    try {
      const started = Date.now()
      const throttled = await activate(address)
      const entry = throttled.entries.get(address)
      assert.equal(throttled.code, 3)
      assert.equal(entry?.state, 'pending')
      assert.equal(entry?.reasonCode, 'THROTTLED')
      const retryAt = /retried after (\S+Z)/.exec(entry?.reason ?? '')?.[1]
      assert.ok(retryAt && Date.parse(retryAt) > started, entry?.reason ?? '')
      assert.match(entry?.fix ?? '', new RegExp(`hcal users validate ${address.replace('.', '\\.')}`))
      const calendarCalls = lab.sandbox.context.log.forMailbox(address).filter((e) => e.status === 429)
      assert.equal(calendarCalls.length, 4, 'the first call and three retries')
      const google = user('google', 3)
      await control('PUT', '/_sandbox/faults', {providers: ['google'], errorRates: {'429': 1}})
      const quota = await activate(google)
      assert.equal(quota.entries.get(google)?.reasonCode, 'THROTTLED')
      // The token request is refused each time (the fault answers before Google reads the assertion).
      const refused = lab.sandbox.context.log.all().filter((e) => e.provider === 'google' && e.status === 429)
      assert.equal(refused.length, 4, JSON.stringify(refused))
    } finally {
      await control('PUT', '/_sandbox/faults', {})
    }
    const later = await lab.cli('users', 'validate', address, user('google', 3))
    assert.deepEqual(
      (later.json as Envelope).result.users.map((u) => u.state),
      ['active', 'active'],
    )
  })

  it('PROVIDER_UNREACHABLE when the connection keeps being reset; an active user stays active through it', async () => {
    const [fresh, active] = [user('microsoft', 5), user('microsoft', 0)]
    assert.equal((await activate(active)).entries.get(active)?.state, 'active')
    await control('PUT', '/_sandbox/faults', {providers: ['microsoft'], mailboxes: [fresh, active], resetRate: 1})
    try {
      const run = await lab.cli('users', 'validate', active)
      assert.equal((run.json as Envelope).result.users[0]?.state, 'active')
      assert.equal(run.code, 0, run.stdout)
      assert.ok((run.json as Envelope).warnings.length === 0)
      const unreachable = await activate(fresh)
      assert.equal(unreachable.entries.get(fresh)?.state, 'error')
      assert.equal(unreachable.entries.get(fresh)?.reasonCode, 'PROVIDER_UNREACHABLE')
    } finally {
      await control('PUT', '/_sandbox/faults', {})
    }
  })

  it('exits 4 and leaves users pending, saying why, when a connection credential is rejected', async () => {
    const wrong = await runCli(['users', 'activate', user('exchange', 4), '--profile', 'acme', '--json'], {
      env: {...lab.env, HCAL_EXCHANGE_PASSWORD: 'not-the-password'},
      timeoutMs: 120_000,
    })
    assert.equal(wrong.code, 4, wrong.stdout)
    const envelope = wrong.json as Envelope
    assert.equal(envelope.result.users[0]?.state, 'pending')
    assert.match(envelope.result.users[0]?.reason ?? '', /not validated yet/)
    assert.ok(
      envelope.warnings.some((w) => w.startsWith('exchange: 1 not validated')),
      envelope.warnings.join('\n'),
    )
  })
})

import assert from 'node:assert/strict'

import {createSecretStore} from '../../../src/lib/secrets/index.js'
import {openStateStore} from '../../../src/lib/store/index.js'
import {runCli} from '../../helpers/cli.js'
import {LAB_PROFILE, startUsersLab, type UsersLab} from '../../helpers/users-lab.js'
import {makeEvent} from '../../fixtures/events/build.js'

interface Entry {
  email: string
  kind: string
  provider: string | null
  state: string
  reasonCode: string | null
}
interface Envelope<R = {users: Entry[]; summary: Record<string, number>}> {
  status: number
  result: R
  warnings: string[]
}
interface DeactivateResult {
  users: {email: string; found: boolean; previousState: string | null; meetingsPurged: number; cursorsPurged: number}[]
  purged: {meetings: number; cursors: number}
}

describe('hcal users validate|list|deactivate and the access gate, through the built CLI against the sandbox', function () {
  this.timeout(300_000)
  let lab: UsersLab
  before(async () => (lab = await startUsersLab()))
  after(() => lab.stop())

  const user = (provider: 'google' | 'microsoft' | 'exchange', index: number) => lab.seed[provider]!.users[index]!.email

  /** Puts meetings into the profile's store as a sync would, for `mailbox`. */
  async function storeMeetings(mailbox: string, count: number): Promise<void> {
    const secrets = createSecretStore({profile: LAB_PROFILE, backend: 'memory', env: lab.env})
    const store = await openStateStore({profile: LAB_PROFILE, secrets, dataDir: lab.env.HCAL_DATA_DIR})
    try {
      for (let i = 0; i < count; i++) {
        store.meetings.upsert({
          ...makeEvent({
            id: `evt-${i}`,
            mailbox,
            start: new Date(Date.now() + i * 3_600_000).toISOString(),
            end: new Date(Date.now() + (i + 1) * 3_600_000).toISOString(),
          }),
          join: null,
          keyword: null,
        })
      }
      store.cursors.set(mailbox, 'calendar', 'cursor-1')
    } finally {
      store.close()
    }
  }

  it('lists users as a table with last validated and synced, or JSON filtered by state and provider', async () => {
    const [g, m] = [user('google', 1), user('microsoft', 1)]
    await lab.cli('users', 'activate', g, m, `nobody@${lab.seed.exchange!.domain}`)
    const json = await lab.cli('users', 'list', '--provider', 'microsoft')
    assert.equal(json.code, 0)
    assert.deepEqual(
      (json.json as Envelope).result.users.map((u) => [u.email, u.state]),
      [[m, 'active']],
    )
    const errors = await lab.cli('users', 'list', '--state', 'error')
    assert.deepEqual((errors.json as Envelope).result.summary, {active: 0, error: 1, pending: 0, deactivated: 0})
    const table = await runCli(['users', 'list', '--profile', LAB_PROFILE], {env: lab.env})
    const [header, ...rows] = table.stdout.trim().split('\n')
    assert.equal(header, 'Address\tKind\tProvider\tState\tReason\tLast validated\tLast synced')
    const row = rows.find((r) => r.startsWith(`${g}\t`))?.split('\t')
    assert.deepEqual(row?.slice(0, 5), [g, 'user', 'google', 'active', ''])
    assert.ok(Date.parse(row?.[5] ?? '') > 0, 'last validated is a time')
    assert.match(rows.find((r) => r.startsWith('nobody@')) ?? '', /\terror\tMAILBOX_NOT_FOUND: .* Fix: /)
  })

  it('deactivates: the mailbox is closed, its stored meetings and cursors purged and counted, and it is left alone after', async () => {
    const address = user('exchange', 2)
    assert.equal((await lab.cli('users', 'activate', address)).code, 0)
    await storeMeetings(address, 3)
    const run = await lab.cli('users', 'deactivate', address, 'stranger@example.com')
    assert.equal(run.code, 3, run.stdout)
    const result = (run.json as Envelope<DeactivateResult>).result
    assert.deepEqual(result.users, [
      {email: address, found: true, previousState: 'active', meetingsPurged: 3, cursorsPurged: 1, removed: {}},
      {
        email: 'stranger@example.com',
        found: false,
        previousState: null,
        meetingsPurged: 0,
        cursorsPurged: 0,
        removed: {},
      },
    ])
    assert.deepEqual(result.purged, {meetings: 3, cursors: 1})
    const human = await runCli(['users', 'deactivate', address, '--profile', LAB_PROFILE], {env: lab.env})
    assert.match(human.stderr, /deactivated \(was deactivated\); purged 0 stored meetings and 0 sync cursors/)

    const requestsBefore = lab.sandbox.context.log.forMailbox(address).length
    const all = await lab.cli('users', 'validate')
    assert.ok(!(all.json as Envelope).result.users.some((u) => u.email === address), 'validate skips deactivated users')
    const named = await lab.cli('users', 'validate', address)
    assert.equal(named.code, 3)
    assert.match((named.json as Envelope).warnings.join(' '), /deactivated; activate it again/)
    assert.equal(
      lab.sandbox.context.log.forMailbox(address).length,
      requestsBefore,
      'not one request after deactivation',
    )
    const listed = await lab.cli('users', 'list', '--state', 'deactivated')
    assert.deepEqual(
      (listed.json as Envelope).result.users.map((u) => u.email),
      [address],
    )

    const again = await lab.cli('users', 'activate', address)
    assert.equal((again.json as Envelope).result.users[0]?.state, 'active')
  })

  it('sends not one request to a seeded mailbox that was never activated, through every operation hcal has', async () => {
    const activated = [user('google', 4), user('microsoft', 4), user('exchange', 4), lab.seed.google!.rooms[0]!.email]
    await lab.cli('users', 'activate', ...activated.slice(0, 3))
    await lab.cli('users', 'activate', activated[3]!, '--room')
    await lab.cli('users', 'validate')
    await lab.cli('users', 'list')
    await lab.cli('doctor')
    // The scope proof reads the two mailboxes the admin names (here both activated ones).
    await lab.cli('scope', 'test', '--provider', 'microsoft', '--in', activated[1]!, '--out', activated[1]!)
    await lab.cli('scope', 'test', '--provider', 'exchange', '--in', activated[2]!, '--out', activated[2]!)
    await lab.cli('users', 'deactivate', activated[0]!)
    await lab.cli('users', 'validate')

    const everActivated = new Set(((await lab.cli('users', 'list')).json as Envelope).result.users.map((u) => u.email))
    // The profile's test user and mailboxes are named by the admin for proofs (provisioning, doctor), and
    // Google rooms are read as the test user.
    const testMailboxes = new Set([
      lab.seed.google!.users[0]!.email,
      lab.seed.microsoft!.users[0]!.email,
      lab.seed.exchange!.users[0]!.email,
    ])
    const seeded = (['google', 'microsoft', 'exchange'] as const).flatMap((p) => [
      ...lab.seed[p]!.users.map((u) => u.email),
      ...lab.seed[p]!.rooms.map((r) => r.email),
    ])
    const untouched = seeded.filter((mailbox) => !everActivated.has(mailbox) && !testMailboxes.has(mailbox))
    assert.ok(untouched.length >= 10, `enough never-activated mailboxes to prove anything (${untouched.length})`)
    for (const mailbox of untouched) {
      assert.deepEqual(lab.sandbox.context.log.forMailbox(mailbox), [], `${mailbox} was never activated`)
    }
    const reached = new Set(
      lab.sandbox.context.log.all().flatMap((entry) => (entry.mailbox ? [entry.mailbox.toLowerCase()] : [])),
    )
    for (const mailbox of reached) {
      assert.ok(
        everActivated.has(mailbox) || testMailboxes.has(mailbox),
        `${mailbox} was reached without being activated`,
      )
    }
  })
})

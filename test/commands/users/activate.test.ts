import assert from 'node:assert/strict'
import {writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {startUsersLab, type UsersLab} from '../../helpers/users-lab.js'

interface Entry {
  email: string
  kind: string
  provider: string | null
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

const CONTRACT_KEYS = ['email', 'fix', 'kind', 'provider', 'reason', 'reasonCode', 'state']

describe('hcal users activate: users and rooms of three calendar systems, through the built CLI against the sandbox', function () {
  this.timeout(300_000)
  let lab: UsersLab
  before(async () => (lab = await startUsersLab()))
  after(() => lab.stop())

  const seeded = (provider: 'google' | 'microsoft' | 'exchange') => lab.seed[provider]!

  it('activates users of each system and rooms, proves access, and keeps exactly the JSON contract', async () => {
    const users = [
      seeded('google').users[1]!.email,
      seeded('microsoft').users[1]!.email,
      seeded('exchange').users[1]!.email,
    ]
    const run = await lab.cli('users', 'activate', ...users.map((u) => u.toUpperCase()))
    assert.equal(run.code, 0, run.stdout + run.stderr)
    const {result} = run.json as Envelope
    assert.deepEqual(
      result.users.map((u) => [u.email, u.provider, u.state, u.reasonCode]),
      [
        [users[0], 'google', 'active', null],
        [users[1], 'microsoft', 'active', null],
        [users[2], 'exchange', 'active', null],
      ],
    )
    for (const entry of result.users) assert.deepEqual(Object.keys(entry).sort(), CONTRACT_KEYS)
    assert.deepEqual(result.summary, {active: 3, error: 0, pending: 0, deactivated: 0})

    for (const provider of ['google', 'microsoft'] as const) {
      const room = seeded(provider).rooms[0]!.email
      const activated = await lab.cli(
        'users',
        'activate',
        room,
        '--room',
        '--device',
        `${room.split('@')[0]}@acme.rooms.webex.com`,
      )
      assert.equal(activated.code, 0, activated.stdout)
      assert.deepEqual(
        (activated.json as Envelope).result.users.map((u) => [u.email, u.kind, u.state]),
        [[room, 'room', 'active']],
      )
    }
  })

  it('is idempotent: an active user activated again as before sends nothing to its calendar system', async () => {
    const user = seeded('microsoft').users[2]!.email
    assert.equal((await lab.cli('users', 'activate', user)).code, 0)
    const before = lab.sandbox.context.log.forMailbox(user).length
    assert.ok(before > 0, 'the first activation reached the mailbox')
    const again = await lab.cli('users', 'activate', user)
    assert.equal(again.code, 0)
    assert.equal((again.json as Envelope).result.users[0]?.state, 'active')
    assert.equal(lab.sandbox.context.log.forMailbox(user).length, before)
  })

  it('reports each address it cannot activate with a reason code and a fix, still activates the rest, and exits 3', async () => {
    const good = seeded('exchange').users[3]!.email
    const room = seeded('microsoft').rooms[1]!.email
    const run = await lab.cli(
      'users',
      'activate',
      'not-an-address',
      'jane@unverified.example',
      `nobody@${seeded('google').domain}`,
      `nobody@${seeded('microsoft').domain}`,
      `nobody@${seeded('exchange').domain}`,
      room,
      good,
    )
    assert.equal(run.code, 3, run.stdout)
    const byEmail = new Map((run.json as Envelope).result.users.map((u) => [u.email, u]))
    const code = (email: string) => byEmail.get(email)?.reasonCode
    assert.equal(code('not-an-address'), 'ADDRESS_INVALID')
    assert.equal(byEmail.get('not-an-address')?.provider, null)
    assert.equal(code('jane@unverified.example'), 'DOMAIN_NOT_VERIFIED')
    assert.match(byEmail.get('jane@unverified.example')?.fix ?? '', /hcal domains add unverified\.example/)
    for (const provider of ['google', 'microsoft', 'exchange'] as const) {
      assert.equal(code(`nobody@${seeded(provider).domain}`), 'MAILBOX_NOT_FOUND', provider)
    }
    assert.equal(code(room), 'NOT_A_CALENDAR_USER')
    assert.match(byEmail.get(room)?.fix ?? '', /--room --device/)
    assert.equal(byEmail.get(good)?.state, 'active')
    assert.deepEqual((run.json as Envelope).result.summary, {active: 1, error: 6, pending: 0, deactivated: 0})

    const list = await lab.cli('users', 'list', '--state', 'error')
    const listed = (list.json as Envelope).result.users.map((u) => u.email)
    assert.ok(listed.includes(room) && listed.includes(`nobody@${seeded('exchange').domain}`))
    assert.ok(!listed.includes('not-an-address'), 'an address in no verified domain is not recorded')
  })

  it('reads an admin-console CSV export: known headers, rooms by type, bad rows by line number, good rows processed', async () => {
    const file = join(lab.dir, 'mailboxes.csv')
    const user = seeded('exchange').users[4]!.email
    const room = seeded('google').rooms[1]!.email
    await writeFile(
      file,
      [
        '\uFEFFDisplayName,PrimarySmtpAddress,RecipientTypeDetails,Device',
        `"Doe, Jane",${user},UserMailbox,`,
        'Nobody,,UserMailbox,',
        `Board room,${room},RoomMailbox,board@acme.rooms.webex.com`,
        `Odd,${seeded('exchange').users[5]!.email},DiscoveryMailbox,`,
        '',
      ].join('\r\n'),
    )
    const run = await lab.cli('users', 'activate', '--file', file)
    assert.equal(run.code, 3, run.stdout)
    const envelope = run.json as Envelope
    assert.deepEqual(
      envelope.result.users.map((u) => [u.email, u.kind, u.state]),
      [
        [user, 'user', 'active'],
        [room, 'room', 'active'],
      ],
    )
    assert.ok(envelope.warnings.some((w) => w.includes('mailboxes.csv line 3') && /no address/.test(w)))
    assert.ok(envelope.warnings.some((w) => w.includes('mailboxes.csv line 5') && /DiscoveryMailbox/.test(w)))

    const broken = join(lab.dir, 'broken.csv')
    await writeFile(broken, 'name,phone\nJane,123\n')
    const refused = await lab.cli('users', 'activate', '--file', broken)
    assert.equal(refused.code, 2)
    assert.equal((refused.json as {error: {code: string}}).error.code, 'USERS_CSV_INVALID')
  })

  it('refuses to run with nothing to activate, and --device for more than one room', async () => {
    const none = await lab.cli('users', 'activate')
    assert.equal(none.code, 2)
    assert.equal((none.json as {error: {code: string}}).error.code, 'USERS_MISSING')
    const two = await lab.cli('users', 'activate', 'a@x.test', 'b@x.test', '--room', '--device', 'sip@x.test')
    assert.equal((two.json as {error: {code: string}}).error.code, 'DEVICE_NEEDS_ONE_ROOM')
  })
})

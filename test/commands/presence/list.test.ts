import assert from 'node:assert/strict'

import type {PresenceListResult} from '../../../src/commands/presence/list.js'
import {createSecretStore} from '../../../src/lib/secrets/index.js'
import {openStateStore} from '../../../src/lib/store/index.js'
import {runCli, tempHome} from '../../helpers/cli.js'
import {seedStore, storeKey} from '../../fixtures/events/seed-store.js'

describe('hcal presence list, through the built CLI', function () {
  this.timeout(60_000)
  let home: Awaited<ReturnType<typeof tempHome>>
  let env: NodeJS.ProcessEnv
  before(async () => {
    home = await tempHome()
    env = {...home.env, HCAL_STORE_KEY: storeKey()}
    await seedStore(env, {
      users: [
        {email: 'jane@acme.test', provider: 'google', kind: 'user', state: 'active'},
        {email: 'max@acme.test', provider: 'exchange', kind: 'user', state: 'active'},
        {email: 'room1@acme.test', provider: 'google', kind: 'room', state: 'active'},
      ],
    })
    const store = await openStateStore({
      profile: 'default',
      secrets: createSecretStore({profile: 'default', env, backend: 'memory'}),
      dataDir: env.HCAL_DATA_DIR,
    })
    const at = '2026-12-01T08:00:00.000Z'
    store.presence.upsert({mailbox: 'jane@acme.test', provider: 'google', state: 'on', checkedAt: at, changedAt: at})
    store.presence.upsert({
      mailbox: 'max@acme.test',
      provider: 'exchange',
      state: 'scheduled',
      start: '2099-01-01T00:00:00Z',
      end: '2099-01-10T00:00:00Z',
      language: 'de-DE',
      checkedAt: at,
      changedAt: at,
    })
    store.presence.upsert({mailbox: 'room1@acme.test', provider: 'google', state: 'off', checkedAt: at, changedAt: at})
    store.close()
  })
  after(() => home.cleanup())

  it('lists users (not rooms) with state, window, whether out of office now, and source', async () => {
    const run = await runCli(['presence', 'list', '--json'], {env})
    assert.equal(run.code, 0)
    const {presence} = (run.json as {result: PresenceListResult}).result
    assert.deepEqual(
      presence.map((p) => [p.email, p.state, p.outOfOfficeNow, p.window.start, p.source]),
      [
        ['jane@acme.test', 'on', true, null, 'google'],
        ['max@acme.test', 'scheduled', false, '2099-01-01T00:00:00Z', 'exchange'],
      ],
    )
  })

  it('--user filters, and names a user with nothing stored', async () => {
    const run = await runCli(['presence', 'list', '--user', 'MAX@acme.test', '--user', 'nobody@acme.test', '--json'], {
      env,
    })
    const envelope = run.json as {result: PresenceListResult; warnings: string[]}
    assert.deepEqual(
      envelope.result.presence.map((p) => p.email),
      ['max@acme.test'],
    )
    assert.ok(envelope.warnings.some((w) => w.includes('nobody@acme.test') && w.includes('hcal sync')))
  })

  it('prints a table on a terminal-less run without --json', async () => {
    const run = await runCli(['presence', 'list'], {env})
    assert.equal(run.code, 0)
    assert.match(run.stdout, /jane@acme\.test/)
    assert.match(run.stdout, /2099-01-01T00:00:00Z – 2099-01-10T00:00:00Z/)
  })
})

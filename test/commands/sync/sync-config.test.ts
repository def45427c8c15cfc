import assert from 'node:assert/strict'

import {saveProfile} from '../../../src/lib/config/profiles.js'
import type {SyncResult} from '../../../src/commands/sync.js'
import {runCli, tempHome} from '../../helpers/cli.js'
import {seedStore, storeKey} from '../../fixtures/events/seed-store.js'

interface Envelope<R> {
  status: number
  result?: R
  error?: {code: string; message: string; suggestions: string[]}
  warnings: string[]
}

/** `hcal sync` before any calendar is reached: the profile, its sync limits, the users to sync. */
describe('hcal sync: configuration and users, through the built CLI', function () {
  this.timeout(120_000)
  let home: Awaited<ReturnType<typeof tempHome>>
  let env: NodeJS.ProcessEnv
  beforeEach(async () => {
    home = await tempHome()
    env = {...home.env, HCAL_STORE_KEY: storeKey()}
  })
  afterEach(() => home.cleanup())

  const sync = async (...args: string[]) => {
    const run = await runCli(['sync', '--json', ...args], {env})
    return {code: run.code, envelope: run.json as Envelope<SyncResult>}
  }

  it('with no active users says so and reports an empty summary', async () => {
    await seedStore(env, {users: [{email: 'p@acme.test', provider: 'google', kind: 'user', state: 'pending'}]})
    const {code, envelope} = await sync()
    assert.equal(code, 0)
    assert.deepEqual(envelope.result, {
      summary: {
        users: 0,
        meetingsRead: 0,
        joinBlocks: {written: 0, updated: 0, removed: 0, unchanged: 0},
        conflicts: 0,
        requests: 0,
        throttled: 0,
        failedUsers: 0,
      },
      users: [],
    })
  })

  it('a provider the profile has no connection for fails its users (exit 3) with the reason code and the fix', async () => {
    await seedStore(env, {users: [{email: 'jane@acme.test', provider: 'google', kind: 'user', state: 'active'}]})
    const {code, envelope} = await sync()
    assert.equal(code, 3)
    assert.deepEqual(envelope.result?.users, [
      {
        email: 'jane@acme.test',
        provider: 'google',
        status: 'failed',
        meetings: 0,
        reasonCode: 'PROVIDER_NOT_CONNECTED',
      },
    ])
    assert.equal(envelope.result?.summary.failedUsers, 1)
    assert.ok(envelope.warnings.some((w) => w.includes('PROVIDER_NOT_CONNECTED') && w.includes('hcal provision')))
  })

  it('--user names that are not active are warned about (exit 3) and not synced', async () => {
    await seedStore(env, {users: [{email: 'p@acme.test', provider: 'google', kind: 'user', state: 'pending'}]})
    const {code, envelope} = await sync('--user', 'P@acme.test', '--user', 'ghost@acme.test')
    assert.equal(code, 3)
    assert.equal(envelope.result?.summary.users, 0)
    assert.ok(envelope.warnings.some((w) => w.includes('p@acme.test is pending') && w.includes('hcal users validate')))
    assert.ok(envelope.warnings.some((w) => w.includes('hcal users activate ghost@acme.test')))
  })

  it('malformed sync limits in the profile stop the run before any request, naming the setting', async () => {
    await seedStore(env, {users: [{email: 'jane@acme.test', provider: 'google', kind: 'user', state: 'active'}]})
    await saveProfile('default', (p) => ({...p, sync: {limits: {google: {requestsPerMinute: -5}}}}), env)
    const {code, envelope} = await sync()
    assert.equal(code, 1)
    assert.equal(envelope.error?.code, 'SYNC_LIMITS_INVALID')
    assert.match(envelope.error?.message ?? '', /sync\.limits\.google\.requestsPerMinute/)
    assert.ok(envelope.error?.suggestions.some((s) => s.includes('1-1000000')))
    await saveProfile('default', (p) => ({...p, sync: {limits: {gogle: {requestsPerMinute: 5}}}}) as typeof p, env)
    const typo = await sync()
    assert.equal(typo.envelope.error?.code, 'SYNC_LIMITS_INVALID')
    assert.match(typo.envelope.error?.message ?? '', /gogle/)
  })
})

import assert from 'node:assert/strict'

import {saveProfile} from '../../../src/lib/config/profiles.js'
import {createSecretStore} from '../../../src/lib/secrets/index.js'
import {openStateStore} from '../../../src/lib/store/index.js'
import {runCli, tempHome} from '../../helpers/cli.js'
import {lookupSecret, withSecretService} from '../../helpers/secret-service.js'
import {meeting} from '../../lib/store/fixtures.js'

interface RotateEnvelope {
  status: number
  result: {profile: string; keyId: string; retiredKeyIds: string[]; rows: number; fields: number}
}

describe('hcal keys rotate (built CLI)', () => {
  const bus = withSecretService()
  let home: Awaited<ReturnType<typeof tempHome>>
  // The keyring lives for the whole suite; a profile per test keeps tests from seeing each other's items.
  let profile = ''
  let tests = 0
  beforeEach(async () => {
    home = await tempHome()
    profile = `t${++tests}`
    home.env.HCAL_PROFILE = profile
    await saveProfile(profile, (p) => p, home.env)
  })
  afterEach(() => home.cleanup())

  /** Opens the profile's store in this process with an explicit key (the keychain is the CLI's side). */
  async function withStore<T>(key: string, work: (store: Awaited<ReturnType<typeof openStateStore>>) => T) {
    const secrets = createSecretStore({profile, backend: 'memory', env: {HCAL_STORE_KEY: key}})
    const store = await openStateStore({profile, secrets, dataDir: home.env.HCAL_DATA_DIR})
    try {
      return work(store)
    } finally {
      store.close()
    }
  }

  it('re-encrypts every stored meeting under a new keychain key and drops the old one', async () => {
    const env = {...bus(), ...home.env}
    const created = await runCli(['keys', 'rotate', '--json'], {env})
    assert.equal(created.code, 0, created.stderr)
    const firstKey = lookupSecret(bus(), `hcal:${profile}`, 'store.dataKey') ?? ''
    assert.equal(Buffer.from(firstKey, 'base64').length, 32)
    await withStore(firstKey, (store) => {
      for (let i = 0; i < 3; i++) store.meetings.upsert(meeting({id: `evt-${i}`}))
    })

    const rotated = await runCli(['keys', 'rotate', '--json'], {env})
    assert.equal(rotated.code, 0, rotated.stderr)
    const {result} = rotated.json as RotateEnvelope
    assert.deepEqual([result.rows, result.fields], [3, 24])
    assert.equal(result.retiredKeyIds.length, 1)
    const secondKey = lookupSecret(bus(), `hcal:${profile}`, 'store.dataKey') ?? ''
    assert.notEqual(secondKey, firstKey)
    assert.ok(!secondKey.includes(','), 'only the new key is left in the keychain')
    const titles = await withStore(secondKey, (store) =>
      store.meetings.listAll('2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z').map((m) => m.title),
    )
    assert.deepEqual(titles, Array(3).fill(meeting().title))
    await assert.rejects(
      withStore(firstKey, () => undefined),
      /STORE_KEY_MISMATCH|needs data key/,
    )

    const human = await runCli(['keys', 'rotate'], {env})
    assert.equal(human.stdout, '')
    assert.match(human.stderr, /Re-encrypted 24 fields in 3 rows with data key [0-9a-f]{16}/)
  })

  it('with HCAL_STORE_KEY, needs the new key first and then names the key to retire', async () => {
    const current = Buffer.alloc(32, 3).toString('base64')
    await withStore(current, (store) => store.meetings.upsert(meeting()))
    const refused = await runCli(['keys', 'rotate', '--json'], {env: {...bus(), ...home.env, HCAL_STORE_KEY: current}})
    assert.equal(refused.code, 2)
    assert.match(refused.stdout, /KEY_ROTATE_ENV/)
    const next = Buffer.alloc(32, 4).toString('base64')
    const rotated = await runCli(['keys', 'rotate', '--json'], {
      env: {...bus(), ...home.env, HCAL_STORE_KEY: `${next},${current}`},
    })
    assert.equal(rotated.code, 0, rotated.stderr)
    assert.equal((rotated.json as RotateEnvelope).result.rows, 1)
    assert.equal(lookupSecret(bus(), `hcal:${profile}`, 'store.dataKey'), undefined, 'the keychain was not used')
    assert.equal(
      await withStore(next, (store) => store.meetings.get('alice@example.com', 'evt-1')?.title),
      meeting().title,
    )
  })
})

import assert from 'node:assert/strict'
import {readFile, stat} from 'node:fs/promises'

import {HcalError} from '../../../src/lib/errors.js'
import {createSecretStore} from '../../../src/lib/secrets/index.js'
import {KeychainBackend} from '../../../src/lib/secrets/keychain.js'
import {tempHome} from '../../helpers/cli.js'
import {accountsUnder, lockKeyring, withSecretService} from '../../helpers/secret-service.js'

describe('keychain secret store (real Secret Service)', () => {
  // The native binding connects to the bus once per process, so these in-process tests point the
  // process at the private bus for good; tests of an unreachable keychain run the CLI as a child.
  const bus = withSecretService()
  const savedAddress = process.env.DBUS_SESSION_BUS_ADDRESS
  before(() => {
    process.env.DBUS_SESSION_BUS_ADDRESS = bus().DBUS_SESSION_BUS_ADDRESS
  })
  // Child processes started by later tests inherit process.env: give them back the original bus.
  after(() => {
    if (savedAddress === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS
    else process.env.DBUS_SESSION_BUS_ADDRESS = savedAddress
  })
  let home: Awaited<ReturnType<typeof tempHome>>
  beforeEach(async () => (home = await tempHome()))
  afterEach(() => home.cleanup())

  it('stores, reads, lists and deletes through the Secret Service, keeping only names in the index', async () => {
    const password = 'Exch4nge-canary-0f3c9a'
    const store = createSecretStore({profile: 'acme', env: home.env})
    await store.set('exchange.password', password)
    assert.equal(await store.get('exchange.password'), password)
    const [info] = await store.list({verify: true})
    assert.equal(info?.name, 'exchange.password')
    assert.equal(info?.source, 'keychain')
    assert.equal(info?.status, 'present')
    assert.equal((await store.list())[0]?.status, 'unverified', 'without verify, only the index was read')
    assert.ok(info?.createdAt && Date.now() - Date.parse(info.createdAt) < 60_000)
    assert.ok(!info?.masked.includes(password.slice(-4)))
    const index = new KeychainBackend('acme', home.env)
    const indexPath = `${home.env.HCAL_CONFIG_DIR}/secrets/acme/secrets-index.json`
    assert.equal((await stat(indexPath)).mode & 0o777, 0o600)
    assert.ok(!(await readFile(indexPath, 'utf8')).includes(password))
    assert.equal(index.service, 'hcal:acme')
    assert.equal(await store.delete('exchange.password'), true)
    assert.equal(await store.delete('exchange.password'), false)
    assert.equal(await store.get('exchange.password'), undefined)
    assert.deepEqual(await store.list(), [])
  })

  it('keeps profiles apart', async () => {
    await createSecretStore({profile: 'one', env: home.env}).set('microsoft.clientSecret', 'secret-of-profile-one')
    assert.equal(await createSecretStore({profile: 'two', env: home.env}).get('microsoft.clientSecret'), undefined)
    assert.equal(
      await createSecretStore({profile: 'one', env: home.env}).get('microsoft.clientSecret'),
      'secret-of-profile-one',
    )
  })

  it('reports an item that the index knows but the keychain no longer returns', async () => {
    const store = createSecretStore({profile: 'acme', env: home.env})
    await store.set('exchange.password', 'will-vanish-123')
    const other = createSecretStore({profile: 'acme', env: {...home.env, HCAL_CONFIG_DIR: `${home.dir}/other`}})
    await other.delete('exchange.password')
    await assert.rejects(store.get('exchange.password'), (error: HcalError) => {
      assert.equal(error.code, 'KEYCHAIN_ITEM_UNREADABLE')
      return true
    })
  })

  // Last in this file: it locks the keyring that the tests above need unlocked.
  it('probes with a write, read-back and delete: nothing is left, and a locked keyring fails the probe', async () => {
    const store = createSecretStore({profile: 'probe', env: home.env})
    await store.probe()
    assert.deepEqual(accountsUnder(bus(), 'hcal:probe'), [], 'the probe item was deleted again')
    lockKeyring(bus())
    await assert.rejects(store.probe(), (error: HcalError) => {
      assert.equal(error.code, 'KEYCHAIN_UNAVAILABLE')
      assert.match(error.message, /could not complete a write\/read\/delete probe: the keyring is locked/)
      return true
    })
  })
})

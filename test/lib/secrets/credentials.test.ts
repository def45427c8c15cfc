import assert from 'node:assert/strict'
import {chmod, mkdir, symlink, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import type {HcalError} from '../../../src/lib/errors.js'
import {createSecretStore} from '../../../src/lib/secrets/index.js'
import {runCli, tempHome} from '../../helpers/cli.js'
import {rejectionOf} from '../../helpers/expect.js'

const PASSWORD = 'credential-password-9c1f'

describe('secrets from systemd credentials ($CREDENTIALS_DIRECTORY)', () => {
  let home: Awaited<ReturnType<typeof tempHome>>
  let dir: string
  let env: NodeJS.ProcessEnv

  beforeEach(async () => {
    home = await tempHome()
    dir = join(home.dir, 'credentials')
    await mkdir(dir, {mode: 0o700})
    env = {CREDENTIALS_DIRECTORY: dir}
  })
  afterEach(() => home.cleanup())

  const credential = async (name: string, value: string, mode = 0o400) => {
    const path = join(dir, name)
    await writeFile(path, value)
    await chmod(path, mode)
    return path
  }
  const memoryStore = () => createSecretStore({profile: 'p', env, backend: 'memory'})

  it('reads a secret from the file named after it, dropping one trailing newline', async () => {
    await credential('exchange.password', `${PASSWORD}\n`)
    assert.equal(await memoryStore().get('exchange.password'), PASSWORD)
  })

  it('lists it with source "credential", masked', async () => {
    await credential('exchange.password', PASSWORD)
    const listed = await memoryStore().list({verify: true})
    assert.deepEqual(listed, [
      {name: 'exchange.password', source: 'credential', status: 'present', masked: '******** (short)'},
    ])
  })

  it('falls through to the keychain when the credential is absent, and yields to the environment', async () => {
    const store = memoryStore()
    await store.set('exchange.password', 'from-keychain')
    assert.equal(await store.get('exchange.password'), 'from-keychain')
    await credential('exchange.password', PASSWORD)
    assert.equal(await store.get('exchange.password'), PASSWORD)
    env.HCAL_EXCHANGE_PASSWORD = 'from-env'
    assert.equal(await store.get('exchange.password'), 'from-env')
  })

  it('is not read when CREDENTIALS_DIRECTORY is unset', async () => {
    await credential('exchange.password', PASSWORD)
    delete env.CREDENTIALS_DIRECTORY
    assert.equal(await memoryStore().get('exchange.password'), undefined)
  })

  it('refuses a credential file that group or others can write', async () => {
    for (const mode of [0o620, 0o602]) {
      await credential('exchange.password', PASSWORD, mode)
      const error = await rejectionOf<HcalError>(() => memoryStore().get('exchange.password'))
      assert.equal(error.code, 'SECRET_CREDENTIAL_UNSAFE')
      assert.match(error.message, /exchange\.password is not used: group or others can write it/)
      assert.match(error.suggestions.join(' '), /LoadCredentialEncrypted=/)
      assert.doesNotMatch(`${error.message} ${error.suggestions.join(' ')}`, new RegExp(PASSWORD))
    }
  })

  it('refuses a symbolic link leading out of the directory, and follows one inside it', async () => {
    const outside = join(home.dir, 'elsewhere.txt')
    await writeFile(outside, PASSWORD, {mode: 0o400})
    await symlink(outside, join(dir, 'exchange.password'))
    const error = await rejectionOf<HcalError>(() => memoryStore().get('exchange.password'))
    assert.equal(error.code, 'SECRET_CREDENTIAL_UNSAFE')
    assert.match(error.message, /symbolic link leading out/)
    await credential('store.key-file', 'A'.repeat(43) + '=')
    await symlink(join(dir, 'store.key-file'), join(dir, 'store.dataKey'))
    assert.equal(await memoryStore().get('store.dataKey'), 'A'.repeat(43) + '=')
  })

  it('refuses set and delete of a secret a credential provides', async () => {
    await credential('exchange.password', PASSWORD)
    for (const action of [
      () => memoryStore().set('exchange.password', 'x'),
      () => memoryStore().delete('exchange.password'),
    ]) {
      const error = await rejectionOf<HcalError>(action)
      assert.equal(error.code, 'SECRET_FROM_CREDENTIAL')
      assert.match(error.message, /CREDENTIALS_DIRECTORY\/exchange\.password/)
    }
  })

  it('hcal secrets set refuses it through the built CLI before asking for a value (exit 2)', async () => {
    await credential('exchange.password', PASSWORD)
    const result = await runCli(['secrets', 'set', 'exchange.password', '--stdin'], {
      env: {...home.env, CREDENTIALS_DIRECTORY: dir},
      input: 'new-value\n',
    })
    assert.equal(result.code, 2)
    assert.match(result.stderr, /SECRET_FROM_CREDENTIAL|systemd credential/)
    assert.match(result.stderr, /LoadCredentialEncrypted=exchange\.password/)
    assert.doesNotMatch(result.stderr + result.stdout, new RegExp(PASSWORD))
  })
})

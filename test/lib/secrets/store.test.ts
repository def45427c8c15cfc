import assert from 'node:assert/strict'
import {generateKeyPairSync} from 'node:crypto'

import {type HcalError} from '../../../src/lib/errors.js'
import {createSecretStore, SECRET_DEFINITIONS, SECRET_NAMES} from '../../../src/lib/secrets/index.js'

const DATA_KEY = Buffer.alloc(32, 7).toString('base64')

function rejectsWith(code: string) {
  return (error: HcalError) => {
    assert.equal(error.code, code)
    return true
  }
}

describe('secret store (memory backend, environment layer)', () => {
  it('prefers the environment variable over the stored value, and lists its source', async () => {
    const store = createSecretStore({profile: 'p', backend: 'memory', env: {}})
    await store.set('exchange.password', 'stored-password')
    const withEnv = createSecretStore({profile: 'p', backend: 'memory', env: {HCAL_EXCHANGE_PASSWORD: 'from-env-pw'}})
    assert.equal(await withEnv.get('exchange.password'), 'from-env-pw')
    const fromEnv = {name: 'exchange.password', source: 'env', status: 'present', masked: '******** (short)'}
    assert.deepEqual(await withEnv.list(), [fromEnv])
    assert.deepEqual(await withEnv.list({verify: true}), [fromEnv])
    assert.equal(await store.get('exchange.password'), 'stored-password')
  })

  it('treats an empty environment variable as unset', async () => {
    const store = createSecretStore({profile: 'p', backend: 'memory', env: {HCAL_EXCHANGE_PASSWORD: ''}})
    assert.equal(await store.get('exchange.password'), undefined)
    await store.set('exchange.password', 'stored-password')
    assert.equal(await store.get('exchange.password'), 'stored-password')
  })

  it('refuses to set or delete a secret that the environment provides', async () => {
    const store = createSecretStore({profile: 'p', backend: 'memory', env: {HCAL_STORE_KEY: DATA_KEY}})
    await assert.rejects(store.set('store.dataKey', DATA_KEY), rejectsWith('SECRET_FROM_ENV'))
    await assert.rejects(store.delete('store.dataKey'), (error: HcalError) => {
      assert.equal(error.exitCode, 2)
      assert.match(error.message, /HCAL_STORE_KEY/)
      return true
    })
  })

  it('rejects unknown names, listing the valid ones', async () => {
    const store = createSecretStore({profile: 'p', backend: 'memory', env: {}})
    for (const attempt of [() => store.get('canary'), () => store.set('canary', 'x'), () => store.delete('canary')]) {
      await assert.rejects(attempt(), (error: HcalError) => {
        assert.equal(error.code, 'SECRET_NAME_UNKNOWN')
        assert.equal(error.exitCode, 2)
        assert.match(error.suggestions.join(' '), /google\.serviceAccountKey, microsoft\.clientSecret/)
        return true
      })
    }
  })

  it('documents one environment variable per name', () => {
    assert.deepEqual(
      SECRET_NAMES.map((name) => SECRET_DEFINITIONS[name].env),
      [
        'HCAL_GOOGLE_SERVICE_ACCOUNT_JSON',
        'HCAL_MICROSOFT_CLIENT_SECRET',
        'HCAL_MICROSOFT_CERTIFICATE_KEY',
        'HCAL_EXCHANGE_PASSWORD',
        'HCAL_STORE_KEY',
      ],
    )
  })

  it('validates values without quoting them', async () => {
    const store = createSecretStore({profile: 'p', backend: 'memory', env: {}})
    const cases: [string, string][] = [
      ['google.serviceAccountKey', 'not-json-value-123'],
      ['google.serviceAccountKey', '{"type":"service_account"}'],
      // Each of the two fields the SDK needs, alone, is not a key file.
      ['google.serviceAccountKey', '{"type":"service_account","client_email":"sync@p.iam.gserviceaccount.com"}'],
      ['google.serviceAccountKey', '{"type":"service_account","private_key":"-----BEGIN PRIVATE KEY-----"}'],
      // Both fields, but a private key nothing could sign with.
      [
        'google.serviceAccountKey',
        '{"type":"service_account","client_email":"s@p.iam.gserviceaccount.com","private_key":"k"}',
      ],
      ['microsoft.certificateKey', 'plain-text-key-123'],
      ['store.dataKey', Buffer.alloc(16).toString('base64')],
      ['exchange.password', '   '],
    ]
    for (const [name, value] of cases) {
      await assert.rejects(store.set(name, value), (error: HcalError) => {
        assert.equal(error.code, 'SECRET_VALUE_INVALID')
        assert.ok(!error.message.includes(value.trim() || '\u0000'))
        return true
      })
    }
    await store.set('store.dataKey', `${DATA_KEY},${Buffer.alloc(32, 1).toString('base64')}`)
    const privateKey = generateKeyPairSync('rsa', {modulusLength: 1024}).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    })
    const keyFile = JSON.stringify({
      type: 'service_account',
      client_email: 's@p.iam.gserviceaccount.com',
      private_key: privateKey,
    })
    await store.set('google.serviceAccountKey', keyFile)
    assert.equal(await store.get('google.serviceAccountKey'), keyFile)
  })

  it('masks every value with a fixed mask and a coarse length class only', async () => {
    const store = createSecretStore({profile: 'p', backend: 'memory', env: {}})
    const pem = generateKeyPairSync('rsa', {modulusLength: 2048}).privateKey.export({type: 'pkcs8', format: 'pem'})
    await store.set('microsoft.certificateKey', pem.toString())
    await store.set('microsoft.clientSecret', 'abcdefghijklmnopqrstuvwxyz0123456789')
    const infos = await store.list()
    assert.deepEqual(
      infos.map((i) => [i.name, i.source, i.masked]),
      [
        ['microsoft.clientSecret', 'memory', '******** (medium)'],
        ['microsoft.certificateKey', 'memory', '******** (long)'],
      ],
    )
    assert.ok(infos.every((i) => i.createdAt !== undefined))
  })
})

import assert from 'node:assert/strict'
import {readFile} from 'node:fs/promises'

import {profilePath, saveProfile} from '../../../src/lib/config/profiles.js'
import {runCli, tempHome} from '../../helpers/cli.js'

interface Envelope<R> {
  status: number
  result: R
  error?: {code: string; message: string; suggestions: string[]}
}

describe('hcal domains add|list|remove', () => {
  let home: Awaited<ReturnType<typeof tempHome>>
  const run = (...args: string[]) => runCli([...args, '--profile', 'acme', '--json'], {env: home.env})
  beforeEach(async () => {
    home = await tempHome()
    await saveProfile(
      'acme',
      (p) => ({...p, google: {clientId: '42', clientEmail: 'hcal@acme.iam.gserviceaccount.com', domain: 'acme.com'}}),
      home.env,
    )
  })
  afterEach(() => home.cleanup())

  it('adds a domain lower-cased, is idempotent, and lists it with whether its system is connected', async () => {
    const added = await run('domains', 'add', 'ACME.com.', '--provider', 'google')
    assert.equal(added.code, 0, added.stdout)
    assert.deepEqual((added.json as Envelope<unknown>).result, {
      domain: 'acme.com',
      provider: 'google',
      added: true,
      domains: [{domain: 'acme.com', provider: 'google'}],
    })
    const before = await readFile(profilePath('acme', home.env), 'utf8')
    const again = await run('domains', 'add', 'acme.com', '--provider', 'google')
    assert.equal(again.code, 0)
    assert.equal((again.json as Envelope<{added: boolean}>).result.added, false)
    assert.equal(await readFile(profilePath('acme', home.env), 'utf8'), before, 'a no-op leaves the file as it was')

    await run('domains', 'add', 'bücher.example', '--provider', 'exchange')
    const list = await run('domains', 'list')
    assert.deepEqual((list.json as Envelope<unknown>).result, {
      domains: [
        {domain: 'acme.com', provider: 'google', connected: true},
        {domain: 'xn--bcher-kva.example', provider: 'exchange', connected: false},
      ],
    })
    const table = await runCli(['domains', 'list', '--profile', 'acme'], {env: home.env})
    assert.match(table.stdout, /^acme\.com\tgoogle\tyes$/m)
  })

  it('refuses a domain served by another system and a malformed name, naming the fix', async () => {
    await run('domains', 'add', 'acme.com', '--provider', 'google')
    const conflict = await run('domains', 'add', 'acme.com', '--provider', 'microsoft')
    assert.equal(conflict.code, 1)
    const error = (conflict.json as Envelope<unknown>).error
    assert.equal(error?.code, 'DOMAIN_PROVIDER_CONFLICT')
    assert.match(error?.suggestions.join(' ') ?? '', /hcal domains remove acme\.com/)

    const invalid = await run('domains', 'add', 'not a domain', '--provider', 'google')
    assert.equal(invalid.code, 2)
    assert.equal((invalid.json as Envelope<unknown>).error?.code, 'DOMAIN_INVALID')

    const unknownProvider = await run('domains', 'add', 'acme.org', '--provider', 'lotus')
    assert.equal(unknownProvider.code, 2)
  })

  it('removes a domain, and removing one that is not there changes nothing', async () => {
    await run('domains', 'add', 'acme.com', '--provider', 'google')
    const removed = await run('domains', 'remove', 'Acme.COM')
    assert.deepEqual((removed.json as Envelope<unknown>).result, {
      domain: 'acme.com',
      provider: 'google',
      removed: true,
    })
    const again = await run('domains', 'remove', 'acme.com')
    assert.deepEqual((again.json as Envelope<unknown>).result, {domain: 'acme.com', provider: null, removed: false})
    const list = await run('domains', 'list')
    assert.deepEqual((list.json as Envelope<unknown>).result, {domains: []})
  })

  it('needs an existing profile', async () => {
    const missing = await runCli(['domains', 'list', '--profile', 'nope', '--json'], {env: home.env})
    assert.equal(missing.code, 1)
    assert.equal((missing.json as Envelope<unknown>).error?.code, 'PROFILE_NOT_FOUND')
  })
})

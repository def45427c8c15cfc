import assert from 'node:assert/strict'
import {readdir, stat, writeFile} from 'node:fs/promises'
import {dirname} from 'node:path'

import {listProfiles, loadProfile, profilePath, removeProfile, saveProfile} from '../../../src/lib/config/profiles.js'
import {HcalError} from '../../../src/lib/errors.js'
import {tempHome} from '../../helpers/cli.js'

describe('profiles', () => {
  let home: Awaited<ReturnType<typeof tempHome>>
  beforeEach(async () => (home = await tempHome()))
  afterEach(() => home.cleanup())

  it('saves atomically with mode 0600, keeps createdAt and leaves no temp files', async () => {
    const first = await saveProfile(
      'acme',
      (p) => ({...p, exchange: {ewsUrl: 'https://x/EWS/Exchange.asmx', username: 'svc', auth: 'ntlm'}}),
      home.env,
    )
    const second = await saveProfile('acme', (p) => ({...p, caFile: '/tmp/ca.pem'}), home.env)
    assert.equal(second.createdAt, first.createdAt)
    assert.equal(second.exchange?.username, 'svc')
    const path = profilePath('acme', home.env)
    assert.equal((await stat(path)).mode & 0o777, 0o600)
    assert.deepEqual(await readdir(dirname(path)), ['acme.json'])
  })

  it('keeps verified domains of every calendar system valid when a save changes no connection', async () => {
    const domains = [
      {domain: 'acme.test', provider: 'google' as const},
      {domain: 'contoso.test', provider: 'microsoft' as const},
    ]
    await saveProfile('acme', (p) => ({...p, domains}), home.env)
    const saved = await saveProfile('acme', (p) => ({...p, caFile: '/tmp/ca.pem'}), home.env)
    assert.deepEqual(saved.domains, domains)
  })

  it('lists sorted profiles and removes idempotently', async () => {
    await saveProfile('zeta', (p) => p, home.env)
    await saveProfile('alpha', (p) => p, home.env)
    assert.deepEqual(
      (await listProfiles(home.env)).map((p) => p.name),
      ['alpha', 'zeta'],
    )
    assert.equal(await removeProfile('zeta', home.env), true)
    assert.equal(await removeProfile('zeta', home.env), false)
    assert.equal(await loadProfile('zeta', home.env), undefined)
  })

  it('reports a corrupt profile with its path and a fix', async () => {
    await saveProfile('broken', (p) => p, home.env)
    await writeFile(profilePath('broken', home.env), '{not json')
    await assert.rejects(loadProfile('broken', home.env), (error: HcalError) => {
      assert.equal(error.code, 'CONFIG_INVALID')
      assert.ok(error.message.includes(profilePath('broken', home.env)))
      assert.ok(error.suggestions.length > 0)
      return true
    })
  })

  it('rejects names that could escape the profiles directory', async () => {
    await assert.rejects(loadProfile('../etc', home.env), (error: HcalError) => error.code === 'PROFILE_NAME_INVALID')
  })
})

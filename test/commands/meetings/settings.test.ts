import assert from 'node:assert/strict'
import {readFile} from 'node:fs/promises'

import {profilePath, saveProfile} from '../../../src/lib/config/profiles.js'
import {makeEvent} from '../../fixtures/events/build.js'
import {seedStore, storeKey} from '../../fixtures/events/seed-store.js'
import {runCli, tempHome} from '../../helpers/cli.js'

interface SettingsEnvelope {
  status: number
  result: {
    changed: string[]
    settings: {
      site: string
      defaultLanguage: string
      videoDomains: string[]
      obtp: {leadMinutes: number; tentative: string}
    }
  }
}

describe('hcal meetings settings', () => {
  let home: Awaited<ReturnType<typeof tempHome>>
  // A named profile must exist (PROFILE_NOT_FOUND otherwise): each test starts with an empty "acme".
  beforeEach(async () => {
    home = await tempHome()
    await saveProfile('acme', (p) => p, home.env)
  })
  afterEach(() => home.cleanup())
  const cli = (args: string[]) => runCli(['meetings', 'settings', '--profile', 'acme', ...args], {env: home.env})

  it('shows the defaults when the profile sets nothing', async () => {
    const run = await cli(['--json'])
    assert.equal(run.code, 0, run.stderr)
    const {result} = run.json as SettingsEnvelope
    assert.deepEqual(result.changed, [])
    assert.equal(result.settings.site, '')
    assert.deepEqual(result.settings.obtp, {leadMinutes: 5, tentative: 'push'})
  })

  it('saves changes into the profile, merging OBTP fields and keeping other profile settings', async () => {
    await saveProfile(
      'acme',
      (p) => ({...p, exchange: {ewsUrl: 'https://mail.acme.test/EWS/Exchange.asmx', username: 'svc', auth: 'ntlm'}}),
      home.env,
    )
    assert.equal((await cli(['--site', 'acme', '--lead', '10', '--video-domain', 'rooms.acme.com'])).code, 0)
    const run = await cli(['--tentative', 'skip', '--default-language', 'de-AT', '--json'])
    const {result} = run.json as SettingsEnvelope
    assert.deepEqual(result.changed, ['defaultLanguage', 'obtp'])
    assert.equal(result.settings.site, 'acme')
    assert.deepEqual(result.settings.videoDomains, ['rooms.acme.com'])
    assert.deepEqual(result.settings.obtp, {leadMinutes: 10, tentative: 'skip'})
    const stored = JSON.parse(await readFile(profilePath('acme', home.env), 'utf8')) as Record<string, unknown>
    assert.deepEqual(stored.meetings, {
      site: 'acme',
      videoDomains: ['rooms.acme.com'],
      defaultLanguage: 'de-AT',
      obtp: {leadMinutes: 10, tentative: 'skip'},
    })
    assert.equal((stored.exchange as {username: string}).username, 'svc')
  })

  it('rejects an invalid value with exit 2 and leaves the profile untouched', async () => {
    await cli(['--site', 'acme'])
    const before = await readFile(profilePath('acme', home.env), 'utf8')
    const run = await cli(['--site', 'Not A Site', '--json'])
    assert.equal(run.code, 2)
    assert.equal((run.json as {error: {code: string}}).error.code, 'MEETING_SETTINGS_INVALID')
    assert.equal(await readFile(profilePath('acme', home.env), 'utf8'), before)
  })

  it('--site "" unsets the site (documented in --help), and says what that means', async () => {
    assert.equal((await cli(['--site', 'acme'])).code, 0)
    const run = await cli(['--site', '', '--json'])
    assert.equal(run.code, 0, run.stderr)
    const envelope = run.json as SettingsEnvelope & {warnings: string[]}
    assert.equal(envelope.result.settings.site, '')
    assert.match(envelope.warnings.join(' '), /site is unset: keyword meetings get no join address/)
    const stored = JSON.parse(await readFile(profilePath('acme', home.env), 'utf8')) as {meetings: object}
    assert.deepEqual(stored.meetings, {}, 'no empty "site" is saved')
    const help = await runCli(['meetings', 'settings', '--help'], {env: {...home.env, OCLIF_COLUMNS: '2000'}})
    assert.match(help.stdout, /"" unsets it/)
  })

  it('the saved site is what keyword meetings render with in the meetings list', async () => {
    const env = {...home.env, HCAL_STORE_KEY: storeKey()}
    await seedStore(env, {
      users: [{email: 'jane@acme.test', provider: 'google', kind: 'user', state: 'active'}],
      events: [makeEvent({id: 'kw', location: 'Room 1 @webex'})],
    })
    const list = () => runCli(['meetings', 'list', '--from', '2026-12-01', '--to', '2026-12-02', '--json'], {env})
    const joinOf = async () => ((await list()).json as {result: {meetings: {join: unknown}[]}}).result.meetings[0]?.join
    assert.equal((await runCli(['meetings', 'settings', '--site', 'globex'], {env})).code, 0)
    assert.deepEqual(await joinOf(), {
      url: 'https://globex.webex.com/meet/jane',
      sip: 'jane@globex.webex.com',
      service: 'webex',
    })
    assert.equal((await runCli(['meetings', 'settings', '--site', 'initech'], {env})).code, 0)
    assert.deepEqual(await joinOf(), {
      url: 'https://initech.webex.com/meet/jane',
      sip: 'jane@initech.webex.com',
      service: 'webex',
    })
  })
})

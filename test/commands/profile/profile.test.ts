import assert from 'node:assert/strict'
import {writeFile} from 'node:fs/promises'

import {profilePath, saveProfile} from '../../../src/lib/config/profiles.js'
import {runCli, tempHome} from '../../helpers/cli.js'

describe('hcal profile list|show: connections described by the provider registry', () => {
  let home: Awaited<ReturnType<typeof tempHome>>
  beforeEach(async () => (home = await tempHome()))
  afterEach(() => home.cleanup())

  it('lists connections in registry order and shows each field with its schema description', async () => {
    await saveProfile(
      'acme',
      (p) => ({
        ...p,
        exchange: {ewsUrl: 'https://mail.acme.test/EWS/Exchange.asmx', username: 'ACME\\svc', auth: 'ntlm'},
        google: {clientId: '42', clientEmail: 'hcal@acme.iam.gserviceaccount.com', domain: 'acme.test'},
      }),
      home.env,
    )
    const list = await runCli(['profile', 'list', '--json'], {env: home.env})
    assert.deepEqual((list.json as {result: {connections: string[]}[]}).result[0]?.connections, ['google', 'exchange'])

    const show = await runCli(['profile', 'show', 'acme'], {env: home.env})
    assert.equal(show.code, 0, show.stderr)
    const rows = show.stdout.trim().split('\n')
    assert.equal(rows[0], 'Setting\tValue\tAbout')
    assert.ok(
      rows.includes(
        "google.clientEmail\thcal@acme.iam.gserviceaccount.com\tThe service account's address (client_email in its key).",
      ),
    )
    assert.ok(rows.includes('exchange.auth\tntlm\tHow the service account signs in.'))
    assert.ok(rows.some((row) => row.startsWith('google secrets\tgoogle.serviceAccountKey\t')))
    assert.ok(rows.some((row) => row.startsWith('exchange secrets\texchange.password\t')))
    assert.ok(!rows.some((row) => row.startsWith('microsoft')), 'no rows for a system the profile does not use')
  })

  it('refuses to save an invalid section, reports a hand-broken one by field, and still removes it', async () => {
    await assert.rejects(
      saveProfile(
        'acme',
        (p) => ({...p, microsoft: {tenantId: 't', clientId: 'c', auth: 'password' as 'secret'}}),
        home.env,
      ),
      /microsoft\.auth must be one of "secret", "certificate"/,
    )
    await saveProfile('acme', (p) => ({...p, meetings: {keywords: ['@webex']}}), home.env)
    const path = profilePath('acme', home.env)
    await writeFile(path, JSON.stringify({name: 'acme', createdAt: '', updatedAt: '', google: {clientId: '1'}}))
    const show = await runCli(['profile', 'show', 'acme', '--json'], {env: home.env})
    assert.equal(show.code, 1)
    const error = (show.json as {error: {code: string; message: string}}).error
    assert.equal(error.code, 'CONFIG_INVALID')
    assert.match(error.message, /google\.clientEmail is missing; google\.domain is missing/)
    // A command that rewrites another part of the profile leaves the broken section as it was.
    await saveProfile('acme', (p) => ({...p, caFile: '/tmp/ca.pem'}), home.env)
    const removed = await runCli(['profile', 'remove', 'acme', '--yes', '--json'], {env: home.env})
    assert.equal(removed.code, 0, removed.stdout)
  })
})

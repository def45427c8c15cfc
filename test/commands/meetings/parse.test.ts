import assert from 'node:assert/strict'
import {writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {runCli, tempHome} from '../../helpers/cli.js'
import {seedStore} from '../../fixtures/events/seed-store.js'

const TEAMS = 'https://teams.microsoft.com/meet/2345678901234?p=AbCdEfGh'
const NO_SITE_WARNING =
  'No join address for @webex: The join templates for @webex need a site, and none is set. Set your site with "hcal meetings settings --site acme" (for acme.webex.com).'

describe('hcal meetings parse', () => {
  let home: Awaited<ReturnType<typeof tempHome>>
  beforeEach(async () => {
    home = await tempHome()
  })
  afterEach(async () => home.cleanup())

  it('reports a keyword with nothing else to join as exactly {keyword, join: null, candidates: []}', async () => {
    const run = await runCli(['meetings', 'parse', '--location', 'Room 4 @WebEx', '--body', '', '--json'], {
      env: home.env,
    })
    assert.equal(run.code, 0, run.stderr)
    assert.deepEqual(run.json, {
      status: 0,
      result: {keyword: '@webex', join: null, candidates: []},
      warnings: [NO_SITE_WARNING],
    })
  })

  it('says why a keyword gives no join address (no site), with the command that fixes it', async () => {
    const run = await runCli(['meetings', 'parse', '--location', 'Room 4 @webex'], {env: home.env})
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stdout, /^Keyword\t@webex$/m)
    assert.ok(run.stderr.includes(`! ${NO_SITE_WARNING}`), run.stderr)
    await seedStore(home.env, {meetings: {site: 'acme'}})
    const fixed = await runCli(['meetings', 'parse', '--location', 'Room 4 @webex'], {env: home.env})
    assert.doesNotMatch(fixed.stderr, /No join address/)
    assert.match(fixed.stderr, /@webex meetings are joined at the address its templates give for the organiser/)
  })

  it('reads an HTML body from a file', async () => {
    const path = join(home.dir, 'invite.html')
    await writeFile(path, `<p>Join: <a href="${TEAMS.replace('&', '&amp;')}">Join the meeting now</a></p>`)
    const run = await runCli(['meetings', 'parse', '--location', 'Teams', '--body-file', path, '--html', '--json'], {
      env: home.env,
    })
    assert.equal(run.code, 0, run.stderr)
    assert.deepEqual((run.json as {result: unknown}).result, {
      keyword: null,
      join: {url: TEAMS, sip: null, service: 'teams'},
      candidates: [{url: TEAMS, service: 'teams', source: 'body'}],
    })
  })

  it('applies the profile’s extra join domains and prints a table for people', async () => {
    await seedStore(home.env, {meetings: {extraJoinDomains: ['video.acme.test']}})
    const run = await runCli(['meetings', 'parse', '--location', 'https://video.acme.test/room/42', '--body', ''], {
      env: home.env,
    })
    assert.equal(run.code, 0, run.stderr)
    assert.equal(
      run.stdout,
      [
        'Field\tValue',
        'Keyword\t-',
        'Join URL\thttps://video.acme.test/room/42',
        'Video address\t-',
        'Service\tother',
        '',
      ].join('\n'),
    )
  })

  it('fails with the settings problems when the profile’s meetings section is invalid', async () => {
    await seedStore(home.env, {meetings: {obtp: {tentative: 'sometimes'}}})
    const run = await runCli(['meetings', 'parse', '--location', '@webex', '--json'], {env: home.env})
    assert.equal(run.code, 1)
    const error = (run.json as {error: {code: string; message: string}}).error
    assert.equal(error.code, 'MEETING_SETTINGS_INVALID')
    assert.match(error.message, /"meetings\.obtp\.tentative" must be "push" or "skip"/)
  })

  it('refuses --body together with --body-file', async () => {
    const run = await runCli(['meetings', 'parse', '--body', 'x', '--body-file', 'y', '--json'], {env: home.env})
    assert.equal(run.code, 2)
  })
})

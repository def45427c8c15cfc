import assert from 'node:assert/strict'

import {runCli, tempHome} from '../../helpers/cli.js'
import {attendee, makeEvent} from '../../fixtures/events/build.js'
import {seedStore, storeKey} from '../../fixtures/events/seed-store.js'

const ZOOM = 'https://acme.zoom.us/j/81234567890?pwd=abc'
const WINDOW = ['--from', '2026-12-01', '--to', '2026-12-08']

describe('hcal meetings list', () => {
  let home: Awaited<ReturnType<typeof tempHome>>
  let env: NodeJS.ProcessEnv
  beforeEach(async () => {
    home = await tempHome()
    env = {...home.env, HCAL_STORE_KEY: storeKey()}
    // meetings list needs a configured profile: an empty "default" one.
    await seedStore(env, {})
  })
  afterEach(async () => home.cleanup())

  it('lists a user’s stored meetings in the window, hiding private titles', async () => {
    await seedStore(env, {
      meetings: {site: 'acme'},
      users: [{email: 'jane@acme.test', provider: 'google', kind: 'user', state: 'active'}],
      events: [
        makeEvent({id: 'b', location: '@webex', start: '2026-12-02T10:00:00.000Z', end: '2026-12-02T10:30:00.000Z'}),
        makeEvent({
          id: 'a',
          location: ZOOM,
          sensitivity: 'private',
          attendees: [attendee('bob@acme.test', 'tentative')],
        }),
        makeEvent({id: 'outside', start: '2026-12-10T10:00:00.000Z', end: '2026-12-10T11:00:00.000Z'}),
        makeEvent({id: 'bobs', mailbox: 'bob@acme.test'}),
      ],
    })
    const run = await runCli(['meetings', 'list', '--user', 'Jane@acme.test', ...WINDOW, '--json'], {env})
    assert.equal(run.code, 0, run.stderr)
    const result = (run.json as {result: {from: string; to: string; meetings: Record<string, unknown>[]}}).result
    assert.equal(result.from, '2026-12-01T00:00:00.000Z')
    assert.deepEqual(
      result.meetings.map((m) => [m.id, m.title, m.join, m.source]),
      [
        ['a', null, {url: ZOOM, sip: null, service: 'zoom'}, 'location'],
        [
          'b',
          'Quarterly review',
          {url: 'https://acme.webex.com/meet/jane', sip: 'jane@acme.webex.com', service: 'webex'},
          'keyword',
        ],
      ],
    )
    assert.deepEqual(result.meetings[0]?.invitees, [
      {email: 'bob@acme.test', name: null, response: 'tentative', room: false},
    ])
  })

  it('says to run hcal sync when nothing is stored, and warns about a user who is not active', async () => {
    const run = await runCli(['meetings', 'list', '--user', 'zed@acme.test', ...WINDOW], {env})
    assert.equal(run.code, 0, run.stderr)
    assert.equal(run.stdout, '')
    assert.match(
      run.stderr,
      /zed@acme\.test is not an active hcal user or room; activate it with "hcal users activate zed@acme\.test"/,
    )
    assert.match(
      run.stderr,
      /No meetings stored for zed@acme\.test between 2026-12-01T00:00:00\.000Z and 2026-12-08T00:00:00\.000Z\. Run "hcal sync"/,
    )
  })

  it('rejects a window that ends before it starts, and times that are not ISO 8601', async () => {
    assert.equal((await runCli(['meetings', 'list', '--from', '2026-12-08', '--to', '2026-12-01'], {env})).code, 2)
    const bad = await runCli(['meetings', 'list', '--from', 'next tuesday', '--json'], {env})
    assert.equal(bad.code, 2)
    assert.equal((bad.json as {error: {code: string}}).error.code, 'INVALID_TIME')
  })
})

import assert from 'node:assert/strict'

import {runCli, tempHome} from '../../helpers/cli.js'
import {attendee, makeEvent, room} from '../../fixtures/events/build.js'
import {seedStore, storeKey} from '../../fixtures/events/seed-store.js'

const ZOOM = 'https://acme.zoom.us/j/81234567890?pwd=abc'

describe('hcal obtp dry-run / explain', () => {
  let home: Awaited<ReturnType<typeof tempHome>>
  let env: NodeJS.ProcessEnv
  before(async () => {
    home = await tempHome()
    env = {...home.env, HCAL_STORE_KEY: storeKey()}
    const attendees = [
      attendee('jane@acme.test', 'organizer'),
      attendee('bob@acme.test', 'declined'),
      attendee('carol@acme.test', 'accepted'),
      room('room4@acme.test'),
      room('room5@acme.test'),
    ]
    await seedStore(env, {
      meetings: {site: 'acme', obtp: {leadMinutes: 5, tentative: 'skip'}},
      users: [
        {email: 'jane@acme.test', provider: 'google', kind: 'user', state: 'active'},
        {email: 'bob@acme.test', provider: 'google', kind: 'user', state: 'active'},
        {email: 'carol@acme.test', provider: 'google', kind: 'user', state: 'pending'},
        {
          email: 'room4@acme.test',
          provider: 'google',
          kind: 'room',
          state: 'active',
          deviceSip: 'room4@acme.webex.com',
        },
        {email: 'room5@acme.test', provider: 'google', kind: 'room', state: 'active'},
      ],
      events: [
        makeEvent({id: 'webex-1', location: 'Room 4 @webex', attendees}),
        makeEvent({
          id: 'zoom-2',
          location: ZOOM,
          attendees,
          start: '2026-12-01T14:00:00.000Z',
          end: '2026-12-01T15:00:00.000Z',
        }),
        makeEvent({id: 'cancelled-3', location: ZOOM, attendees, status: 'cancelled'}),
      ],
    })
  })
  after(async () => home.cleanup())

  it('plans the pushes showing at --at: active non-declined users and rooms with a device', async () => {
    const run = await runCli(['obtp', 'dry-run', '--at', '2026-12-01T09:56:00Z', '--json'], {env})
    assert.equal(run.code, 0, run.stderr)
    assert.deepEqual((run.json as {result: unknown}).result, {
      at: '2026-12-01T09:56:00.000Z',
      leadMinutes: 5,
      tentative: 'skip',
      meetings: [
        {
          meetingId: 'webex-1',
          title: 'Quarterly review',
          start: '2026-12-01T10:00:00.000Z',
          end: '2026-12-01T11:00:00.000Z',
          showFrom: '2026-12-01T09:55:00.000Z',
          showUntil: '2026-12-01T11:00:00.000Z',
          join: {url: 'https://acme.webex.com/meet/jane', sip: 'jane@acme.webex.com', service: 'webex'},
          source: 'keyword',
          targets: [
            {email: 'jane@acme.test', kind: 'user', response: 'organizer', address: 'https://acme.webex.com/meet/jane'},
            {email: 'room4@acme.test', kind: 'room', response: 'accepted', address: 'jane@acme.webex.com'},
          ],
        },
      ],
    })
  })

  it('applies --lead and --room, and prints a table', async () => {
    const run = await runCli(
      ['obtp', 'dry-run', '--at', '2026-12-01T13:52:00Z', '--lead', '10', '--room', 'room4@acme.test'],
      {env},
    )
    assert.equal(run.code, 0, run.stderr)
    assert.equal(
      run.stdout,
      [
        'Shows from\tUntil\tMeeting\tTarget\tKind\tAddress\tId',
        `2026-12-01T13:50:00.000Z\t2026-12-01T15:00:00.000Z\tQuarterly review\troom4@acme.test\troom\t${ZOOM}\tzoom-2`,
        '',
      ].join('\n'),
    )
  })

  it('says what to do when nothing would be pushed', async () => {
    const run = await runCli(['obtp', 'dry-run', '--at', '2026-12-01T09:54:00Z'], {env})
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stderr, /No Join buttons would be pushed at 2026-12-01T09:54:00\.000Z\. Run "hcal sync"/)
  })

  it('explains one meeting for one person', async () => {
    const run = await runCli(
      ['obtp', 'explain', 'zoom-2', '--user', 'bob@acme.test', '--at', '2026-12-01T14:00:00Z', '--json'],
      {env},
    )
    assert.equal(run.code, 0, run.stderr)
    assert.deepEqual((run.json as {result: unknown}).result, {
      eventId: 'zoom-2',
      checks: [
        {check: 'status', passed: true, detail: 'The meeting is confirmed.'},
        {check: 'all-day', passed: true, detail: 'The meeting has a start and end time.'},
        {check: 'join-address', passed: true, detail: `zoom meeting, ${ZOOM}, from the location.`},
        {
          check: 'timing',
          passed: true,
          detail: 'The Join button shows from 2026-12-01T13:55:00.000Z until 2026-12-01T15:00:00.000Z.',
        },
        {check: 'user bob@acme.test', passed: false, detail: 'No button: declined the meeting.'},
      ],
      verdict: {joinButton: false, summary: 'No Join button: no active user or room device among the participants.'},
    })
  })

  it('explains a cancelled meeting in words', async () => {
    const run = await runCli(['obtp', 'explain', 'cancelled-3', '--at', '2026-12-01T09:00:00Z'], {env})
    assert.equal(run.code, 0, run.stderr)
    assert.equal(
      run.stdout,
      '✗ status: The meeting is cancelled.\n\nVerdict: No Join button: the meeting is cancelled.\n',
    )
  })

  it('fails with MEETING_NOT_FOUND for an unknown id', async () => {
    const run = await runCli(['obtp', 'explain', 'nope', '--at', '2026-12-01T09:00:00Z', '--json'], {env})
    assert.equal(run.code, 1)
    assert.equal((run.json as {error: {code: string}}).error.code, 'MEETING_NOT_FOUND')
  })
})

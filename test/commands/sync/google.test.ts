import assert from 'node:assert/strict'

import type {SyncResult} from '../../../src/commands/sync.js'
import {findKeyword} from '../../../src/lib/core/join/keywords.js'
import {blocksIn} from '../../helpers/sync-e2e.js'
import {startUsersLab, type UsersLab} from '../../helpers/users-lab.js'

interface GoogleEvent {
  id: string
  status?: string
  location?: string
  description?: string
  recurrence?: string[]
  recurringEventId?: string
  organizer?: {email?: string}
  start?: {dateTime?: string; date?: string}
}

interface Envelope {
  status: number
  result: SyncResult
  warnings: string[]
}

const DAY = 86_400_000
const KEYWORDS = ['@webex', '@meet']

/**
 * `hcal sync` end to end against the Google emulator, through the built CLI and the real adapter: the ground
 * truth is what the sandbox's calendars hold afterwards, read through its control API.
 */
describe('hcal sync against the Google sandbox, through the built CLI', function () {
  this.timeout(600_000)
  let lab: UsersLab
  let active: string[]
  let inactive: string[]

  const control = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await lab.sandbox.control(method, `/_sandbox/google/${path}`, body)
    assert.ok(response.status < 300, `${method} ${path}: ${response.status} ${JSON.stringify(response.body)}`)
    return response.body as T
  }
  const eventsOf = async (email: string) =>
    (await control<{events: GoogleEvent[]}>('GET', `calendars/${encodeURIComponent(email)}/events`)).events
  const sync = async (...args: string[]) => {
    const run = await lab.cli('sync', ...args)
    return {code: run.code, envelope: run.json as Envelope}
  }

  /** Every single (non-recurring) meeting in the window: one block when a keyword asks and its organiser is active. */
  async function assertGroundTruth(): Promise<number> {
    const from = Date.now() - 6 * DAY
    const to = Date.now() + 30 * DAY
    let keywordMeetings = 0
    for (const email of [...active, ...inactive]) {
      for (const event of await eventsOf(email)) {
        const start = Date.parse(event.start?.dateTime ?? event.start?.date ?? '')
        if (event.recurrence || event.recurringEventId || !(start > from && start < to)) continue
        const organiser = event.organizer?.email?.toLowerCase() ?? ''
        const wanted =
          event.status !== 'cancelled' &&
          active.includes(organiser) &&
          findKeyword(event.location ?? '', KEYWORDS) !== null
        if (wanted && organiser === email) keywordMeetings++
        assert.equal(blocksIn(event.description), wanted ? 1 : 0, `${email} ${event.id} "${event.location}"`)
      }
    }
    return keywordMeetings
  }

  before(async () => {
    lab = await startUsersLab({providers: ['google'], users: 5, events: 6, rooms: 1})
    const users = lab.seed.google!.users.map((u) => u.email.toLowerCase())
    active = users.slice(0, 3)
    inactive = users.slice(3)
    assert.equal((await lab.cli('meetings', 'settings', '--site', 'acme')).code, 0)
    const activation = await lab.cli('users', 'activate', ...active)
    assert.equal(activation.code, 0, activation.stdout)
  })
  after(() => lab?.stop())

  it('first sync writes exactly one block per keyword meeting of an active organiser, and nothing else', async () => {
    await lab.sandbox.control('DELETE', '/_sandbox/log')
    const {code, envelope} = await sync()
    assert.equal(code, 0, JSON.stringify(envelope))
    assert.equal(envelope.result.summary.users, 3)
    assert.deepEqual(
      envelope.result.users.map((u) => [u.email, u.status]).sort(),
      active.map((email) => [email, 'ok']).sort(),
    )
    assert.ok(envelope.result.summary.meetingsRead > 0)
    assert.ok(envelope.result.summary.requests > 0)
    for (const email of inactive) {
      const log = (await lab.sandbox.control('GET', `/_sandbox/log?mailbox=${encodeURIComponent(email)}`)).body as {
        entries: unknown[]
      }
      assert.deepEqual(log.entries, [], `requests to non-activated ${email}`)
    }
    const keywordMeetings = await assertGroundTruth()
    assert.ok(keywordMeetings > 0, 'the seed has keyword meetings of active organisers')
    assert.ok(envelope.result.summary.joinBlocks.written >= keywordMeetings)
  })

  it('our writes echo back once and cause no write; then a run with nothing changed sends one calendar request per mailbox', async () => {
    // Writes made after the first round's sync token come back in the next round: recognised, not written again.
    const echo = await sync()
    assert.equal(echo.code, 0)
    const {written, updated, removed} = echo.envelope.result.summary.joinBlocks
    assert.deepEqual({written, updated, removed}, {written: 0, updated: 0, removed: 0})
    await lab.sandbox.control('DELETE', '/_sandbox/log')
    const {code, envelope} = await sync()
    assert.equal(code, 0)
    assert.deepEqual(envelope.result.summary.joinBlocks, {written: 0, updated: 0, removed: 0, unchanged: 0})
    const log = (await lab.sandbox.control('GET', '/_sandbox/log?provider=google')).body as {
      entries: {mailbox?: string; operation: string; method: string}[]
    }
    for (const email of active) {
      const calendar = log.entries.filter(
        (e) => e.mailbox?.toLowerCase() === email && e.operation.startsWith('events.'),
      )
      assert.equal(calendar.length, 1, `${email}: ${JSON.stringify(calendar)}`)
    }
    assert.equal(log.entries.filter((e) => e.method !== 'GET' && e.operation.startsWith('events.')).length, 0)
  })

  it('follows user edits: create, move, cancel, keyword added and removed, text edited around the block', async () => {
    const [a, b] = active as [string, string]
    const at = (days: number, hours = 10) => new Date(Math.floor(Date.now() / DAY + days) * DAY + hours * 3_600_000)
    const created = await control<GoogleEvent>('POST', `calendars/${encodeURIComponent(a)}/events`, {
      title: 'Created',
      location: '@webex',
      body: 'Created by the user.',
      start: at(2).toISOString(),
      end: at(2, 11).toISOString(),
    })
    const later = await control<GoogleEvent>('POST', `calendars/${encodeURIComponent(a)}/events`, {
      title: 'Keyword later',
      location: 'Room 7',
      body: 'No keyword yet.',
      start: at(3).toISOString(),
      end: at(3, 11).toISOString(),
    })
    const doomed = await control<GoogleEvent>('POST', `calendars/${encodeURIComponent(b)}/events`, {
      title: 'Doomed',
      location: '@webex',
      body: 'Will be cancelled.',
      start: at(4).toISOString(),
      end: at(4, 11).toISOString(),
    })
    assert.equal((await sync()).code, 0)
    await assertGroundTruth()
    const path = (email: string, id: string) => `calendars/${encodeURIComponent(email)}/events/${id}`
    await control('PATCH', path(a, later.id), {location: '@webex Room 7'})
    await control('PATCH', path(a, created.id), {location: 'Room 9'})
    await control('DELETE', path(b, doomed.id))
    const withBlock = (await eventsOf(b)).find((e) => blocksIn(e.description) === 1 && !e.recurrence)
    assert.ok(withBlock, 'a meeting of b with a block')
    await control('PATCH', path(b, withBlock.id), {
      description: `Moved and annotated.\n${withBlock.description ?? ''}\nThanks.`,
      start: at(5).toISOString(),
      end: at(5, 11).toISOString(),
    })
    const {code, envelope} = await sync()
    assert.equal(code, 0, JSON.stringify(envelope.warnings))
    assert.ok(envelope.result.summary.joinBlocks.written >= 1)
    assert.ok(envelope.result.summary.joinBlocks.removed >= 1)
    await assertGroundTruth()
    const annotated = (await eventsOf(b)).find((e) => e.id === withBlock.id)
    assert.match(annotated?.description ?? '', /^Moved and annotated\.\n[\s\S]*\nThanks\.$/)
  })

  it('an invalidated sync token leads to a full read that converges without a duplicate block', async () => {
    for (const email of active) await control('POST', `calendars/${encodeURIComponent(email)}/invalidate-sync-tokens`)
    const {code, envelope} = await sync()
    assert.equal(code, 0, JSON.stringify(envelope.warnings))
    assert.equal(envelope.result.summary.joinBlocks.written, 0)
    await assertGroundTruth()
  })

  it('under 429 and 503 with Retry-After and connection resets, a run still converges', async () => {
    const [a] = active as [string]
    const at = new Date(Math.floor(Date.now() / DAY + 6) * DAY + 9 * 3_600_000)
    await control('POST', `calendars/${encodeURIComponent(a)}/events`, {
      title: 'Under faults',
      location: '@webex',
      body: 'Faults.',
      start: at.toISOString(),
      end: new Date(at.getTime() + 3_600_000).toISOString(),
    })
    await lab.sandbox.control('PUT', '/_sandbox/faults', {
      errorRates: {429: 0.3, 503: 0.1},
      resetRate: 0.05,
    })
    let throttled = 0
    try {
      // Each mailbox is retried within a run (bounded); one that still fails is retried by the next run. Faults
      // are random: an incremental run is a handful of requests, so keep going until some were throttled.
      for (let attempt = 0; attempt < 6; attempt++) {
        const run = await sync()
        throttled += run.envelope.result.summary.throttled
        if (run.code === 0 && throttled > 0) break
        assert.ok(run.code === 0 || run.code === 3, JSON.stringify(run.envelope))
      }
    } finally {
      await lab.sandbox.control('PUT', '/_sandbox/faults', {})
    }
    const final = await sync()
    assert.equal(final.code, 0, JSON.stringify(final.envelope.warnings))
    assert.ok(throttled > 0, 'the throttled answers were counted')
    await assertGroundTruth()
  })

  it('a dry run plans without writing and leaves the sync positions alone', async () => {
    const [a] = active as [string]
    const at = new Date(Math.floor(Date.now() / DAY + 7) * DAY + 9 * 3_600_000)
    const planned = await control<GoogleEvent>('POST', `calendars/${encodeURIComponent(a)}/events`, {
      title: 'Planned',
      location: '@meet',
      body: 'Dry.',
      start: at.toISOString(),
      end: new Date(at.getTime() + 3_600_000).toISOString(),
    })
    const {code, envelope} = await sync('--dry-run')
    assert.equal(code, 0)
    assert.deepEqual(envelope.result.plan, [{mailbox: a, eventId: planned.id, action: 'write', keyword: '@meet'}])
    assert.equal(blocksIn((await eventsOf(a)).find((e) => e.id === planned.id)?.description), 0)
    const real = await sync()
    assert.equal(real.envelope.result.summary.joinBlocks.written, 1)
    await assertGroundTruth()
  })
})

import assert from 'node:assert/strict'

import {
  assertGroundTruth,
  blocksIn,
  controlOk,
  dayAt,
  type Envelope,
  type SyncE2eProvider,
  type TruthEvent,
  userText,
} from './sync-e2e.js'
import {startUsersLab, type UsersLab} from './users-lab.js'

interface LogEntry {
  mailbox?: string
  operation: string
  method: string
}

/**
 * `hcal sync` end to end against one emulator, through the built CLI and the real adapter: the ground truth
 * is what the sandbox's calendars hold afterwards, read through its control API. One lab per provider, the
 * cases in order (each starts from the converged state the one before left).
 */
export function describeSyncEndToEnd(provider: SyncE2eProvider): void {
  describe(`hcal sync against the ${provider.id} sandbox, through the built CLI`, function () {
    this.timeout(600_000)
    let lab: UsersLab
    let active: string[]
    let inactive: string[]

    const sync = async (...args: string[]) => {
      const run = await lab.cli('sync', ...args)
      return {code: run.code, envelope: run.json as Envelope}
    }
    const logOf = async (query: string) =>
      (await controlOk<{entries: LogEntry[]}>(lab, 'GET', `/_sandbox/log?${query}`)).entries
    const groundTruth = () => assertGroundTruth(provider, lab, active, [...active, ...inactive])
    const eventOf = async (email: string, id: string): Promise<TruthEvent> => {
      const found = (await provider.eventsOf(lab, email)).find((e) => e.id === id)
      assert.ok(found, `${email} has ${id}`)
      return found
    }
    const create = (email: string, title: string, location: string, day: number, body = `${title}.`) =>
      provider.create(lab, email, {title, location, body, start: dayAt(day), end: dayAt(day, 11)})
    /** Every meeting's text as its user wrote it, by mailbox and id. */
    const userTexts = async () => {
      const texts = new Map<string, string>()
      for (const email of [...active, ...inactive]) {
        for (const event of await provider.eventsOf(lab, email)) texts.set(`${email} ${event.id}`, userText(event))
      }
      return texts
    }

    before(async () => {
      lab = await startUsersLab({providers: [provider.id], users: 5, events: 6, rooms: 1})
      const users = lab.seed[provider.id]!.users.map((u) => u.email.toLowerCase())
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
      assert.equal(envelope.result.summary.users, active.length)
      assert.deepEqual(
        envelope.result.users.map((u) => [u.email.toLowerCase(), u.status]).sort(),
        active.map((email) => [email, 'ok']).sort(),
      )
      assert.ok(envelope.result.summary.meetingsRead > 0)
      assert.ok(envelope.result.summary.requests > 0)
      for (const email of inactive) {
        assert.deepEqual(await logOf(`mailbox=${encodeURIComponent(email)}`), [], `requests to non-activated ${email}`)
      }
      const keywordMeetings = await groundTruth()
      assert.ok(keywordMeetings > 0, 'the seed has keyword meetings of active organisers')
      assert.ok(envelope.result.summary.joinBlocks.written >= keywordMeetings)
    })

    it('our writes echo back once and cause no write; then a run with nothing changed sends one calendar request per mailbox', async () => {
      // Writes made after the first round's cursor come back in the next round: recognised, not written again.
      const echo = await sync()
      assert.equal(echo.code, 0, JSON.stringify(echo.envelope))
      const {written, updated, removed} = echo.envelope.result.summary.joinBlocks
      assert.deepEqual({written, updated, removed}, {written: 0, updated: 0, removed: 0})
      await lab.sandbox.control('DELETE', '/_sandbox/log')
      const {code, envelope} = await sync()
      assert.equal(code, 0, JSON.stringify(envelope))
      assert.deepEqual(envelope.result.summary.joinBlocks, {written: 0, updated: 0, removed: 0, unchanged: 0})
      const log = await logOf(`provider=${provider.id}`)
      const calendar = log.filter((e) => provider.isCalendarOperation(e.operation))
      for (const email of active) {
        const mine = calendar.filter((e) => e.mailbox?.toLowerCase() === email)
        assert.equal(mine.length, 1, `${email}: ${JSON.stringify(log)}`)
      }
      assert.equal(calendar.length, active.length, JSON.stringify(log))
    })

    it('follows user edits: create, move, cancel, keyword added and removed, text edited around the block', async () => {
      const [a, b] = active as [string, string]
      // Markup characters in the user's text reach every system as text (EWS needs them escaped).
      const created = await create(a, 'Created', '@webex', 2, 'Created by the user: <b>Q&A</b> & "more".')
      const later = await create(a, 'Keyword later', 'Room 7', 3, 'No keyword yet.')
      const doomed = await create(b, 'Doomed', '@webex', 4, 'Will be cancelled.')
      const annotatedId = await create(b, 'Annotated', '@webex', 1, 'The agenda.')
      const switched = await create(b, 'Switched', '@webex', 2, 'Another agenda.')
      const first = await sync()
      assert.equal(first.code, 0, JSON.stringify(first.envelope))
      await groundTruth()
      const createdNow = await eventOf(a, created)
      assert.equal(blocksIn(createdNow.body), 1)
      assert.equal(userText(createdNow), 'Created by the user: <b>Q&A</b> & "more".')
      assert.equal(blocksIn((await eventOf(b, doomed)).body), 1)

      await provider.edit(lab, a, later, {location: '@webex Room 7'})
      await provider.edit(lab, a, created, {location: 'Room 9'})
      await provider.cancel(lab, b, doomed)
      await provider.edit(lab, b, switched, {location: '@meet'})
      const withBlock = await eventOf(b, annotatedId)
      assert.equal(blocksIn(withBlock.body), 1)
      const annotated = `Moved and annotated.\n${withBlock.body}\nThanks.`
      await provider.edit(lab, b, withBlock.id, {body: annotated, start: dayAt(5), end: dayAt(5, 11)})
      const expectedText = userText({...withBlock, body: annotated})

      const {code, envelope} = await sync()
      assert.equal(code, 0, JSON.stringify(envelope.warnings))
      assert.ok(envelope.result.summary.joinBlocks.written >= 1)
      assert.ok(envelope.result.summary.joinBlocks.removed >= 1)
      assert.ok(envelope.result.summary.joinBlocks.updated >= 1)
      const switchedNow = await eventOf(b, switched)
      assert.equal(blocksIn(switchedNow.body), 1)
      assert.match(switchedNow.body, /@meet/, 'the block names the new keyword')
      assert.doesNotMatch(switchedNow.body, /@webex/)
      assert.equal(blocksIn((await eventOf(a, later)).body), 1)
      assert.equal(blocksIn((await eventOf(a, created)).body), 0)
      await groundTruth()
      const moved = await eventOf(b, withBlock.id)
      assert.equal(moved.start, dayAt(5).getTime())
      assert.equal(blocksIn(moved.body), 1)
      assert.equal(userText(moved), expectedText, 'the text around the block is as the user left it')

      // Out of the window and back: the block it kept is recognised, not written again.
      await provider.edit(lab, a, later, {start: dayAt(45), end: dayAt(45, 11)})
      assert.equal((await sync()).code, 0)
      await provider.edit(lab, a, later, {start: dayAt(3), end: dayAt(3, 11)})
      const back = await sync()
      assert.equal(back.code, 0, JSON.stringify(back.envelope.warnings))
      assert.equal(back.envelope.result.summary.joinBlocks.written, 0)
      assert.equal(blocksIn((await eventOf(a, later)).body), 1)
    })

    it('honours a keyword on one occurrence of a recurring meeting for that occurrence only', async () => {
      const [a] = active as [string]
      const series = await provider.createSeries(
        lab,
        a,
        {title: 'Daily sync', location: 'Room 5', body: 'Every day.', start: dayAt(9), end: dayAt(9, 11)},
        4,
      )
      assert.equal((await sync()).code, 0)
      const before = await provider.occurrencesOf(lab, a, series)
      assert.equal(before.length, 4)
      const chosen = before[2]!
      await provider.editOccurrence(lab, a, series, chosen.key, {location: '@webex Room 5'})
      const {code, envelope} = await sync()
      assert.equal(code, 0, JSON.stringify(envelope.warnings))
      assert.equal(envelope.result.summary.joinBlocks.written, 1)
      const after = await provider.occurrencesOf(lab, a, series)
      assert.deepEqual(
        after.map((o) => [o.key, blocksIn(o.body)]),
        before.map((o) => [o.key, o.key === chosen.key ? 1 : 0]),
      )
      const again = await sync()
      assert.equal(again.envelope.result.summary.joinBlocks.written, 0, 'the block is not written twice')
      assert.equal(blocksIn((await provider.occurrencesOf(lab, a, series))[2]?.body), 1)

      // A keyword on the whole series: every other occurrence gets its own block, the exception keeps its one.
      await provider.edit(lab, a, series, {location: '@meet Room 5'})
      const whole = await sync()
      assert.equal(whole.code, 0, JSON.stringify(whole.envelope.warnings))
      assert.equal(whole.envelope.result.summary.joinBlocks.written, 3)
      const all = await provider.occurrencesOf(lab, a, series)
      assert.deepEqual(
        all.map((o) => [o.location, blocksIn(o.body)]),
        before.map((o) => [o.key === chosen.key ? '@webex Room 5' : '@meet Room 5', 1]),
      )
      const echo = await sync()
      assert.equal(echo.envelope.result.summary.joinBlocks.written, 0)
      await groundTruth()
    })

    it('a user edit racing our write: the user’s edit survives and the block still lands', async () => {
      const [, , c] = active as [string, string, string]
      const raced = await create(c, 'Raced', '@meet', 6, 'Agenda.')
      const dropped = await create(c, 'Keyword dropped', '@webex', 7, 'Agenda.')
      // The user saves between hcal's read of the meeting and its write: new text on one, no keyword on the other.
      await provider.race(lab, c, raced, {body: 'Agenda, edited by the user.'})
      await provider.race(lab, c, dropped, {location: 'Room 1'})
      const {code, envelope} = await sync()
      assert.equal(code, 0, JSON.stringify(envelope.warnings))
      const event = await eventOf(c, raced)
      assert.equal(blocksIn(event.body), 1)
      assert.equal(userText(event), 'Agenda, edited by the user.')
      const decidedAgain = await eventOf(c, dropped)
      assert.deepEqual([decidedAgain.location, decidedAgain.body], ['Room 1', 'Agenda.'])
      assert.equal(envelope.result.summary.conflicts, 0, 'resolved by reading again, not reported')
      await groundTruth()
    })

    it('an invalidated sync position leads to a full read that converges without a duplicate block', async () => {
      for (const email of active) await provider.invalidateCursor(lab, email)
      const {code, envelope} = await sync()
      assert.equal(code, 0, JSON.stringify(envelope.warnings))
      assert.equal(envelope.result.summary.joinBlocks.written, 0)
      await groundTruth()
    })

    it('under 429 and 503 with Retry-After, connection resets and short token lifetimes, runs converge to the ground truth and change no user text', async () => {
      const [a, b] = active as [string, string]
      await create(a, 'Under faults', '@webex', 6, 'Faults.')
      await create(b, 'Also under faults', '@meet', 7, 'More faults.')
      const texts = await userTexts()
      await controlOk(lab, 'PUT', '/_sandbox/faults', {
        errorRates: {429: 0.3, 503: 0.1},
        resetRate: 0.05,
        ...(provider.shortTokenLifetimeSeconds ? {tokenLifetimeSeconds: provider.shortTokenLifetimeSeconds} : {}),
      })
      let throttled = 0
      try {
        // Each mailbox is retried within a run (bounded); one that still fails is retried by the next run. Faults
        // are random: an incremental run is a handful of requests, so keep going until some were throttled.
        for (let attempt = 0; attempt < 6; attempt++) {
          const run = await sync()
          throttled += run.envelope.result.summary.throttled
          assert.ok([0, 3].includes(run.code ?? -1), JSON.stringify(run.envelope))
          if (run.code === 0 && throttled > 0) break
        }
      } finally {
        await controlOk(lab, 'PUT', '/_sandbox/faults', {})
      }
      const final = await sync()
      assert.equal(final.code, 0, JSON.stringify(final.envelope.warnings))
      assert.ok(throttled > 0, 'the throttled answers were counted')
      await groundTruth()
      assert.deepEqual(await userTexts(), texts, 'no user text changed')
    })

    it('a dry run plans without writing and leaves the sync positions alone', async () => {
      const [a] = active as [string]
      const planned = await create(a, 'Planned', '@meet', 8, 'Dry.')
      const {code, envelope} = await sync('--dry-run')
      assert.equal(code, 0, JSON.stringify(envelope.warnings))
      assert.deepEqual(envelope.result.plan, [{mailbox: a, eventId: planned, action: 'write', keyword: '@meet'}])
      assert.equal(blocksIn((await eventOf(a, planned)).body), 0)
      const real = await sync()
      assert.equal(real.envelope.result.summary.joinBlocks.written, 1)
      await groundTruth()
    })
  })
}

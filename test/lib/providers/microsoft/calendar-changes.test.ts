import assert from 'node:assert/strict'

import type {CalendarEvent} from '../../../../src/lib/core/model.js'
import type {MailboxGrant} from '../../../../src/lib/ports/access.js'
import type {EventChange} from '../../../../src/lib/ports/calendar.js'
import {MICROSOFT_CAPABILITIES} from '../../../../src/lib/providers/microsoft/capabilities.js'
import {at, type CalendarLab, countBy, labWindow, readRound, startCalendarLab} from './calendar-lab.js'

interface TruthEvent {
  id: string
  type: string
  seriesMasterId: string | null
  start: {dateTime: string}
  end: {dateTime: string}
}

const upserts = (changes: EventChange[]): CalendarEvent[] =>
  changes.flatMap((change) => (change.type === 'upsert' ? [change.event] : []))
const removedIds = (changes: EventChange[]): string[] =>
  changes.flatMap((change) => (change.type === 'removed' ? [change.eventId] : []))

/**
 * listChanges over Graph's calendarView delta, against the Microsoft sandbox through msal-node and the Graph
 * client: every page followed, the deltaLink as the cursor, user edits made through the control API read
 * back incrementally, and the cost of each round counted through the adapter's hooks.
 */
describe('Microsoft calendar adapter: changes (calendarView delta)', function () {
  this.timeout(120_000)
  let lab: CalendarLab
  let owner: string
  let grant: MailboxGrant
  const window = labWindow()

  const truth = async (): Promise<TruthEvent[]> =>
    (await lab.control<{value: TruthEvent[]}>('GET', `/_sandbox/microsoft/mailboxes/${owner}/events`)).value
  const inWindow = (events: TruthEvent[]) =>
    events
      .filter((e) => e.type !== 'seriesMaster')
      .filter(
        (e) =>
          Date.parse(`${e.start.dateTime}Z`) < Date.parse(window.end) &&
          Date.parse(`${e.end.dateTime}Z`) > Date.parse(window.start),
      )
      .map((e) => e.id)
      .sort()
  const create = (body: Record<string, unknown>) =>
    lab.control<{id: string}>('POST', `/_sandbox/microsoft/mailboxes/${owner}/events`, body)

  before(async () => {
    lab = await startCalendarLab()
    owner = lab.users[0]!
    grant = lab.grant(owner)
    // Three daily series across the window: more occurrences than one page holds.
    for (const name of ['Stand-up', 'Check-in', 'Review']) {
      await create({
        subject: name,
        start: at(-6 * 24 + 1),
        end: at(-6 * 24 + 1.5),
        recurrence: {
          pattern: {type: 'daily', interval: 1},
          range: {type: 'numbered', startDate: at(-6 * 24).dateTime.slice(0, 10), numberOfOccurrences: 45},
        },
      })
    }
  })
  after(async () => lab?.stop())

  it('reads the whole window page by page, each event once, and ends the round with the cursor', async () => {
    lab.takeRequests()
    const round = await readRound(lab.calendar, grant, window)
    const expected = inWindow(await truth())
    assert.ok(expected.length > MICROSOFT_CAPABILITIES.limits.pageSize, `only ${expected.length} events in the window`)
    assert.ok(round.pages.length >= 2)
    assert.deepEqual(
      round.pages.slice(0, -1).map((page) => page.cursor),
      round.pages.slice(0, -1).map(() => undefined),
    )
    assert.ok(round.cursor, 'the last page carries the cursor')
    const ids = upserts(round.changes).map((event) => event.id)
    assert.equal(new Set(ids).size, ids.length, 'no event twice')
    assert.deepEqual([...ids].sort(), expected)
    // Delta pages, plus one marker read per page (the organiser's copies), and nothing else.
    const records = lab.takeRequests()
    assert.equal(countBy(records, 'calendar'), round.pages.length * 2)
    assert.equal(countBy(records, 'settings'), 0)
    const logged = lab.lab.sandbox.context.log.forMailbox(owner).filter((entry) => entry.operation !== 'unknown')
    assert.ok(logged.length >= countBy(records, 'calendar'))
  })

  it('a second round with nothing changed costs exactly one calendar request and reports nothing', async () => {
    const first = await readRound(lab.calendar, grant, window)
    lab.takeRequests()
    const second = await readRound(lab.calendar, grant, window, first.cursor)
    assert.deepEqual(second.changes, [])
    assert.ok(second.cursor)
    const records = lab.takeRequests()
    assert.deepEqual(
      records.map((r) => [r.purpose, r.status]),
      [['calendar', 200]],
    )
  })

  it('reads user edits incrementally: create, move, cancel, delete, one occurrence, a whole series', async () => {
    const start = await readRound(lab.calendar, grant, window)
    const all = await truth()
    const single = await create({subject: 'To move', start: at(30), end: at(31), location: {displayName: 'Room 1'}})
    const cancelled = await create({subject: 'To cancel', start: at(50), end: at(51)})
    const doomed = await create({subject: 'To delete', start: at(70), end: at(71)})
    const first = await readRound(lab.calendar, grant, window, start.cursor)
    assert.deepEqual(
      upserts(first.changes)
        .map((e) => e.title)
        .sort(),
      ['To cancel', 'To delete', 'To move'],
    )

    const series = all.find((e) => e.type === 'seriesMaster')!
    const occurrences = all.filter((e) => e.seriesMasterId === series.id && inWindow([e]).length === 1)
    const oneOccurrence = occurrences[3]!
    const user = `/_sandbox/microsoft/mailboxes/${owner}/events`
    await lab.control('PATCH', `${user}/${single.id}`, {start: at(34), end: at(35)})
    await lab.control('PATCH', `${user}/${cancelled.id}`, {isCancelled: true})
    await lab.control('DELETE', `${user}/${doomed.id}`)
    await lab.control('PATCH', `${user}/${oneOccurrence.id}`, {location: {displayName: '@webex'}})
    lab.takeRequests()
    const second = await readRound(lab.calendar, grant, window, first.cursor)
    const changed = new Map(upserts(second.changes).map((e) => [e.id, e]))
    assert.equal(changed.get(single.id)?.start, `${at(34).dateTime}Z`)
    assert.equal(changed.get(cancelled.id)?.status, 'cancelled')
    assert.deepEqual(removedIds(second.changes), [doomed.id])
    const exception = changed.get(oneOccurrence.id)
    assert.equal(exception?.location, '@webex')
    assert.equal(exception?.seriesId, series.id)
    assert.equal(exception?.originalStart, `${oneOccurrence.start.dateTime.slice(0, 19)}Z`)
    assert.equal(changed.size, 3, 'only the edited events')

    // A series edit: each of its occurrences in the window comes back, none from outside it.
    await lab.control('PATCH', `${user}/${series.id}`, {subject: 'Stand-up (new time)'})
    const third = await readRound(lab.calendar, grant, window, second.cursor)
    const edited = upserts(third.changes)
    assert.ok(edited.length > 0)
    assert.ok(edited.every((e) => e.seriesId === series.id))
    assert.deepEqual(
      edited.map((e) => e.id).sort(),
      occurrences
        .map((e) => e.id)
        .filter((id) => id !== oneOccurrence.id)
        .sort(),
    )
  })

  it('answers cursorExpired when Graph forgot the round (410 syncStateNotFound), and reads again without it', async () => {
    const round = await readRound(lab.calendar, grant, window)
    await lab.control('POST', '/_sandbox/microsoft/delta/invalidate', {mailbox: owner})
    const result = await lab.calendar.listChanges({grant, window, cursor: round.cursor!})
    assert.equal(result.kind, 'cursorExpired')
    assert.equal(result.kind === 'cursorExpired' && result.failure.providerCode, 'syncStateNotFound')
    const again = await readRound(lab.calendar, grant, window)
    assert.deepEqual(
      upserts(again.changes)
        .map((e) => e.id)
        .sort(),
      inWindow(await truth()),
    )
  })

  it('reads a slice without a cursor from the plain calendarView, marker included, in one request a page', async () => {
    const slice = {start: window.start, end: new Date(Date.parse(window.start) + 3 * 86_400_000).toISOString()}
    lab.takeRequests()
    const result = await lab.calendar.listChanges({grant, window: slice, cursorNeeded: false})
    assert.equal(result.kind, 'page')
    const page = result as Extract<typeof result, {kind: 'page'}>
    assert.equal(page.cursor, undefined)
    assert.equal(page.nextPage, undefined)
    const expected = (await truth())
      .filter((e) => e.type !== 'seriesMaster')
      .filter(
        (e) =>
          Date.parse(`${e.start.dateTime}Z`) < Date.parse(slice.end) &&
          Date.parse(`${e.end.dateTime}Z`) > Date.parse(slice.start),
      )
      .map((e) => e.id)
      .sort()
    assert.deepEqual(
      upserts(page.changes)
        .map((e) => e.id)
        .sort(),
      expected,
    )
    assert.deepEqual(
      lab.takeRequests().map((r) => r.purpose),
      ['calendar'],
    )
  })
})

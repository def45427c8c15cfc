import assert from 'node:assert/strict'

import type {calendar_v3} from '@googleapis/calendar'

import {httpFailure, inHours, reasonOf, startGoogleSandbox, type GoogleSandbox} from './helpers.js'

type ListParams = calendar_v3.Params$Resource$Events$List

/**
 * The parameter rules of events.list and events.instances, each refused through the real SDK (see the
 * rules table in src/sandbox/google/README.md).
 */
describe('Google emulator: events.list and events.instances rules (through @googleapis/calendar)', () => {
  let google: GoogleSandbox
  let calendar: calendar_v3.Calendar
  let bobsCalendar: calendar_v3.Calendar
  let syncToken: string
  // One base time for every bound, so a run crossing an hour boundary compares like with like.
  const base = Date.now()
  const start = inHours(500, base)
  const end = inHours(501, base)

  before(async () => {
    google = await startGoogleSandbox()
    const [alice = '', bob = ''] = google.users
    calendar = google.clients(alice).calendar
    bobsCalendar = google.clients(bob).calendar
    await calendar.events.insert({
      calendarId: 'primary',
      requestBody: {summary: 'Boundary probe', start: {dateTime: start}, end: {dateTime: end}},
    })
    syncToken = (await calendar.events.list({calendarId: 'primary', maxResults: 2500})).data.nextSyncToken ?? ''
    assert.ok(syncToken)
  })
  after(async () => google.stop())

  const refused = (params: ListParams) => httpFailure(() => calendar.events.list({calendarId: 'primary', ...params}))

  it('lists an event only when it overlaps [timeMin, timeMax): touching either end is outside', async () => {
    const summaries = async (timeMin: string, timeMax: string) =>
      (await calendar.events.list({calendarId: 'primary', q: 'Boundary probe', timeMin, timeMax})).data.items?.map(
        (item) => item.summary,
      )
    assert.deepEqual(await summaries(end, inHours(502, base)), [])
    assert.deepEqual(await summaries(inHours(499, base), start), [])
    const justInside = new Date(Date.parse(end) - 1000).toISOString()
    assert.deepEqual(await summaries(justInside, inHours(502, base)), ['Boundary probe'])
  })

  it('accepts maxResults 1..2500 and refuses 0 with 400 invalid', async () => {
    assert.equal((await calendar.events.list({calendarId: 'primary', maxResults: 2500})).status, 200)
    const failure = await refused({maxResults: 0})
    assert.equal(failure.status, 400)
    assert.equal(reasonOf(failure.data), 'invalid')
  })

  it('refuses an unknown orderBy value with 400 invalid', async () => {
    const failure = await refused({orderBy: 'summary'})
    assert.equal(failure.status, 400)
    assert.equal(reasonOf(failure.data), 'invalid')
  })

  it('refuses syncToken with each filter it cannot be combined with, and with showDeleted=false', async () => {
    const filters: ListParams[] = [
      {iCalUID: 'x@google.com'},
      {orderBy: 'updated'},
      {privateExtendedProperty: ['a=1']},
      {q: 'x'},
      {sharedExtendedProperty: ['a=1']},
      {timeMin: inHours(0)},
      {timeMax: inHours(1)},
      {updatedMin: inHours(-1)},
      {showDeleted: false},
    ]
    for (const filter of filters) {
      const failure = await refused({syncToken, ...filter})
      assert.equal(failure.status, 400, JSON.stringify(filter))
      assert.equal(reasonOf(failure.data), 'invalid', JSON.stringify(filter))
    }
    const allowed = await calendar.events.list({
      calendarId: 'primary',
      syncToken,
      showDeleted: true,
      singleEvents: true,
    })
    assert.equal(allowed.status, 200)
  })

  it('refuses a malformed sync token with 400 invalid', async () => {
    for (const token of ['garbage', `C${Buffer.from('{"owner":1}').toString('base64url')}`]) {
      const failure = await refused({syncToken: token})
      assert.equal(failure.status, 400, token)
      assert.equal(reasonOf(failure.data), 'invalid', token)
    }
  })

  it("answers another calendar's sync token with 410 fullSyncRequired", async () => {
    const failure = await httpFailure(() => bobsCalendar.events.list({calendarId: 'primary', syncToken}))
    assert.equal(failure.status, 410)
    assert.equal(reasonOf(failure.data), 'fullSyncRequired')
  })

  it('refuses timeMax equal to timeMin: 400 timeRangeEmpty', async () => {
    const failure = await refused({timeMin: start, timeMax: start})
    assert.equal(failure.status, 400)
    assert.equal(reasonOf(failure.data), 'timeRangeEmpty')
  })

  it('refuses a timeMin without a time zone offset: 400 badRequest', async () => {
    const failure = await refused({timeMin: '2027-01-01T00:00:00'})
    assert.equal(failure.status, 400)
    assert.equal(reasonOf(failure.data), 'badRequest')
  })

  it('refuses a boolean parameter that is neither true nor false: 400 invalid', async () => {
    const failure = await refused({singleEvents: 'maybe' as unknown as boolean})
    assert.equal(failure.status, 400)
    assert.equal(reasonOf(failure.data), 'invalid')
  })

  it('refuses a page token with another query or a forged one: 400 invalid', async () => {
    const first = await calendar.events.list({calendarId: 'primary', maxResults: 1, singleEvents: true})
    const pageToken = first.data.nextPageToken ?? ''
    assert.ok(pageToken, 'the seeded calendar has more than one event')
    const otherQuery = await refused({maxResults: 1, singleEvents: false, pageToken})
    assert.equal(otherQuery.status, 400)
    assert.equal(reasonOf(otherQuery.data), 'invalid')
    const forged = await refused({pageToken: 'not-a-token'})
    assert.equal(reasonOf(forged.data), 'invalid')
  })

  it('refuses an extended-property filter that is not key=value: 400 invalid', async () => {
    const failure = await refused({privateExtendedProperty: ['noequals']})
    assert.equal(failure.status, 400)
    assert.equal(reasonOf(failure.data), 'invalid')
  })

  it('answers instances of an unknown event with 404 and of a deleted one with 410, and refuses a forged page token', async () => {
    const missing = await httpFailure(() => calendar.events.instances({calendarId: 'primary', eventId: 'abcdefghij'}))
    assert.equal(missing.status, 404)
    const series = await calendar.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'Instances',
        start: {dateTime: inHours(600)},
        end: {dateTime: inHours(601)},
        recurrence: ['RRULE:FREQ=DAILY;COUNT=3'],
      },
    })
    const id = series.data.id ?? ''
    const forged = await httpFailure(() =>
      calendar.events.instances({calendarId: 'primary', eventId: id, pageToken: 'not-a-token'}),
    )
    assert.equal(forged.status, 400)
    await calendar.events.delete({calendarId: 'primary', eventId: id})
    const gone = await httpFailure(() => calendar.events.instances({calendarId: 'primary', eventId: id}))
    assert.equal(gone.status, 410)
    assert.equal(reasonOf(gone.data), 'deleted')
  })
})

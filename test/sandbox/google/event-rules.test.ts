import assert from 'node:assert/strict'

import type {calendar_v3} from '@googleapis/calendar'

import {httpFailure, inHours, reasonOf, startGoogleSandbox, type GoogleSandbox} from './helpers.js'

type Body = calendar_v3.Schema$Event

/**
 * The write rules of events.insert / update / patch / delete / quickAdd, each refused through the real
 * SDK (see the rules table in src/sandbox/google/README.md).
 */
describe('Google emulator: event write rules (through @googleapis/calendar)', () => {
  let google: GoogleSandbox
  let calendar: calendar_v3.Calendar
  let hour = 100

  before(async () => {
    google = await startGoogleSandbox()
    calendar = google.clients(google.users[0] ?? '').calendar
  })
  after(async () => google.stop())

  /** A fresh one-hour slot per call, so tests never meet each other's events. */
  const slot = (): Pick<Body, 'start' | 'end'> => {
    hour += 2
    return {start: {dateTime: inHours(hour)}, end: {dateTime: inHours(hour + 1)}}
  }
  const insert = async (body: Body, params: Partial<calendar_v3.Params$Resource$Events$Insert> = {}) =>
    (await calendar.events.insert({calendarId: 'primary', ...params, requestBody: body})).data
  const refusedInsert = (body: Body, params: Partial<calendar_v3.Params$Resource$Events$Insert> = {}) =>
    httpFailure(() => insert(body, params))

  it('answers a client-chosen id that exists with 409 duplicate, also after the event was deleted', async () => {
    const id = 'hcalduplicate0001'
    assert.equal((await insert({id, summary: 'First', ...slot()})).id, id)
    const again = await refusedInsert({id, summary: 'Second', ...slot()})
    assert.equal(again.status, 409)
    assert.deepEqual(again.data, {
      error: {
        code: 409,
        message: 'The requested identifier already exists.',
        errors: [{domain: 'global', reason: 'duplicate', message: 'The requested identifier already exists.'}],
      },
    })
    const kept = await calendar.events.get({calendarId: 'primary', eventId: id})
    assert.equal(kept.data.summary, 'First')
    await calendar.events.delete({calendarId: 'primary', eventId: id})
    assert.equal((await refusedInsert({id, summary: 'Third', ...slot()})).status, 409)
  })

  it('accepts client ids of 5+ base32hex characters and refuses others with 400 invalid', async () => {
    assert.equal((await insert({id: 'abc09', ...slot()})).id, 'abc09')
    for (const id of ['abc0', 'ABCDEF123', 'hcal-event-1', 'wxyz12345']) {
      const failure = await refusedInsert({id, ...slot()})
      assert.equal(failure.status, 400, id)
      assert.equal(reasonOf(failure.data), 'invalid', id)
    }
  })

  it('refuses an end equal to the start, and an all-day start with a timed end: 400 timeRangeEmpty', async () => {
    const at = inHours(300)
    const same = await refusedInsert({start: {dateTime: at}, end: {dateTime: at}})
    assert.equal(same.status, 400)
    assert.equal(reasonOf(same.data), 'timeRangeEmpty')
    const mixed = await refusedInsert({start: {date: '2027-03-01'}, end: {dateTime: '2027-03-02T10:00:00Z'}})
    assert.equal(reasonOf(mixed.data), 'timeRangeEmpty')
  })

  it('refuses a missing start with 400 required', async () => {
    const failure = await refusedInsert({end: {dateTime: inHours(301)}})
    assert.equal(failure.status, 400)
    assert.equal(reasonOf(failure.data), 'required')
  })

  it('refuses a local dateTime without a timeZone: 400 badRequest', async () => {
    const failure = await refusedInsert({
      start: {dateTime: '2027-03-01T10:00:00'},
      end: {dateTime: '2027-03-01T11:00:00'},
    })
    assert.equal(failure.status, 400)
    assert.equal(
      (failure.data as {error: {message: string}}).error.message,
      'Missing time zone definition for start time.',
    )
  })

  it('refuses malformed dates and date-times with 400 invalid', async () => {
    for (const start of [{date: '2027-3-1'}, {dateTime: '2027-03-01T25:61:00Z'}]) {
      const failure = await refusedInsert({start, end: {date: '2027-03-02'}})
      assert.equal(failure.status, 400, JSON.stringify(start))
      assert.equal(reasonOf(failure.data), 'invalid', JSON.stringify(start))
    }
  })

  it('refuses an attendee without an address or with an unknown responseStatus: 400 invalid', async () => {
    for (const attendee of [{email: 'not-an-address'}, {email: 'x@y.test', responseStatus: 'maybe'}]) {
      const failure = await refusedInsert({...slot(), attendees: [attendee]})
      assert.equal(failure.status, 400, JSON.stringify(attendee))
      assert.equal(reasonOf(failure.data), 'invalid', JSON.stringify(attendee))
    }
  })

  it('refuses unknown status and visibility values with 400 invalid', async () => {
    for (const body of [{status: 'postponed'}, {visibility: 'secret'}]) {
      const failure = await refusedInsert({...slot(), ...body})
      assert.equal(failure.status, 400, JSON.stringify(body))
      assert.equal(reasonOf(failure.data), 'invalid', JSON.stringify(body))
    }
  })

  it('refuses recurrence rules outside DAILY/WEEKLY with INTERVAL, COUNT, UNTIL: 400 invalid', async () => {
    for (const rule of ['RRULE:FREQ=MONTHLY', 'RRULE:FREQ=DAILY;COUNT=0', 'RRULE:FREQ=WEEKLY;BYDAY=MO']) {
      const failure = await refusedInsert({...slot(), recurrence: [rule]})
      assert.equal(failure.status, 400, rule)
      assert.equal(reasonOf(failure.data), 'invalid', rule)
    }
  })

  it('refuses extendedProperties that are not string maps: 400 invalid', async () => {
    const failure = await refusedInsert({...slot(), extendedProperties: {private: ['a'] as unknown as {a: string}}})
    assert.equal(failure.status, 400)
    assert.equal(reasonOf(failure.data), 'invalid')
  })

  it('refuses conferenceDataVersion other than 0 or 1, and a createRequest without requestId or Meet type', async () => {
    const version = await refusedInsert({...slot()}, {conferenceDataVersion: 2})
    assert.equal(version.status, 400)
    assert.equal(reasonOf(version.data), 'invalid')
    for (const createRequest of [
      {conferenceSolutionKey: {type: 'hangoutsMeet'}},
      {requestId: 'r1', conferenceSolutionKey: {type: 'eventNamedHangout'}},
    ]) {
      const failure = await refusedInsert({...slot(), conferenceData: {createRequest}}, {conferenceDataVersion: 1})
      assert.equal(failure.status, 400, JSON.stringify(createRequest))
      assert.equal(reasonOf(failure.data), 'invalid', JSON.stringify(createRequest))
    }
  })

  it('leaves the stored event untouched when a patch is refused', async () => {
    const created = await insert({summary: 'Unchanged', ...slot()})
    const failure = await httpFailure(() =>
      calendar.events.patch({
        calendarId: 'primary',
        eventId: created.id ?? '',
        requestBody: {summary: 'Half applied', attendees: [{email: 'nobody'}]},
      }),
    )
    assert.equal(failure.status, 400)
    const current = await calendar.events.get({calendarId: 'primary', eventId: created.id ?? ''})
    assert.equal(current.data.summary, 'Unchanged')
    assert.equal(current.data.etag, created.etag)
  })

  it('answers a patch of a deleted event with 410 deleted', async () => {
    const created = await insert({summary: 'Deleted', ...slot()})
    await calendar.events.delete({calendarId: 'primary', eventId: created.id ?? ''})
    const failure = await httpFailure(() =>
      calendar.events.patch({calendarId: 'primary', eventId: created.id ?? '', requestBody: {summary: 'x'}}),
    )
    assert.equal(failure.status, 410)
    assert.equal(reasonOf(failure.data), 'deleted')
  })

  it('refuses an occurrence moved to an empty range, a second delete of an occurrence, and a non-occurrence id', async () => {
    const series = await insert({summary: 'Series', ...slot(), recurrence: ['RRULE:FREQ=DAILY;COUNT=3']})
    const instances = await calendar.events.instances({calendarId: 'primary', eventId: series.id ?? ''})
    const [first, second] = instances.data.items ?? []
    const start = first?.start?.dateTime ?? ''
    const empty = await httpFailure(() =>
      calendar.events.patch({
        calendarId: 'primary',
        eventId: first?.id ?? '',
        requestBody: {start: {dateTime: start}, end: {dateTime: start}},
      }),
    )
    assert.equal(reasonOf(empty.data), 'timeRangeEmpty')
    await calendar.events.delete({calendarId: 'primary', eventId: second?.id ?? ''})
    const twice = await httpFailure(() => calendar.events.delete({calendarId: 'primary', eventId: second?.id ?? ''}))
    assert.equal(twice.status, 410)
    // One second after a real occurrence start is no occurrence of the series.
    const off = `${series.id}_${(first?.id ?? '').split('_')[1]?.replace(/00Z$/, '01Z')}`
    const missing = await httpFailure(() => calendar.events.get({calendarId: 'primary', eventId: off}))
    assert.equal(missing.status, 404)
  })

  it('answers get, patch and delete of an unknown event id with 404 notFound', async () => {
    const eventId = 'hcalnosuchevent'
    for (const call of [
      () => calendar.events.get({calendarId: 'primary', eventId}),
      () => calendar.events.patch({calendarId: 'primary', eventId, requestBody: {summary: 'x'}}),
      () => calendar.events.delete({calendarId: 'primary', eventId}),
    ]) {
      const failure = await httpFailure(call)
      assert.equal(failure.status, 404)
      assert.equal(reasonOf(failure.data), 'notFound')
    }
  })

  it('refuses quickAdd without text: 400 required', async () => {
    const failure = await httpFailure(() => calendar.events.quickAdd({calendarId: 'primary', text: '  '}))
    assert.equal(failure.status, 400)
    assert.equal(reasonOf(failure.data), 'required')
  })
})

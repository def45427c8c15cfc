import assert from 'node:assert/strict'

import type {calendar_v3} from '@googleapis/calendar'

import {httpFailure, inHours, reasonOf, startGoogleSandbox, type GoogleSandbox} from './helpers.js'

/**
 * What an exception carries of its own (private extended properties, per calendar), and the control route that
 * lays bad data over an event (see src/sandbox/google/README.md).
 */
describe('Google emulator: occurrences own their private properties; bad data through the control API', () => {
  let google: GoogleSandbox
  let calendar: calendar_v3.Calendar
  let owner: string

  before(async () => {
    google = await startGoogleSandbox()
    owner = google.users[0] ?? ''
    calendar = google.clients(owner).calendar
  })
  after(async () => google.stop())

  it('patches private properties of one occurrence, starting from the series, and leaves the others', async () => {
    const series = (
      await calendar.events.insert({
        calendarId: 'primary',
        requestBody: {
          summary: 'Weekly',
          start: {dateTime: inHours(500)},
          end: {dateTime: inHours(501)},
          recurrence: ['RRULE:FREQ=DAILY;COUNT=4'],
          extendedProperties: {private: {origin: 'series'}},
        },
      })
    ).data
    const instances = (await calendar.events.instances({calendarId: 'primary', eventId: series.id ?? ''})).data.items
    const [first, second] = instances ?? []
    const patched = await calendar.events.patch({
      calendarId: 'primary',
      eventId: second?.id ?? '',
      requestBody: {extendedProperties: {private: {hcalHash: 'h1'}}},
    })
    assert.deepEqual(patched.data.extendedProperties?.private, {origin: 'series', hcalHash: 'h1'})
    const removed = await calendar.events.patch({
      calendarId: 'primary',
      eventId: second?.id ?? '',
      requestBody: {extendedProperties: {private: {origin: null as unknown as string}}},
    })
    assert.deepEqual(removed.data.extendedProperties?.private, {hcalHash: 'h1'})
    const after = (await calendar.events.instances({calendarId: 'primary', eventId: series.id ?? ''})).data.items
    assert.deepEqual(after?.[0]?.extendedProperties?.private, {origin: 'series'}, first?.id ?? '')
    assert.deepEqual(after?.[1]?.extendedProperties?.private, {hcalHash: 'h1'})
    const bad = await httpFailure(() =>
      calendar.events.patch({
        calendarId: 'primary',
        eventId: after?.[2]?.id ?? '',
        requestBody: {extendedProperties: {private: 'x' as unknown as Record<string, string>}},
      }),
    )
    assert.equal(reasonOf(bad.data), 'invalid')
    const untouched = (await calendar.events.get({calendarId: 'primary', eventId: after?.[2]?.id ?? ''})).data
    assert.deepEqual(untouched.extendedProperties?.private, {origin: 'series'})
  })

  it('edits and cancels one occurrence through the control API by its instance id', async () => {
    const series = (
      await calendar.events.insert({
        calendarId: 'primary',
        requestBody: {
          summary: 'Daily',
          start: {dateTime: inHours(540)},
          end: {dateTime: inHours(541)},
          recurrence: ['RRULE:FREQ=DAILY;COUNT=3'],
        },
      })
    ).data
    const list = async () =>
      (await calendar.events.instances({calendarId: 'primary', eventId: series.id ?? ''})).data.items ?? []
    const [first, second, third] = await list()
    const base = `/_sandbox/google/calendars/${owner}/events`
    const edited = await google.sandbox.control('PATCH', `${base}/${second?.id}`, {
      title: 'Moved',
      start: inHours(545),
      end: inHours(546),
    })
    assert.equal(edited.status, 200)
    assert.equal((edited.body as {id?: string}).id, second?.id)
    assert.equal((await google.sandbox.control('DELETE', `${base}/${third?.id}`)).status, 204)
    assert.equal((await google.sandbox.control('DELETE', `${base}/${third?.id}`)).status, 410)
    assert.equal(
      (await google.sandbox.control('PATCH', `${base}/${series.id}_20000101T000000Z`, {title: 'x'})).status,
      404,
    )
    const after = await list()
    assert.deepEqual(
      after.map((item) => [item.id, item.summary, item.start?.dateTime && Date.parse(item.start.dateTime)]),
      [
        [first?.id, 'Daily', Date.parse(inHours(540))],
        [second?.id, 'Moved', Date.parse(inHours(545))],
      ],
    )
  })

  it('lays wire fields over an event (null removes one) and reports it to incremental sync', async () => {
    const created = (
      await calendar.events.insert({
        calendarId: 'primary',
        requestBody: {summary: 'Imported', start: {dateTime: inHours(520)}, end: {dateTime: inHours(521)}},
      })
    ).data
    const first = await calendar.events.list({calendarId: 'primary', timeMin: inHours(519), timeMax: inHours(522)})
    const syncToken = first.data.nextSyncToken ?? ''
    const path = `/_sandbox/google/calendars/${owner}/events/${created.id}/wire`
    const laid = await google.sandbox.control('PUT', path, {
      start: null,
      end: {dateTime: '2027-01-01T10:00:00', timeZone: 'Mars/Olympus'},
    })
    assert.equal(laid.status, 200)
    const got = (await calendar.events.get({calendarId: 'primary', eventId: created.id ?? ''})).data
    assert.equal(got.start, undefined)
    assert.deepEqual(got.end, {dateTime: '2027-01-01T10:00:00', timeZone: 'Mars/Olympus'})
    const delta = await calendar.events.list({calendarId: 'primary', syncToken})
    assert.deepEqual(
      delta.data.items?.map((item) => [item.id, item.start]),
      [[created.id, undefined]],
    )
    assert.equal((await google.sandbox.control('PUT', path, ['start'])).status, 400)
    assert.equal(
      (await google.sandbox.control('PUT', `/_sandbox/google/calendars/${owner}/events/nosuchevent/wire`, {})).status,
      404,
    )
    assert.equal((await google.sandbox.control('PUT', path, {})).status, 200)
    const restored = (await calendar.events.get({calendarId: 'primary', eventId: created.id ?? ''})).data
    assert.ok(restored.start?.dateTime)
  })
})

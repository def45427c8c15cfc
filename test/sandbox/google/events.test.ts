import assert from 'node:assert/strict'

import {httpFailure, inHours, startGoogleSandbox, type GoogleSandbox} from './helpers.js'

describe('Google emulator: Calendar events (through @googleapis/calendar)', () => {
  let google: GoogleSandbox
  let alice: string
  let bob: string

  before(async () => {
    google = await startGoogleSandbox()
    ;[alice = '', bob = ''] = google.users
  })
  after(async () => google.stop())

  const insert = async (organizer: string, body: Record<string, unknown>, conferenceDataVersion?: number) => {
    const {calendar} = google.clients(organizer)
    const response = await calendar.events.insert({
      calendarId: 'primary',
      sendUpdates: 'none',
      ...(conferenceDataVersion !== undefined ? {conferenceDataVersion} : {}),
      requestBody: body,
    })
    return response.data
  }

  it('inserts, gets, patches and deletes an event; attendees get their own copy', async () => {
    const {calendar} = google.clients(alice)
    const created = await insert(alice, {
      summary: 'Design review',
      location: '@webex',
      start: {dateTime: inHours(24)},
      end: {dateTime: inHours(25)},
      attendees: [{email: bob}],
    })
    assert.match(created.id ?? '', /^[a-v0-9]{5,}$/)
    assert.equal(created.iCalUID, `${created.id}@google.com`)
    assert.equal(created.organizer?.email, alice)

    const got = await calendar.events.get({calendarId: alice, eventId: created.id ?? ''})
    assert.equal(got.data.summary, 'Design review')
    assert.equal(got.data.etag, created.etag)
    assert.equal(Date.parse(got.data.start?.dateTime ?? ''), Date.parse(inHours(24)))

    const bobsCopy = await google.clients(bob).calendar.events.get({calendarId: 'primary', eventId: created.id ?? ''})
    assert.equal(bobsCopy.data.summary, 'Design review')
    assert.equal(bobsCopy.data.attendees?.find((attendee) => attendee.self)?.email, bob)

    const patched = await calendar.events.patch({
      calendarId: 'primary',
      eventId: created.id ?? '',
      requestBody: {location: '@webex https://acme.webex.com/meet/alice'},
    })
    assert.equal(patched.data.summary, 'Design review')
    assert.notEqual(patched.data.etag, created.etag)

    await calendar.events.delete({calendarId: 'primary', eventId: created.id ?? ''})
    const afterDelete = await google
      .clients(bob)
      .calendar.events.get({calendarId: 'primary', eventId: created.id ?? ''})
    assert.equal(afterDelete.data.status, 'cancelled')
  })

  it('refuses a patch with a stale If-Match etag: 412 conditionNotMet', async () => {
    const {calendar} = google.clients(alice)
    const created = await insert(alice, {summary: 'Etag', start: {dateTime: inHours(30)}, end: {dateTime: inHours(31)}})
    await calendar.events.patch(
      {calendarId: 'primary', eventId: created.id ?? '', requestBody: {summary: 'Etag v2'}},
      {headers: {'If-Match': created.etag ?? ''}},
    )
    const failure = await httpFailure(() =>
      calendar.events.patch(
        {calendarId: 'primary', eventId: created.id ?? '', requestBody: {summary: 'Etag v3'}},
        {headers: {'If-Match': created.etag ?? ''}},
      ),
    )
    assert.equal(failure.status, 412)
    assert.deepEqual(failure.data, {
      error: {
        code: 412,
        message: 'Precondition Failed',
        errors: [
          {
            domain: 'global',
            reason: 'conditionNotMet',
            message: 'Precondition Failed',
            locationType: 'header',
            location: 'If-Match',
          },
        ],
      },
    })
    const current = await calendar.events.get({calendarId: 'primary', eventId: created.id ?? ''})
    assert.equal(current.data.summary, 'Etag v2')
  })

  it('answers a second delete with 410 deleted', async () => {
    const {calendar} = google.clients(alice)
    const created = await insert(alice, {summary: 'Gone', start: {dateTime: inHours(40)}, end: {dateTime: inHours(41)}})
    await calendar.events.delete({calendarId: 'primary', eventId: created.id ?? ''})
    const failure = await httpFailure(() => calendar.events.delete({calendarId: 'primary', eventId: created.id ?? ''}))
    assert.equal(failure.status, 410)
    assert.deepEqual(failure.data, {
      error: {
        code: 410,
        message: 'Resource has been deleted',
        errors: [{domain: 'global', reason: 'deleted', message: 'Resource has been deleted'}],
      },
    })
  })

  it('merges extendedProperties on patch and keeps private ones per calendar', async () => {
    const {calendar} = google.clients(alice)
    const created = await insert(alice, {
      summary: 'Props',
      start: {dateTime: inHours(50)},
      end: {dateTime: inHours(51)},
      attendees: [{email: bob}],
      extendedProperties: {private: {a: '1'}, shared: {s: 'x'}},
    })
    await calendar.events.patch({
      calendarId: 'primary',
      eventId: created.id ?? '',
      requestBody: {extendedProperties: {private: {b: '2'}}},
    })
    const mine = await calendar.events.get({calendarId: 'primary', eventId: created.id ?? ''})
    assert.deepEqual(mine.data.extendedProperties, {private: {a: '1', b: '2'}, shared: {s: 'x'}})
    const bobs = await google.clients(bob).calendar.events.get({calendarId: 'primary', eventId: created.id ?? ''})
    assert.deepEqual(bobs.data.extendedProperties, {shared: {s: 'x'}})

    const updated = await calendar.events.update({
      calendarId: 'primary',
      eventId: created.id ?? '',
      requestBody: {
        summary: 'Props',
        start: {dateTime: inHours(50)},
        end: {dateTime: inHours(51)},
        attendees: [{email: bob}],
      },
    })
    assert.equal(updated.data.extendedProperties, undefined)

    const filtered = await calendar.events.list({calendarId: 'primary', privateExtendedProperty: ['a=1']})
    assert.equal(filtered.data.items?.length, 0)
  })

  it('honours conferenceData only with conferenceDataVersion=1', async () => {
    const conferenceData = {createRequest: {requestId: 'req-1', conferenceSolutionKey: {type: 'hangoutsMeet'}}}
    const ignored = await insert(alice, {
      summary: 'No conf',
      start: {dateTime: inHours(60)},
      end: {dateTime: inHours(61)},
      conferenceData,
    })
    assert.equal(ignored.conferenceData, undefined)
    const honoured = await insert(
      alice,
      {summary: 'Meet', start: {dateTime: inHours(62)}, end: {dateTime: inHours(63)}, conferenceData},
      1,
    )
    assert.match(honoured.hangoutLink ?? '', /^https:\/\/meet\.google\.com\/[a-z]{3}-[a-z]{4}-[a-z]{3}$/)
    assert.equal(honoured.conferenceData?.createRequest?.status?.statusCode, 'success')
  })

  it('expands a series with exceptions like Google (singleEvents, instances, masters)', async () => {
    const {calendar} = google.clients(alice)
    const start = inHours(24 * 3)
    const series = await insert(alice, {
      summary: 'Standup',
      start: {dateTime: start},
      end: {dateTime: inHours(24 * 3 + 1)},
      recurrence: ['RRULE:FREQ=DAILY;COUNT=5'],
    })
    const instances = await calendar.events.instances({calendarId: 'primary', eventId: series.id ?? ''})
    assert.equal(instances.data.items?.length, 5)
    const [, second, third] = instances.data.items ?? []
    assert.equal(second?.recurringEventId, series.id)
    await calendar.events.patch({
      calendarId: 'primary',
      eventId: second?.id ?? '',
      requestBody: {summary: 'Standup (moved)'},
    })
    await calendar.events.delete({calendarId: 'primary', eventId: third?.id ?? ''})

    const window = {timeMin: inHours(24 * 2), timeMax: inHours(24 * 9)}
    const expanded = await calendar.events.list({
      calendarId: 'primary',
      singleEvents: true,
      orderBy: 'startTime',
      q: 'Standup',
      ...window,
    })
    const summaries = expanded.data.items?.map((item) => item.summary)
    assert.deepEqual(summaries, ['Standup', 'Standup (moved)', 'Standup', 'Standup'])
    const withDeleted = await calendar.events.list({
      calendarId: 'primary',
      singleEvents: true,
      showDeleted: true,
      q: 'Standup',
      ...window,
    })
    assert.equal(withDeleted.data.items?.filter((item) => item.status === 'cancelled').length, 1)

    const masters = await calendar.events.list({calendarId: 'primary', singleEvents: false, ...window})
    const related =
      masters.data.items?.filter((item) => item.id === series.id || item.recurringEventId === series.id) ?? []
    assert.deepEqual(related.map((item) => item.status).sort(), ['cancelled', 'confirmed', 'confirmed'])
    assert.deepEqual(related.find((item) => item.id === series.id)?.recurrence, ['RRULE:FREQ=DAILY;COUNT=5'])
  })

  it('refuses orderBy=startTime without singleEvents and maxResults above 2500 with 400', async () => {
    const {calendar} = google.clients(alice)
    const ordering = await httpFailure(() => calendar.events.list({calendarId: 'primary', orderBy: 'startTime'}))
    assert.equal(ordering.status, 400)
    const tooMany = await httpFailure(() => calendar.events.list({calendarId: 'primary', maxResults: 2501}))
    assert.equal(tooMany.status, 400)
    assert.equal((tooMany.data as {error: {errors: {reason: string}[]}}).error.errors[0]?.reason, 'invalid')
  })

  it('creates an event from quickAdd text', async () => {
    const {calendar} = google.clients(alice)
    const added = await calendar.events.quickAdd({calendarId: 'primary', text: 'Lunch with Bob tomorrow at 1pm'})
    assert.equal(added.data.summary, 'Lunch with Bob')
    assert.match(added.data.start?.dateTime ?? '', /T13:00:00/)
  })

  it('rejects an empty time range with 400 timeRangeEmpty', async () => {
    const failure = await httpFailure(() =>
      insert(alice, {summary: 'Bad', start: {dateTime: inHours(5)}, end: {dateTime: inHours(4)}}),
    )
    assert.equal(failure.status, 400)
    assert.equal((failure.data as {error: {errors: {reason: string}[]}}).error.errors[0]?.reason, 'timeRangeEmpty')
  })

  it('returns partial responses for the fields parameter', async () => {
    const {calendar} = google.clients(alice)
    await insert(alice, {summary: 'Fields', start: {dateTime: inHours(80)}, end: {dateTime: inHours(81)}})
    const list = await calendar.events.list({
      calendarId: 'primary',
      q: 'Fields',
      fields: 'items(id,start/dateTime),nextSyncToken',
    })
    assert.deepEqual(Object.keys(list.data).sort(), ['items', 'nextSyncToken'])
    assert.deepEqual(Object.keys(list.data.items?.[0] ?? {}).sort(), ['id', 'start'])
    assert.deepEqual(Object.keys(list.data.items?.[0]?.start ?? {}), ['dateTime'])
    const bad = await httpFailure(() => calendar.events.list({calendarId: 'primary', fields: 'items(id'}))
    assert.equal(bad.status, 400)
  })

  it('writes list dateTimes in the requested timeZone and validates sendUpdates', async () => {
    const {calendar} = google.clients(alice)
    const created = await insert(alice, {
      summary: 'Zoned',
      start: {dateTime: '2027-01-15T09:00:00Z'},
      end: {dateTime: '2027-01-15T10:00:00Z'},
    })
    const tokyo = await calendar.events.list({calendarId: 'primary', q: 'Zoned', timeZone: 'Asia/Tokyo'})
    assert.equal(tokyo.data.items?.[0]?.start?.dateTime, '2027-01-15T18:00:00+09:00')
    const badZone = await httpFailure(() => calendar.events.list({calendarId: 'primary', timeZone: 'Mars/Olympus'}))
    assert.equal(badZone.status, 400)
    const badUpdates = await httpFailure(() =>
      calendar.events.patch({
        calendarId: 'primary',
        eventId: created.id ?? '',
        sendUpdates: 'everyone',
        requestBody: {summary: 'x'},
      }),
    )
    assert.equal(badUpdates.status, 400)
  })
})

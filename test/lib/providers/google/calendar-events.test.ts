import assert from 'node:assert/strict'

import type {CalendarEvent} from '../../../../src/lib/core/model.js'
import type {TimeWindow} from '../../../../src/lib/ports/calendar.js'
import {at, type CalendarLab, ofType, startCalendarLab, windowAhead} from './calendar-lab.js'

/**
 * One event through the Google adapter: every field of core's model read from the wire (from the organiser's
 * and from an attendee's calendar), hcal's write with If-Match (the marker in private extended properties, a
 * stale etag as a conflict, one occurrence of a series), and events that no longer exist.
 */
describe('Google calendar adapter: reading and writing events', function () {
  this.timeout(120_000)
  let lab: CalendarLab
  let organizer: string
  let attendee: string
  let room: string
  let window: TimeWindow

  before(async () => {
    lab = await startCalendarLab()
    organizer = lab.users[1] ?? ''
    attendee = lab.users[2] ?? ''
    room = lab.rooms[0] ?? ''
    window = windowAhead(70, 7)
  })
  after(async () => lab.stop())

  const readAs = async (address: string, id: string): Promise<CalendarEvent> => {
    const event = await lab.provider.readEvent({grant: lab.grant(address), eventId: id})
    assert.ok(event, `${id} in the calendar of ${address}`)
    return event
  }

  it('maps every field of a meeting, as the organiser and as an attendee see it', async () => {
    const created = await lab.control('POST', `/calendars/${organizer}/events`, {
      title: 'Design review',
      body: '<p>Agenda:<br>1. <b>Layout</b></p>',
      location: 'Room 4',
      start: '2030-01-07T09:00:00',
      end: '2030-01-07T10:00:00',
      timeZone: 'Europe/Berlin',
      visibility: 'private',
      attendees: [
        {email: attendee, name: 'Attendee Two', response: 'accepted'},
        {email: room, isRoom: true, response: 'accepted'},
      ],
      conferenceData: {createRequest: {requestId: 'r1', conferenceSolutionKey: {type: 'hangoutsMeet'}}},
    })
    const id = String(created.id)
    const mine = await readAs(organizer, id)
    assert.equal(mine.provider, 'google')
    assert.equal(mine.mailbox, organizer)
    assert.equal(mine.title, 'Design review')
    assert.equal(mine.location, 'Room 4')
    assert.equal(mine.bodyType, 'html')
    assert.equal(mine.body, '<p>Agenda:<br>1. <b>Layout</b></p>')
    assert.equal(mine.start, '2030-01-07T08:00:00.000Z')
    assert.equal(mine.end, '2030-01-07T09:00:00.000Z')
    assert.equal(mine.allDay, false)
    assert.equal(mine.timeZone, 'Europe/Berlin')
    assert.deepEqual(mine.organizer, {email: organizer})
    assert.equal(mine.myResponse, 'organizer')
    assert.equal(mine.status, 'confirmed')
    assert.equal(mine.sensitivity, 'private')
    assert.equal(mine.changeToken, created.etag)
    assert.deepEqual(mine.attendees, [
      {email: attendee, name: 'Attendee Two', response: 'accepted', isRoom: false},
      {email: room, response: 'accepted', isRoom: true},
    ])
    assert.equal(mine.conference.length, 1)
    assert.equal(mine.conference[0]?.solution, 'hangoutsMeet')
    assert.match(mine.conference[0]?.url ?? '', /^https:\/\/meet\.google\.com\/[a-z]{3}-[a-z]{4}-[a-z]{3}$/)
    assert.equal(mine.marker, undefined)
    const theirs = await readAs(attendee, id)
    assert.equal(theirs.mailbox, attendee)
    assert.equal(theirs.myResponse, 'accepted')
    assert.deepEqual(theirs.organizer, {email: organizer})
  })

  it('reads all-day events as midnight UTC of their dates, and a plain description as text', async () => {
    const created = await lab.control('POST', `/calendars/${organizer}/events`, {
      title: 'Offsite',
      body: 'Bring a laptop & charger <3',
      allDay: true,
      start: '2030-02-04',
      end: '2030-02-06',
    })
    const event = await readAs(organizer, String(created.id))
    assert.equal(event.allDay, true)
    assert.equal(event.start, '2030-02-04T00:00:00.000Z')
    assert.equal(event.end, '2030-02-06T00:00:00.000Z')
    assert.equal(event.bodyType, 'text')
    assert.equal(event.sensitivity, 'normal')
  })

  it('writes body, location and marker with the etag; the marker stays on the organiser calendar', async () => {
    const created = await lab.control('POST', `/calendars/${organizer}/events`, {
      title: 'Sync @webex',
      body: 'Notes before',
      start: at(window, 10),
      end: at(window, 11),
      attendees: [attendee],
    })
    const id = String(created.id)
    const before = await readAs(organizer, id)
    const marker = {version: 1, hash: 'h-1', keyword: '@webex'}
    const result = await lab.provider.writeEvent({
      grant: lab.grant(organizer),
      eventId: id,
      changeToken: before.changeToken,
      patch: {body: {content: 'Notes before\n\n-- join --', type: 'text'}, location: '@webex', marker},
    })
    assert.equal(result.kind, 'written')
    const written = result.kind === 'written' ? result.event : undefined
    assert.deepEqual(written?.marker, marker)
    assert.equal(written?.body, 'Notes before\n\n-- join --')
    assert.equal(written?.location, '@webex')
    assert.notEqual(written?.changeToken, before.changeToken)
    assert.deepEqual((await readAs(organizer, id)).marker, marker)
    const truth = await lab.control('GET', `/calendars/${organizer}/events`)
    const stored = (truth.events as {id: string; extendedProperties?: {private?: Record<string, string>}}[]).find(
      (event) => event.id === id,
    )
    assert.deepEqual(stored?.extendedProperties?.private, {hcalVersion: '1', hcalHash: 'h-1', hcalKeyword: '@webex'})
    const copy = await readAs(attendee, id)
    assert.equal(copy.body, 'Notes before\n\n-- join --')
    assert.equal(copy.marker, undefined)

    // A stale etag writes nothing: the user's newer edit wins.
    await lab.control('PATCH', `/calendars/${organizer}/events/${id}`, {body: 'User rewrote it'})
    const stale = await lab.provider.writeEvent({
      grant: lab.grant(organizer),
      eventId: id,
      changeToken: written?.changeToken ?? '',
      patch: {body: {content: 'hcal again', type: 'text'}},
    })
    assert.equal(stale.kind, 'conflict')
    assert.equal(stale.kind === 'conflict' && stale.failure.status, 412)
    assert.equal((await readAs(organizer, id)).body, 'User rewrote it')

    // Removing the marker removes hcal's keys and nothing else.
    const current = await readAs(organizer, id)
    const removed = await lab.provider.writeEvent({
      grant: lab.grant(organizer),
      eventId: id,
      changeToken: current.changeToken,
      patch: {marker: null},
    })
    assert.equal(removed.kind === 'written' && removed.event.marker, undefined)
    assert.equal(removed.kind === 'written' && removed.event.body, 'User rewrote it')
  })

  it('writes one occurrence of a series by its instance id, leaving the others unmarked', async () => {
    const created = await lab.control('POST', `/calendars/${organizer}/events`, {
      title: 'Weekly 1:1',
      start: at(window, 9),
      end: at(window, 10),
      recurrence: ['RRULE:FREQ=DAILY;COUNT=5'],
    })
    const round = await lab.readAll({grant: lab.grant(organizer), window})
    const series = ofType(round.changes, 'series').find((change) => change.seriesId === created.id)
    const [first, second] = series?.occurrences ?? []
    assert.ok(first && second)
    const result = await lab.provider.writeEvent({
      grant: lab.grant(organizer),
      eventId: second.id,
      changeToken: second.changeToken,
      patch: {body: {content: 'Only this one', type: 'text'}, marker: {version: 1, hash: 'occ', keyword: null}},
    })
    assert.equal(result.kind, 'written')
    assert.equal(result.kind === 'written' && result.event.id, second.id)
    assert.equal(result.kind === 'written' && result.event.seriesId, created.id)
    const marked = await readAs(organizer, second.id)
    assert.deepEqual(marked.marker, {version: 1, hash: 'occ', keyword: null})
    assert.equal(marked.body, 'Only this one')
    const other = await readAs(organizer, first.id)
    assert.equal(other.marker, undefined)
    assert.equal(other.body, '')
  })

  it('answers undefined for an event that is gone or never existed', async () => {
    const created = await lab.control('POST', `/calendars/${organizer}/events`, {
      title: 'Cancelled soon',
      start: at(window, 30),
      end: at(window, 31),
    })
    await lab.control('DELETE', `/calendars/${organizer}/events/${created.id}`)
    const grant = lab.grant(organizer)
    assert.equal(await lab.provider.readEvent({grant, eventId: String(created.id)}), undefined)
    assert.equal(await lab.provider.readEvent({grant, eventId: 'nosuchevent0'}), undefined)
  })
})

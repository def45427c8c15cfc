import assert from 'node:assert/strict'

import type {SeedMeeting} from '../../../src/sandbox/types.js'
import {startGoogleSandbox, type GoogleSandbox} from './helpers.js'

const SEED_NOW = Date.parse('2026-11-22T08:00:00Z')

describe('Google emulator: seeded meetings as Calendar shows them', () => {
  let google: GoogleSandbox
  let series: SeedMeeting

  before(async () => {
    google = await startGoogleSandbox({now: SEED_NOW})
    const found = google.seed.meetings.find(
      (meeting) =>
        meeting.recurrence?.exceptions?.some((exception) => exception.cancelled) &&
        meeting.recurrence.exceptions.some((exception) => exception.startShiftMinutes),
    )
    assert.ok(found, 'the fixed seed has a series with a cancelled and a moved occurrence')
    series = found
  })
  after(async () => google.stop())

  async function findMaster(owner: string) {
    const {calendar} = google.clients(owner)
    const list = await calendar.events.list({calendarId: 'primary', maxResults: 2500})
    const master = list.data.items?.find(
      (item) => item.recurrence && Date.parse(item.start?.dateTime ?? '') === Date.parse(series.start),
    )
    assert.ok(master, `the series is in ${owner}'s calendar`)
    return master
  }

  it('expands a seeded series with its cancelled and moved occurrences', async () => {
    const master = await findMaster(series.organizer)
    const {calendar} = google.clients(series.organizer)
    const instances = await calendar.events.instances({calendarId: 'primary', eventId: master.id ?? ''})
    const exceptions = series.recurrence?.exceptions ?? []
    const cancelled = exceptions.filter((exception) => exception.cancelled).length
    assert.equal(instances.data.items?.length, (series.recurrence?.count ?? 0) - cancelled)

    const moved = exceptions.find((exception) => exception.startShiftMinutes)
    const step = (series.recurrence?.freq === 'WEEKLY' ? 7 : 1) * (series.recurrence?.interval ?? 1) * 86_400_000
    const originalStart = Date.parse(series.start) + (moved?.index ?? 0) * step
    const movedInstance = instances.data.items?.find(
      (item) => Date.parse(item.originalStartTime?.dateTime ?? '') === originalStart,
    )
    assert.equal(
      Date.parse(movedInstance?.start?.dateTime ?? ''),
      originalStart + (moved?.startShiftMinutes ?? 0) * 60_000,
    )
  })

  it("gives attendees the same series, each with their own response, and keeps the organiser's copy when one deletes theirs", async () => {
    const attendee = series.attendees.find(
      (candidate) => candidate.email !== series.organizer && google.users.includes(candidate.email),
    )
    assert.ok(attendee)
    const master = await findMaster(attendee.email)
    assert.equal(master.attendees?.find((item) => item.self)?.responseStatus, attendee.response)
    assert.equal(master.organizer?.email, series.organizer)

    const {calendar} = google.clients(attendee.email)
    await calendar.events.delete({calendarId: 'primary', eventId: master.id ?? ''})
    const mine = await calendar.events.get({calendarId: 'primary', eventId: master.id ?? ''})
    assert.equal(mine.data.status, 'cancelled')
    const organizers = await google
      .clients(series.organizer)
      .calendar.events.get({calendarId: 'primary', eventId: master.id ?? ''})
    assert.equal(organizers.data.status, 'confirmed')
    assert.equal(organizers.data.attendees?.find((item) => item.email === attendee.email)?.responseStatus, 'declined')
  })
})

import assert from 'node:assert/strict'

import {httpFailure, inHours, startGoogleSandbox, type GoogleSandbox} from './helpers.js'

describe('Google emulator: a user edit racing a client’s write (control API race)', () => {
  let google: GoogleSandbox

  before(async () => {
    google = await startGoogleSandbox()
  })
  after(async () => google.stop())

  it('lands an armed user edit just before the next patch of the event, whose stale If-Match then fails with 412', async () => {
    const user = google.users[0] ?? ''
    const {calendar} = google.clients(user)
    const created = (
      await calendar.events.insert({
        calendarId: 'primary',
        requestBody: {
          summary: 'Raced',
          location: '@webex',
          start: {dateTime: inHours(30)},
          end: {dateTime: inHours(31)},
        },
      })
    ).data
    const path = `/_sandbox/google/calendars/${encodeURIComponent(user)}/events/${created.id}/race`
    assert.equal((await google.sandbox.control('POST', path, {description: 'The user wrote this.'})).status, 202)
    const write = (etag: string) =>
      calendar.events.patch(
        {calendarId: 'primary', eventId: created.id ?? '', requestBody: {description: 'hcal wrote this.'}},
        {headers: {'If-Match': etag}, retry: false},
      )
    const stale = await httpFailure(() => write(created.etag ?? ''))
    assert.equal(stale.status, 412)
    const now = (await calendar.events.get({calendarId: 'primary', eventId: created.id ?? ''})).data
    assert.equal(now.description, 'The user wrote this.')
    // Once only: the next write with the current etag goes through.
    await write(now.etag ?? '')
    const after = (await calendar.events.get({calendarId: 'primary', eventId: created.id ?? ''})).data
    assert.equal(after.description, 'hcal wrote this.')
  })
})

import assert from 'node:assert/strict'

import type {calendar_v3} from '@googleapis/calendar'

import {httpFailure, inHours, startGoogleSandbox, type GoogleSandbox} from './helpers.js'

/** Pages through events.list as a sync client does; returns the items and the final sync token. */
async function listAll(calendar: calendar_v3.Calendar, params: calendar_v3.Params$Resource$Events$List) {
  const items: calendar_v3.Schema$Event[] = []
  const pages: {nextPageToken?: string | null; nextSyncToken?: string | null}[] = []
  let pageToken: string | undefined
  do {
    const response = await calendar.events.list({...params, ...(pageToken ? {pageToken} : {})})
    items.push(...(response.data.items ?? []))
    pages.push({nextPageToken: response.data.nextPageToken, nextSyncToken: response.data.nextSyncToken})
    pageToken = response.data.nextPageToken ?? undefined
  } while (pageToken)
  return {items, pages, syncToken: pages[pages.length - 1]?.nextSyncToken ?? undefined}
}

describe('Google emulator: paging and incremental sync (through @googleapis/calendar)', () => {
  let google: GoogleSandbox
  let alice: string

  before(async () => {
    google = await startGoogleSandbox()
    alice = google.users[0] ?? ''
    const {calendar} = google.clients(alice)
    for (let i = 0; i < 5; i++) {
      await calendar.events.insert({
        calendarId: 'primary',
        requestBody: {summary: `Sync seed ${i}`, start: {dateTime: inHours(10 + i)}, end: {dateTime: inHours(11 + i)}},
      })
    }
  })
  after(async () => google.stop())

  it('pages with maxResults and gives nextSyncToken only on the last page', async () => {
    const {calendar} = google.clients(alice)
    const full = await listAll(calendar, {calendarId: 'primary', singleEvents: true, maxResults: 2})
    assert.ok(full.pages.length >= 3)
    for (const page of full.pages.slice(0, -1)) {
      assert.ok(page.nextPageToken)
      assert.equal(page.nextSyncToken, undefined)
    }
    assert.ok(full.syncToken)
    assert.equal(new Set(full.items.map((item) => item.id)).size, full.items.length)
  })

  it('returns only changes since the token, end-user edits and deletions included', async () => {
    const {calendar} = google.clients(alice)
    const full = await listAll(calendar, {calendarId: 'primary', singleEvents: true})
    const quiet = await listAll(calendar, {calendarId: 'primary', singleEvents: true, syncToken: full.syncToken})
    assert.equal(quiet.items.length, 0)

    const target = full.items.find((item) => item.summary === 'Sync seed 1')
    const removed = full.items.find((item) => item.summary === 'Sync seed 2')
    const edit = await google.sandbox.control('PATCH', `/_sandbox/google/calendars/${alice}/events/${target?.id}`, {
      title: 'Sync seed 1 (edited by user)',
    })
    assert.equal(edit.status, 200)
    const created = await google.sandbox.control('POST', `/_sandbox/google/calendars/${alice}/events`, {
      title: 'Created by user',
      start: inHours(70),
      end: inHours(71),
    })
    assert.equal(created.status, 201)
    await calendar.events.delete({calendarId: 'primary', eventId: removed?.id ?? ''})

    const delta = await listAll(calendar, {calendarId: 'primary', singleEvents: true, syncToken: full.syncToken})
    const byId = new Map(delta.items.map((item) => [item.id, item]))
    assert.equal(delta.items.length, 3)
    assert.equal(byId.get(target?.id)?.summary, 'Sync seed 1 (edited by user)')
    assert.equal(byId.get(removed?.id)?.status, 'cancelled')
    assert.ok(delta.items.some((item) => item.summary === 'Created by user'))
    assert.notEqual(delta.syncToken, full.syncToken)
  })

  it('refuses syncToken combined with timeMin: 400', async () => {
    const {calendar} = google.clients(alice)
    const full = await listAll(calendar, {calendarId: 'primary'})
    const failure = await httpFailure(() =>
      calendar.events.list({calendarId: 'primary', syncToken: full.syncToken, timeMin: inHours(0)}),
    )
    assert.equal(failure.status, 400)
    assert.equal((failure.data as {error: {code: number}}).error.code, 400)
  })

  it('answers an invalidated sync token with 410 fullSyncRequired', async () => {
    const {calendar} = google.clients(alice)
    const full = await listAll(calendar, {calendarId: 'primary'})
    const invalidated = await google.sandbox.control(
      'POST',
      `/_sandbox/google/calendars/${alice}/invalidate-sync-tokens`,
    )
    assert.equal(invalidated.status, 200)
    const failure = await httpFailure(() => calendar.events.list({calendarId: 'primary', syncToken: full.syncToken}))
    assert.equal(failure.status, 410)
    assert.deepEqual(failure.data, {
      error: {
        code: 410,
        message: 'Sync token is no longer valid, a full sync is required.',
        errors: [
          {
            domain: 'calendar',
            reason: 'fullSyncRequired',
            message: 'Sync token is no longer valid, a full sync is required.',
          },
        ],
      },
    })
    const again = await listAll(calendar, {calendarId: 'primary'})
    assert.ok(again.syncToken)
  })

  it('filters by time window and shows deleted events only with showDeleted', async () => {
    const {calendar} = google.clients(alice)
    const window = {calendarId: 'primary', timeMin: inHours(12), timeMax: inHours(14), q: 'Sync seed'}
    const live = await calendar.events.list(window)
    assert.deepEqual(
      live.data.items?.map((item) => item.summary),
      ['Sync seed 3'],
    )
    const withDeleted = await calendar.events.list({...window, showDeleted: true})
    assert.deepEqual(withDeleted.data.items?.map((item) => item.status).sort(), ['cancelled', 'confirmed'])
  })
})

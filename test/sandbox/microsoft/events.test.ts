import assert from 'node:assert/strict'

import type {Client} from '@microsoft/microsoft-graph-client'

import {graphFailure, isoIn, startMicrosoftSandbox, type MicrosoftSandbox} from './helpers.js'

const MARKER = 'String {66f5a359-4659-4830-9070-00047ec6ac6e} Name hcal-join-block'

interface GraphEvent {
  id: string
  '@odata.etag': string
  changeKey: string
  subject: string
  type: string
  seriesMasterId: string | null
  start: {dateTime: string; timeZone: string}
  singleValueExtendedProperties?: {id: string; value: string}[]
  [key: string]: unknown
}

interface Page<T> {
  value: T[]
  '@odata.nextLink'?: string
}

function utcWallClock(iso: string): {dateTime: string; timeZone: string} {
  return {dateTime: iso.replace(/Z$/, ''), timeZone: 'UTC'}
}

describe('sandbox microsoft: Graph calendar through the Graph client 3', () => {
  let ms: MicrosoftSandbox
  let graph: Client
  let alice: string
  let bob: string

  before(async () => {
    ms = await startMicrosoftSandbox()
    graph = ms.clients().graph
    alice = ms.users[0] ?? ''
    bob = ms.users[1] ?? ''
  })
  after(async () => ms.stop())

  const createEvent = (user: string, body: Record<string, unknown>) =>
    graph.api(`/users/${user}/calendar/events`).post({
      subject: 'Planning',
      start: utcWallClock(isoIn(24)),
      end: utcWallClock(isoIn(25)),
      ...body,
    }) as Promise<GraphEvent>

  it('pages the event list with $top/$select through @odata.nextLink, matching the ground truth', async () => {
    const truth = (await ms.control('GET', `/_sandbox/microsoft/mailboxes/${alice}/events`)).body as {
      value: GraphEvent[]
    }
    const expected = truth.value
      .filter((e) => e.type === 'singleInstance' || e.type === 'seriesMaster')
      .map((e) => e.id)
    const seen: string[] = []
    let page = (await graph
      .api(`/users/${alice}/calendar/events`)
      .select('id,subject')
      .top(2)
      .get()) as Page<GraphEvent>
    let pages = 1
    for (;;) {
      for (const event of page.value) {
        assert.deepEqual(Object.keys(event).sort(), ['@odata.etag', 'id', 'subject'])
        seen.push(event.id)
      }
      const next = page['@odata.nextLink']
      if (!next) break
      page = (await graph.api(next).get()) as Page<GraphEvent>
      pages++
    }
    assert.equal(pages, Math.ceil(expected.length / 2))
    assert.deepEqual([...seen].sort(), [...expected].sort())
  })

  it('creates an event (201) and reads it back by /events/{id} and /calendar/events/{id}', async () => {
    const created = await createEvent(alice, {
      body: {contentType: 'html', content: '<p>Join: https://acme.webex.com/meet/alice</p>'},
      location: {displayName: '@webex'},
      attendees: [{type: 'required', emailAddress: {address: bob, name: 'Bob'}}],
      isOnlineMeeting: false,
    })
    assert.equal(created.type, 'singleInstance')
    assert.equal(created['@odata.etag'], `W/"${created.changeKey}"`)
    const viaEvents = (await graph.api(`/users/${alice}/events/${created.id}`).get()) as GraphEvent
    const viaCalendar = (await graph.api(`/users/${alice}/calendar/events/${created.id}`).get()) as GraphEvent
    assert.equal(viaEvents.id, created.id)
    assert.equal(viaCalendar.changeKey, created.changeKey)
    assert.deepEqual(viaEvents.location, {...(viaEvents.location as object), displayName: '@webex'})
    assert.deepEqual(viaEvents.body, {contentType: 'html', content: '<p>Join: https://acme.webex.com/meet/alice</p>'})
    assert.equal((viaEvents.responseStatus as {response: string}).response, 'organizer')
    assert.deepEqual(
      (viaEvents.organizer as {emailAddress: {address: string}}).emailAddress.address,
      alice.toLowerCase(),
    )
  })

  it('stores hcal’s marker as a single-value extended property, expanded only when asked for', async () => {
    const created = await createEvent(alice, {})
    await graph
      .api(`/users/${alice}/events/${created.id}`)
      .patch({singleValueExtendedProperties: [{id: MARKER, value: 'v1:abc'}]})
    const expanded = (await graph
      .api(`/users/${alice}/events/${created.id}`)
      .expand(`singleValueExtendedProperties($filter=id eq '${MARKER}')`)
      .get()) as GraphEvent
    assert.deepEqual(expanded.singleValueExtendedProperties, [{id: MARKER, value: 'v1:abc'}])
    const other = (await graph
      .api(`/users/${alice}/events/${created.id}`)
      .expand(`singleValueExtendedProperties($filter=id eq 'String {00000000-0000-0000-0000-000000000000} Name other')`)
      .get()) as GraphEvent
    assert.equal('singleValueExtendedProperties' in other, false)
    const plain = (await graph.api(`/users/${alice}/events/${created.id}`).get()) as GraphEvent
    assert.equal('singleValueExtendedProperties' in plain, false)
    const truth = (await ms.control('GET', `/_sandbox/microsoft/mailboxes/${alice}/events`)).body as {
      value: GraphEvent[]
    }
    assert.deepEqual(truth.value.find((e) => e.id === created.id)?.singleValueExtendedProperties, [
      {id: MARKER, value: 'v1:abc'},
    ])
  })

  it('answers a PATCH with a stale If-Match change key with 412 ErrorIrresolvableConflict and changes nothing', async () => {
    const created = await createEvent(alice, {subject: 'Original'})
    const userEdit = await ms.control('PATCH', `/_sandbox/microsoft/mailboxes/${alice}/events/${created.id}`, {
      subject: 'Edited by user',
    })
    assert.equal(userEdit.status, 200)
    const error = await graphFailure(() =>
      graph
        .api(`/users/${alice}/events/${created.id}`)
        .header('If-Match', created['@odata.etag'])
        .patch({subject: 'hcal edit'}),
    )
    assert.equal(error.statusCode, 412)
    assert.equal(error.code, 'ErrorIrresolvableConflict')
    const current = (await graph.api(`/users/${alice}/events/${created.id}`).get()) as GraphEvent
    assert.equal(current.subject, 'Edited by user')
    const updated = (await graph
      .api(`/users/${alice}/events/${created.id}`)
      .header('If-Match', current['@odata.etag'])
      .patch({subject: 'hcal edit'})) as GraphEvent
    assert.equal(updated.subject, 'hcal edit')
    assert.notEqual(updated.changeKey, current.changeKey)
  })

  it('expands a recurring series into instances and calendarView, and turns an edited occurrence into an exception', async () => {
    const start = new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000 + 2 * 86_400_000 + 9 * 3_600_000)
    const master = await createEvent(alice, {
      subject: 'Weekly sync',
      start: utcWallClock(start.toISOString()),
      end: utcWallClock(new Date(start.getTime() + 1_800_000).toISOString()),
      recurrence: {
        pattern: {
          type: 'weekly',
          interval: 1,
          daysOfWeek: [start.toLocaleDateString('en-US', {weekday: 'long', timeZone: 'UTC'}).toLowerCase()],
        },
        range: {type: 'numbered', startDate: start.toISOString().slice(0, 10), numberOfOccurrences: 4},
      },
    })
    assert.equal(master.type, 'seriesMaster')
    const window = {
      startDateTime: new Date(start.getTime() - 3_600_000).toISOString(),
      endDateTime: new Date(start.getTime() + 40 * 86_400_000).toISOString(),
    }
    const instances = (await graph
      .api(`/users/${alice}/events/${master.id}/instances`)
      .query(window)
      .get()) as Page<GraphEvent>
    assert.equal(instances.value.length, 4)
    assert.ok(instances.value.every((i) => i.type === 'occurrence' && i.seriesMasterId === master.id))
    const second = instances.value[1]
    assert.ok(second)
    const edited = (await graph
      .api(`/users/${alice}/events/${second.id}`)
      .patch({subject: 'Weekly sync (moved)'})) as GraphEvent
    assert.equal(edited.type, 'exception')
    const view = (await graph
      .api(`/users/${alice}/calendarView`)
      .query(window)
      .header('Prefer', 'odata.maxpagesize=50')
      .get()) as Page<GraphEvent>
    const series = view.value.filter((e) => e.seriesMasterId === master.id)
    assert.deepEqual(
      series.map((e) => e.type),
      ['occurrence', 'exception', 'occurrence', 'occurrence'],
    )
    assert.equal(
      view.value.some((e) => e.id === master.id),
      false,
    )
  })

  it('requires the calendarView window: 400 ErrorInvalidParameter without startDateTime/endDateTime', async () => {
    const error = await graphFailure(() => graph.api(`/users/${alice}/calendarView`).get())
    assert.equal(error.statusCode, 400)
    assert.equal(error.code, 'ErrorInvalidParameter')
  })

  it('deletes an event (204); reading it again is 404 ErrorItemNotFound', async () => {
    const created = await createEvent(alice, {})
    await graph.api(`/users/${alice}/events/${created.id}`).delete()
    const error = await graphFailure(() => graph.api(`/users/${alice}/events/${created.id}`).get())
    assert.equal(error.statusCode, 404)
    assert.equal(error.code, 'ErrorItemNotFound')
  })

  it('answers an unknown mailbox with 404 ErrorInvalidUser', async () => {
    const error = await graphFailure(() => graph.api('/users/nobody@nowhere.test/calendar/events').get())
    assert.equal(error.statusCode, 404)
    assert.equal(error.code, 'ErrorInvalidUser')
  })

  it('answers an unknown Graph path with 400 BadRequest naming the segment', async () => {
    const error = await graphFailure(() => graph.api(`/users/${alice}/calendarGroupsX`).get())
    assert.equal(error.statusCode, 400)
    assert.equal(error.code, 'BadRequest')
    assert.equal(error.message, "Resource not found for the segment 'calendarGroupsX'.")
  })

  it('rejects unknown event properties with 400 RequestBodyRead', async () => {
    const error = await graphFailure(() => createEvent(alice, {colour: 'red'}))
    assert.equal(error.statusCode, 400)
    assert.equal(error.code, 'RequestBodyRead')
  })

  describe('mailbox scope (RBAC for Applications / application access policy)', () => {
    afterEach(async () => {
      await ms.control('PUT', '/_sandbox/microsoft/mailbox-scope', {mailboxes: null})
    })

    it('refuses a mailbox outside the management scope with 403 ErrorAccessDenied and serves the ones inside', async () => {
      await ms.control('PUT', '/_sandbox/microsoft/mailbox-scope', {mailboxes: [alice]})
      const error = await graphFailure(() => graph.api(`/users/${bob}/calendar/events`).get())
      assert.equal(error.statusCode, 403)
      assert.equal(error.code, 'ErrorAccessDenied')
      assert.equal(error.message, 'Access is denied. Check credentials and try again.')
      const settings = await graphFailure(() => graph.api(`/users/${bob}/mailboxSettings`).get())
      assert.equal(settings.statusCode, 403)
      const allowed = (await graph.api(`/users/${alice}/calendar/events`).top(1).get()) as Page<GraphEvent>
      assert.ok(Array.isArray(allowed.value))
    })

    it('words the refusal of an application access policy as Exchange does ([RAOP])', async () => {
      await ms.control('PUT', '/_sandbox/microsoft/mailbox-scope', {
        mailboxes: [alice],
        kind: 'applicationAccessPolicy',
      })
      const error = await graphFailure(() => graph.api(`/users/${bob}/calendar/events`).get())
      assert.equal(error.statusCode, 403)
      assert.equal(error.code, 'ErrorAccessDenied')
      assert.match(error.message, /\[RAOP\] : Blocked by tenant configured AppOnly AccessPolicy settings\./)
    })
  })

  describe('mailboxSettings', () => {
    it('reads automatic replies, language and time zone as seeded', async () => {
      const seeded = ms.seed.users[0]
      assert.ok(seeded)
      const settings = (await graph.api(`/users/${alice}/mailboxSettings`).get()) as {
        timeZone: string
        language: {locale: string; displayName: string}
        automaticRepliesSetting: {status: string}
      }
      assert.equal(settings.timeZone, seeded.timeZone)
      const truth = (await ms.control('GET', `/_sandbox/microsoft/mailboxes/${alice}/events`)).body as {id: string}
      const byObjectId = (await graph.api(`/users/${truth.id}/mailboxSettings`).get()) as {timeZone: string}
      assert.equal(byObjectId.timeZone, seeded.timeZone)
      assert.equal(settings.language.locale, seeded.locale)
      assert.ok(settings.language.displayName.length > 0)
      assert.equal(
        settings.automaticRepliesSetting.status,
        seeded.oof?.enabled ? (seeded.oof.start || seeded.oof.end ? 'scheduled' : 'alwaysEnabled') : 'disabled',
      )
    })

    it('patches a scheduled automatic reply and rejects an unknown status with 400', async () => {
      const patch = {
        automaticRepliesSetting: {
          status: 'scheduled',
          scheduledStartDateTime: utcWallClock('2030-01-01T08:00:00'),
          scheduledEndDateTime: {dateTime: '2030-01-10T08:00:00', timeZone: 'Europe/Berlin'},
          internalReplyMessage: 'Away',
        },
      }
      const answer = (await graph.api(`/users/${bob}/mailboxSettings`).patch(patch)) as {
        automaticRepliesSetting: Record<string, unknown>
      }
      assert.equal(answer.automaticRepliesSetting.status, 'scheduled')
      assert.deepEqual(answer.automaticRepliesSetting.scheduledEndDateTime, {
        dateTime: '2030-01-10T07:00:00.0000000',
        timeZone: 'UTC',
      })
      const error = await graphFailure(() =>
        graph.api(`/users/${bob}/mailboxSettings`).patch({automaticRepliesSetting: {status: 'sometimes'}}),
      )
      assert.equal(error.statusCode, 400)
      const after = (await graph.api(`/users/${bob}/mailboxSettings`).get()) as {
        automaticRepliesSetting: {status: string}
      }
      assert.equal(after.automaticRepliesSetting.status, 'scheduled')
    })
  })

  it('logs each Graph call with its mailbox and operation', async () => {
    ms.sandbox.context.log.clear()
    await graph.api(`/users/${bob}/calendar/events`).top(1).get()
    const entries = ms.sandbox.context.log.forMailbox(bob.toLowerCase())
    assert.deepEqual(
      entries.map((e) => [e.provider, e.method, e.operation, e.status]),
      [['microsoft', 'GET', 'events.list', 200]],
    )
  })
})

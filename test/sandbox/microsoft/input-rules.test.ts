import assert from 'node:assert/strict'

import type {Client, GraphError} from '@microsoft/microsoft-graph-client'

import {graphFailure, startMicrosoftSandbox, type MicrosoftSandbox} from './helpers.js'

interface GraphEvent {
  id: string
  '@odata.etag': string
  subject: string
  type: string
  start: {dateTime: string; timeZone: string}
  end: {dateTime: string; timeZone: string}
}

const at = (dateTime: string, timeZone = 'UTC') => ({dateTime, timeZone})
const START = at('2030-05-06T09:00:00')
const END = at('2030-05-06T10:00:00')

function assertRefused(error: GraphError, status: number, code: string, message?: RegExp | string) {
  assert.equal(error.statusCode, status)
  assert.equal(error.code, code)
  if (typeof message === 'string') assert.equal(error.message, message)
  else if (message) assert.match(error.message, message)
}

describe('sandbox microsoft: Graph input rules (events, mailboxSettings, query options)', () => {
  let ms: MicrosoftSandbox
  let graph: Client
  let user: string

  before(async () => {
    ms = await startMicrosoftSandbox({users: 2, events: 1, rooms: 0})
    graph = ms.clients().graph
    user = ms.users[0] ?? ''
  })
  after(async () => ms.stop())

  const events = () => `/users/${user}/events`
  const create = (body: Record<string, unknown>) =>
    graph.api(events()).post({subject: 'Rule probe', start: START, end: END, ...body}) as Promise<GraphEvent>
  const groundTruthIds = async () =>
    ((await ms.control('GET', `/_sandbox/microsoft/mailboxes/${user}/events`)).body as {value: {id: string}[]}).value
      .map((e) => e.id)
      .sort()

  describe('event bodies', () => {
    it('refuses an event that ends before it starts (POST) and creates nothing', async () => {
      const before = await groundTruthIds()
      const error = await graphFailure(() => create({start: END, end: START}))
      assertRefused(error, 400, 'ErrorPropertyValidationFailure', 'At least one property failed validation.')
      assert.deepEqual(await groundTruthIds(), before)
    })

    it('refuses a PATCH that moves the end before the start and keeps the event as it was', async () => {
      const created = await create({})
      const error = await graphFailure(() =>
        graph.api(`${events()}/${created.id}`).patch({end: at('2030-05-06T08:00:00')}),
      )
      assertRefused(error, 400, 'ErrorPropertyValidationFailure')
      const current = (await graph.api(`${events()}/${created.id}`).get()) as GraphEvent
      assert.equal(current.end.dateTime, '2030-05-06T10:00:00.0000000')
      assert.equal(current['@odata.etag'], created['@odata.etag'])
    })

    it('accepts a zero-length event (start = end)', async () => {
      const created = await create({end: START})
      assert.equal(created.end.dateTime, created.start.dateTime)
    })

    it('refuses an unknown time zone with TimeZoneNotSupportedException naming it', async () => {
      const error = await graphFailure(() => create({start: at('2030-05-06T09:00:00', 'Greenwich Mean Time')}))
      assertRefused(
        error,
        400,
        'TimeZoneNotSupportedException',
        "A valid TimeZone value must be specified. The following TimeZone value is not supported: 'Greenwich Mean Time'.",
      )
    })

    it('converts Windows and IANA zone names to UTC', async () => {
      const created = await create({
        start: at('2030-07-01T09:00:00', 'W. Europe Standard Time'),
        end: at('2030-07-01T10:00:00', 'America/New_York'),
      })
      assert.deepEqual(created.start, at('2030-07-01T07:00:00.0000000'))
      assert.deepEqual(created.end, at('2030-07-01T14:00:00.0000000'))
    })

    it('refuses a dateTime that is not a wall-clock date and time', async () => {
      const error = await graphFailure(() => create({start: at('next tuesday')}))
      assertRefused(error, 400, 'ErrorInvalidRequest', /Cannot convert the literal .* for 'start'/)
    })

    it('refuses all-day events that do not run from midnight to midnight', async () => {
      const error = await graphFailure(() => create({isAllDay: true}))
      assertRefused(error, 400, 'ErrorPropertyValidationFailure', /all-day event must be at midnight/)
      const allDay = await create({isAllDay: true, start: at('2030-05-06T00:00:00'), end: at('2030-05-07T00:00:00')})
      assert.equal((allDay as unknown as {isAllDay: boolean}).isAllDay, true)
    })

    it('refuses enum values that do not exist (sensitivity, showAs, body contentType)', async () => {
      for (const body of [{sensitivity: 'secret'}, {showAs: 'away'}, {body: {contentType: 'markdown', content: 'x'}}]) {
        const error = await graphFailure(() => create(body))
        assertRefused(error, 400, 'RequestBodyRead', /^Requested value '(secret|away|markdown)' was not found\.$/)
      }
    })

    it('refuses attendees that are not a collection or have no address', async () => {
      assertRefused(await graphFailure(() => create({attendees: 'bob'})), 400, 'RequestBodyRead')
      const noAddress = await graphFailure(() => create({attendees: [{emailAddress: {name: 'Bob'}}]}))
      assertRefused(noAddress, 400, 'ErrorInvalidRecipients', 'At least one recipient is not valid.')
    })

    it('refuses an extended property with a malformed id', async () => {
      const error = await graphFailure(() =>
        create({singleValueExtendedProperties: [{id: 'String hcal-marker', value: 'x'}]}),
      )
      assertRefused(error, 400, 'ErrorInvalidProperty', "The property id 'String hcal-marker' is not valid.")
    })

    it('refuses a body that is not a JSON object, and malformed JSON', async () => {
      assertRefused(await graphFailure(() => graph.api(events()).post([])), 400, 'BadRequest', /JSON content expected/)
      const token = await ms.mintToken()
      const response = await ms.raw('POST', `/v1.0${events()}`, {
        headers: {authorization: `Bearer ${token}`, 'content-type': 'application/json'},
        body: '{"subject": ',
      })
      assert.equal(response.status, 400)
      assert.equal((JSON.parse(response.text) as {error: {code: string}}).error.code, 'BadRequest')
    })

    it('answers a DELETE with a stale If-Match with 412 and keeps the event', async () => {
      const created = await create({})
      await graph.api(`${events()}/${created.id}`).patch({subject: 'Edited'})
      const error = await graphFailure(() =>
        graph.api(`${events()}/${created.id}`).header('If-Match', created['@odata.etag']).delete(),
      )
      assertRefused(error, 412, 'ErrorIrresolvableConflict')
      assert.ok((await groundTruthIds()).includes(created.id))
    })
  })

  describe('recurrence', () => {
    const weekly = {type: 'weekly', interval: 1, daysOfWeek: ['monday']}
    const numbered = {type: 'numbered', startDate: '2030-05-06', numberOfOccurrences: 3}

    it('refuses invalid patterns and ranges with ErrorPropertyValidationFailure', async () => {
      const invalid = [
        {pattern: {type: 'weekly', interval: 1}, range: numbered},
        {pattern: {...weekly, interval: 0}, range: numbered},
        {pattern: {...weekly, daysOfWeek: ['funday']}, range: numbered},
        {pattern: {type: 'hourly', interval: 1}, range: numbered},
        {pattern: weekly, range: {...numbered, numberOfOccurrences: 0}},
        {pattern: weekly, range: {type: 'endDate', startDate: '2030-05-06', endDate: '2030-05-01'}},
        {pattern: weekly, range: {type: 'numbered', numberOfOccurrences: 3}},
        {pattern: weekly},
      ]
      for (const recurrence of invalid) {
        const error = await graphFailure(() => create({recurrence}))
        assert.equal(error.statusCode, 400, JSON.stringify(recurrence))
        assert.equal(error.code, 'ErrorPropertyValidationFailure', JSON.stringify(recurrence))
      }
    })

    it('answers monthly and yearly patterns (valid in Graph) with 501 NotImplemented, not wrong data', async () => {
      const recurrence = {pattern: {type: 'absoluteMonthly', interval: 1, dayOfMonth: 6}, range: numbered}
      assertRefused(await graphFailure(() => create({recurrence})), 501, 'NotImplemented')
    })

    it('refuses a recurrence on an occurrence of a series', async () => {
      const master = await create({recurrence: {pattern: weekly, range: numbered}})
      assert.equal(master.type, 'seriesMaster')
      const instances = (await graph
        .api(`${events()}/${master.id}/instances`)
        .query({startDateTime: '2030-05-01T00:00:00Z', endDateTime: '2030-06-01T00:00:00Z'})
        .get()) as {value: GraphEvent[]}
      assert.equal(instances.value.length, 3)
      const occurrence = instances.value[0]
      assert.ok(occurrence)
      const error = await graphFailure(() =>
        graph.api(`${events()}/${occurrence.id}`).patch({recurrence: {pattern: weekly, range: numbered}}),
      )
      assertRefused(error, 400, 'ErrorInvalidRequest', /single instance or a series master/)
    })
  })

  describe('query options on event lists', () => {
    it('refuses a $top or $skip that is not a whole number', async () => {
      for (const query of [{$top: 'ten'}, {$skip: '-1'}] as Record<string, string>[]) {
        const error = await graphFailure(() => graph.api(events()).query(query).get())
        assertRefused(error, 400, 'BadRequest', /^Invalid value '.*' for query option \$(top|skip)\.$/)
      }
    })

    it('answers $filter and $orderby with 501 NotImplemented instead of unfiltered or unordered data', async () => {
      assertRefused(await graphFailure(() => graph.api(events()).filter("subject eq 'x'").get()), 501, 'NotImplemented')
      const window = {startDateTime: '2030-01-01T00:00:00Z', endDateTime: '2030-12-31T00:00:00Z'}
      const ordered = await graphFailure(() =>
        graph.api(`/users/${user}/calendarView`).query(window).orderby('start/dateTime').get(),
      )
      assertRefused(ordered, 501, 'NotImplemented', 'The sandbox does not evaluate $orderby on events.')
    })

    it('refuses $select of a property the event type does not have', async () => {
      const error = await graphFailure(() => graph.api(events()).select('id,colour').get())
      assertRefused(
        error,
        400,
        'RequestBroker--ParseUri',
        "Could not find a property named 'colour' on type 'microsoft.graph.event'.",
      )
    })
  })

  describe('mailboxSettings', () => {
    const settings = () => `/users/${user}/mailboxSettings`
    const read = async () =>
      (await graph.api(settings()).get()) as {
        timeZone: string
        language: {locale: string}
        automaticRepliesSetting: Record<string, unknown>
      }

    it('refuses each invalid PATCH with its Graph error and changes nothing', async () => {
      const before = await read()
      const cases: [unknown, string, RegExp][] = [
        [{timeZone: 'Mars/Olympus_Mons'}, 'InvalidTimeZone', /^Time Zone settings provided are invalid\.$/],
        [{language: {locale: 'not a locale'}}, 'ErrorInvalidArgument', /The culture 'not a locale' is not supported/],
        [{language: {locale: 'zz-ZZ'}}, 'ErrorInvalidArgument', /'zz-ZZ'/],
        [{colour: 'red'}, 'RequestBodyRead', /'colour' does not exist on type 'microsoft.graph.mailboxSettings'/],
        [{automaticRepliesSetting: {colour: 'red'}}, 'RequestBodyRead', /'colour' does not exist/],
        [{automaticRepliesSetting: {externalAudience: 'everyone'}}, 'RequestBodyRead', /'everyone' was not found/],
        [{automaticRepliesSetting: {status: 'sometimes'}}, 'RequestBodyRead', /'sometimes' was not found/],
        [
          {automaticRepliesSetting: {scheduledStartDateTime: at('2030-01-01T08:00:00', 'Greenwich Mean Time')}},
          'TimeZoneNotSupportedException',
          /'Greenwich Mean Time'/,
        ],
        [
          {
            automaticRepliesSetting: {
              status: 'scheduled',
              scheduledStartDateTime: at('2030-01-10T08:00:00'),
              scheduledEndDateTime: at('2030-01-10T08:00:00'),
            },
            timeZone: 'Europe/Berlin',
          },
          'ErrorInvalidScheduledOofDuration',
          /end time must be after the start time/,
        ],
      ]
      for (const [body, code, message] of cases) {
        const error = await graphFailure(() => graph.api(settings()).patch(body))
        assert.equal(error.statusCode, 400, JSON.stringify(body))
        assert.equal(error.code, code, JSON.stringify(body))
        assert.match(error.message, message)
      }
      assert.deepEqual(await read(), before)
    })

    it('answers settings Graph can change but the sandbox does not with 501 NotImplemented', async () => {
      const error = await graphFailure(() => graph.api(settings()).patch({workingHours: {startTime: '08:00:00'}}))
      assert.equal(error.statusCode, 501)
      assert.equal(error.code, 'NotImplemented')
    })

    it('accepts a Windows time zone name and a supported locale', async () => {
      const answer = (await graph
        .api(settings())
        .patch({timeZone: 'Tokyo Standard Time', language: {locale: 'de-DE'}})) as {
        timeZone: string
        language: {locale: string; displayName: string}
      }
      assert.equal(answer.timeZone, 'Tokyo Standard Time')
      assert.equal(answer.language.locale, 'de-DE')
      assert.equal(answer.language.displayName, 'German (Germany)')
    })
  })
})

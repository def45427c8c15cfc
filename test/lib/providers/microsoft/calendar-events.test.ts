import assert from 'node:assert/strict'

import {planJoinBlock} from '../../../../src/lib/core/joinblock/index.js'
import type {CalendarEvent, HcalMarker} from '../../../../src/lib/core/model.js'
import {DEFAULT_MEETING_SETTINGS} from '../../../../src/lib/core/settings.js'
import type {MailboxGrant} from '../../../../src/lib/ports/access.js'
import {at, type CalendarLab, labWindow, readRound, startCalendarLab} from './calendar-lab.js'

interface TruthEvent {
  id: string
  type: string
  subject: string
  body: {content: string; contentType: string}
  location: {displayName: string}
  isOnlineMeeting: boolean
  onlineMeeting: {joinUrl: string} | null
  seriesMasterId: string | null
  '@odata.etag': string
  singleValueExtendedProperties: {id: string; value: string}[]
}

const SETTINGS = {...DEFAULT_MEETING_SETTINGS, site: 'acme'}
const MARKER: HcalMarker = {version: 1, hash: 'a'.repeat(32), keyword: '@webex'}

/**
 * Reading and writing single events through the Microsoft adapter against the sandbox: the whole model
 * mapped, writes with If-Match (a stale etag is a conflict), hcal's marker in its extended property, an
 * online meeting's join information kept when the body is rewritten, one occurrence patched on its own.
 */
describe('Microsoft calendar adapter: events (read, write, marker)', function () {
  this.timeout(120_000)
  let lab: CalendarLab
  let owner: string
  let grant: MailboxGrant
  const path = () => `/_sandbox/microsoft/mailboxes/${owner}/events`
  const truthOf = async (id: string): Promise<TruthEvent> => {
    const all = (await lab.control<{value: TruthEvent[]}>('GET', path())).value
    const found = all.find((event) => event.id === id)
    assert.ok(found, `no event ${id}`)
    return found
  }
  const create = (body: Record<string, unknown>) => lab.control<{id: string}>('POST', path(), body)
  const read = async (id: string): Promise<CalendarEvent> => {
    const event = await lab.calendar.readEvent({grant, eventId: id})
    assert.ok(event)
    return event
  }

  before(async () => {
    lab = await startCalendarLab()
    owner = lab.users[0]!
    grant = lab.grant(owner)
  })
  after(async () => lab?.stop())

  it('maps every field of a Graph event to the model', async () => {
    const [room] = lab.lab.seed.microsoft!.rooms
    const {id} = await create({
      subject: 'Design review',
      body: {contentType: 'html', content: '<html><body><p>Agenda</p></body></html>'},
      start: {dateTime: '2030-01-07T09:30:00', timeZone: 'Europe/Berlin'},
      end: {dateTime: '2030-01-07T10:30:00', timeZone: 'Europe/Berlin'},
      location: {displayName: 'Room 4 @webex'},
      attendees: [
        {type: 'required', emailAddress: {address: lab.users[1], name: 'Bea'}, status: {response: 'accepted'}},
        {type: 'optional', emailAddress: {address: lab.users[2]}, status: {response: 'tentativelyAccepted'}},
        {type: 'resource', emailAddress: {address: room!.email}, status: {response: 'declined'}},
      ],
      sensitivity: 'private',
      showAs: 'tentative',
      isOnlineMeeting: true,
    })
    const event = await read(id)
    const truth = await truthOf(id)
    assert.equal(event.changeToken, truth['@odata.etag'])
    assert.deepEqual(
      {...event, body: undefined, changeToken: undefined, updated: undefined, organizer: undefined},
      {
        id,
        provider: 'microsoft',
        mailbox: owner,
        title: 'Design review',
        location: 'Room 4 @webex',
        body: undefined,
        bodyType: 'html',
        start: '2030-01-07T08:30:00Z',
        end: '2030-01-07T09:30:00Z',
        allDay: false,
        attendees: [
          {email: lab.users[1], name: 'Bea', response: 'accepted', isRoom: false},
          {email: lab.users[2], name: lab.users[2], response: 'tentative', isRoom: false, optional: true},
          {email: room!.email, name: room!.email, response: 'declined', isRoom: true},
        ],
        status: 'tentative',
        myResponse: 'organizer',
        sensitivity: 'private',
        conference: [{solution: 'teamsForBusiness', url: truth.onlineMeeting!.joinUrl}],
        changeToken: undefined,
        updated: undefined,
        organizer: undefined,
      },
    )
    assert.equal(event.organizer.email, owner)
    assert.ok(event.body.includes(truth.onlineMeeting!.joinUrl), 'the body carries the Teams blob')

    const allDay = await create({
      subject: 'Offsite',
      isAllDay: true,
      start: {dateTime: '2030-02-04T00:00:00', timeZone: 'UTC'},
      end: {dateTime: '2030-02-06T00:00:00', timeZone: 'UTC'},
    })
    const day = await read(allDay.id)
    assert.deepEqual([day.allDay, day.start, day.end], [true, '2030-02-04T00:00:00Z', '2030-02-06T00:00:00Z'])

    // An attendee's copy: its own response, the organiser elsewhere.
    const attendee = lab.lab.seed.microsoft!.users[1]!.email
    const theirs = await lab.calendar.readEvent({grant: lab.grant(attendee), eventId: 'missing'})
    assert.equal(theirs, undefined, 'an event that does not exist reads as undefined')
    const window = labWindow()
    const copies = (await readRound(lab.calendar, lab.grant(attendee), window)).changes.flatMap((c) =>
      c.type === 'upsert' && c.event.organizer.email !== attendee ? [c.event] : [],
    )
    assert.ok(copies.length > 0)
    assert.ok(copies.every((copy) => copy.myResponse !== 'organizer' && copy.marker === undefined))
  })

  it('writes with If-Match: a stale etag is a conflict and changes nothing', async () => {
    const {id} = await create({subject: 'Raced', start: at(5), end: at(6), location: {displayName: '@webex'}})
    const before = await read(id)
    await lab.control('PATCH', `${path()}/${id}`, {subject: 'Raced (user edit)'})
    const result = await lab.calendar.writeEvent({
      grant,
      eventId: id,
      changeToken: before.changeToken,
      patch: {body: {type: 'text', content: 'overwritten'}, marker: MARKER},
    })
    assert.equal(result.kind, 'conflict')
    assert.equal(result.kind === 'conflict' && result.failure.status, 412)
    const truth = await truthOf(id)
    assert.equal(truth.subject, 'Raced (user edit)')
    assert.notEqual(truth.body.content, 'overwritten')
    assert.deepEqual(truth.singleValueExtendedProperties, [])
  })

  it('round-trips the marker: written with the block, read back by readEvent and by the next delta round', async () => {
    const window = labWindow()
    const start = await readRound(lab.calendar, grant, window)
    const {id} = await create({subject: 'Keyword', start: at(8), end: at(9), location: {displayName: '@webex'}})
    const event = await read(id)
    assert.equal(event.marker, undefined)
    const plan = planJoinBlock(event, {keyword: '@webex'}, SETTINGS)
    assert.equal(plan.action, 'insert')
    const written = await lab.calendar.writeEvent({
      grant,
      eventId: id,
      changeToken: event.changeToken,
      patch: {body: {type: event.bodyType, content: plan.body}, marker: plan.marker},
    })
    assert.equal(written.kind, 'written')
    const after = written.kind === 'written' ? written.event : event
    assert.deepEqual(after.marker, plan.marker)
    assert.notEqual(after.changeToken, event.changeToken)
    assert.equal(after.changeToken, (await truthOf(id))['@odata.etag'])
    assert.deepEqual((await read(id)).marker, plan.marker)

    const round = await readRound(lab.calendar, grant, window, start.cursor)
    const seen = round.changes.find((c) => c.type === 'upsert' && c.event.id === id)
    assert.ok(seen?.type === 'upsert')
    assert.deepEqual(seen.event.marker, plan.marker)
    assert.equal(planJoinBlock(seen.event, {keyword: '@webex'}, SETTINGS).action, 'none', 'the echo plans nothing')

    const cleared = await lab.calendar.writeEvent({
      grant,
      eventId: id,
      changeToken: after.changeToken,
      patch: {marker: null},
    })
    assert.equal(cleared.kind === 'written' && cleared.event.marker, undefined)
    assert.equal((await read(id)).marker, undefined)
  })

  it('keeps an online meeting online: the body is rewritten with the Teams blob as it was', async () => {
    const {id} = await create({
      subject: 'Teams and Webex',
      start: at(12),
      end: at(13),
      location: {displayName: '@webex'},
      body: {contentType: 'html', content: '<html><body><p>Agenda</p></body></html>'},
      isOnlineMeeting: true,
    })
    const before = await truthOf(id)
    const event = await read(id)
    const plan = planJoinBlock(event, {keyword: '@webex'}, SETTINGS)
    const result = await lab.calendar.writeEvent({
      grant,
      eventId: id,
      changeToken: event.changeToken,
      patch: {body: {type: event.bodyType, content: plan.body}, marker: plan.marker},
    })
    assert.equal(result.kind, 'written')
    const after = await truthOf(id)
    assert.equal(after.isOnlineMeeting, true)
    assert.equal(after.onlineMeeting?.joinUrl, before.onlineMeeting?.joinUrl)
    assert.ok(after.body.content.includes(before.onlineMeeting!.joinUrl))
    assert.ok(after.body.content.includes('https://acme.webex.com/meet/'))
    assert.deepEqual(result.kind === 'written' && result.event.conference, event.conference)
  })

  it('patches one occurrence of a series and leaves the others alone', async () => {
    await create({
      subject: 'Weekly',
      start: at(24),
      end: at(25),
      recurrence: {
        pattern: {type: 'daily', interval: 1},
        range: {type: 'numbered', startDate: at(24).dateTime.slice(0, 10), numberOfOccurrences: 4},
      },
    })
    const all = (await lab.control<{value: TruthEvent[]}>('GET', path())).value
    const master = all.find((e) => e.subject === 'Weekly' && e.type === 'seriesMaster')!
    const [first, second] = all.filter((e) => e.seriesMasterId === master.id)
    const occurrence = await read(second!.id)
    assert.equal(occurrence.seriesId, master.id)
    const result = await lab.calendar.writeEvent({
      grant,
      eventId: occurrence.id,
      changeToken: occurrence.changeToken,
      patch: {location: 'Room 9 @webex', marker: MARKER},
    })
    assert.equal(result.kind, 'written')
    const [patched, untouched] = [await truthOf(second!.id), await truthOf(first!.id)]
    assert.equal(patched.type, 'exception')
    assert.equal(patched.location.displayName, 'Room 9 @webex')
    assert.equal(untouched.type, 'occurrence')
    assert.equal(untouched.location.displayName, '')
    assert.deepEqual(untouched.singleValueExtendedProperties, [])
  })
})

import assert from 'node:assert/strict'

import type {Client} from '@microsoft/microsoft-graph-client'

import type {SeedMeeting} from '../../../src/sandbox/types.js'
import {isoIn, startMicrosoftSandbox, type MicrosoftSandbox} from './helpers.js'

const MARKER = 'String {66f5a359-4659-4830-9070-00047ec6ac6e} Name hcal-join-block'

interface TruthEvent {
  id: string
  iCalUId: string
  changeKey: string
  type: string
  subject: string
  isCancelled: boolean
  seriesMasterId?: string | null
  originalStart?: string | null
  body: {content: string}
  location: {displayName: string}
  start: {dateTime: string}
  end: {dateTime: string}
  responseStatus: {response: string}
  singleValueExtendedProperties: {id: string; value: string}[]
}

const wallClock = (iso: string) => ({dateTime: iso.replace(/Z$/, ''), timeZone: 'UTC'})

describe('sandbox microsoft: an organiser’s saved change reaches the attendees’ copies', () => {
  let ms: MicrosoftSandbox
  let graph: Client

  before(async () => {
    ms = await startMicrosoftSandbox({users: 6, events: 6})
    graph = ms.clients().graph
  })
  after(async () => ms.stop())

  const truthOf = async (user: string) =>
    (
      (await ms.control('GET', `/_sandbox/microsoft/mailboxes/${encodeURIComponent(user)}/events`)).body as {
        value: TruthEvent[]
      }
    ).value
  const users = () => new Set(ms.seed.users.map((u) => u.email.toLowerCase()))
  /** A seeded meeting organised by a user with another user of the tenant as attendee. */
  const meetingWithAttendee = (recurring: boolean, skip: Set<string>): {meeting: SeedMeeting; attendee: string} => {
    for (const meeting of ms.seed.meetings) {
      if (Boolean(meeting.recurrence) !== recurring || meeting.status === 'cancelled' || skip.has(meeting.uid)) continue
      if (meeting.recurrence?.exceptions?.length) continue
      const attendee = meeting.attendees.find(
        (a) => users().has(a.email.toLowerCase()) && a.email.toLowerCase() !== meeting.organizer.toLowerCase(),
      )
      if (attendee) return {meeting, attendee: attendee.email.toLowerCase()}
    }
    throw new Error('the seed has no such meeting')
  }
  const used = new Set<string>()
  const pick = (recurring: boolean) => {
    const found = meetingWithAttendee(recurring, used)
    used.add(found.meeting.uid)
    return found
  }
  /** The seed's iCalUId of a meeting (every copy of it carries it). */
  const uidOf = (meeting: SeedMeeting) =>
    `040000008200E00074C5B7101A82E008${Buffer.from(meeting.uid).toString('hex').toUpperCase()}`
  const organisersCopy = async (meeting: SeedMeeting) => {
    const found = (await truthOf(meeting.organizer)).find((e) => e.iCalUId === uidOf(meeting) && !e.originalStart)
    assert.ok(found, `the organiser's copy of ${meeting.uid}`)
    return found
  }
  const copiesOf = async (user: string, organisers: TruthEvent) =>
    (await truthOf(user)).filter((e) => e.iCalUId === organisers.iCalUId)

  it('carries subject, body, location and times of an organiser’s PATCH to the attendee’s copy, keeping its response and not hcal’s marker', async () => {
    const {meeting, attendee} = pick(false)
    const organiser = meeting.organizer.toLowerCase()
    const mine = await organisersCopy(meeting)
    const [before] = await copiesOf(attendee, mine)
    assert.ok(before)
    await graph.api(`/users/${organiser}/events/${mine.id}`).patch({
      subject: 'Moved review',
      body: {contentType: 'text', content: 'New agenda.'},
      location: {displayName: '@webex Room 2'},
      start: wallClock(isoIn(50)),
      end: wallClock(isoIn(51)),
      singleValueExtendedProperties: [{id: MARKER, value: '{"v":1}'}],
    })
    const [after] = await copiesOf(attendee, mine)
    assert.ok(after)
    assert.equal(after.id, before.id)
    assert.notEqual(after.changeKey, before.changeKey)
    assert.deepEqual(
      [after.subject, after.body.content, after.location.displayName, `${after.start.dateTime.slice(0, 16)}Z`],
      ['Moved review', 'New agenda.', '@webex Room 2', `${isoIn(50).slice(0, 16)}Z`],
    )
    assert.equal(after.responseStatus.response, before.responseStatus.response)
    assert.deepEqual(after.singleValueExtendedProperties, [])
  })

  it('sends nothing for a marker-only PATCH, and nothing from an attendee’s own edit', async () => {
    const {meeting, attendee} = pick(false)
    const organiser = meeting.organizer.toLowerCase()
    const mine = await organisersCopy(meeting)
    const [before] = await copiesOf(attendee, mine)
    assert.ok(before)
    await graph
      .api(`/users/${organiser}/events/${mine.id}`)
      .patch({singleValueExtendedProperties: [{id: MARKER, value: '{"v":1}'}]})
    assert.equal((await copiesOf(attendee, mine))[0]?.changeKey, before.changeKey)
    await graph.api(`/users/${attendee}/events/${before.id}`).patch({location: {displayName: 'My own note'}})
    assert.equal(
      (await truthOf(organiser)).find((e) => e.id === mine.id)?.location.displayName,
      mine.location.displayName,
    )
  })

  it('carries an edit of one occurrence to the same occurrence of the attendee’s series only', async () => {
    const {meeting, attendee} = pick(true)
    const organiser = meeting.organizer.toLowerCase()
    const instances = (await truthOf(organiser)).filter((e) => e.type === 'occurrence' && e.iCalUId === uidOf(meeting))
    const [first, second] = instances
    assert.ok(first && second)
    await graph.api(`/users/${organiser}/events/${second.id}`).patch({location: {displayName: '@meet Room 3'}})
    const theirs = await copiesOf(attendee, second)
    const edited = theirs.filter((e) => e.location.displayName === '@meet Room 3')
    assert.deepEqual(
      edited.map((e) => [e.type, e.originalStart]),
      [['exception', second.originalStart]],
    )
    assert.equal(
      theirs.find((e) => e.originalStart === first.originalStart)?.location.displayName,
      first.location.displayName,
    )
  })

  it('turns an organiser’s deletion into a cancellation of the attendee’s copy (kept, isCancelled, “Canceled:”)', async () => {
    const {meeting, attendee} = pick(false)
    const organiser = meeting.organizer.toLowerCase()
    const mine = await organisersCopy(meeting)
    await graph.api(`/users/${organiser}/events/${mine.id}`).delete()
    const [theirs] = await copiesOf(attendee, mine)
    assert.ok(theirs, 'the attendee keeps the cancelled meeting')
    assert.equal(theirs.isCancelled, true)
    assert.equal(theirs.subject, `Canceled: ${meeting.title}`)
  })

  it('lands an armed user edit (control API race) just before the next PATCH of the item, whose stale If-Match then fails with 412', async () => {
    const user = ms.users[0] ?? ''
    const created = (await graph.api(`/users/${user}/events`).post({
      subject: 'Raced',
      location: {displayName: '@webex'},
      start: wallClock(isoIn(30)),
      end: wallClock(isoIn(31)),
    })) as {id: string; '@odata.etag': string}
    const armed = await ms.control('POST', `/_sandbox/microsoft/mailboxes/${user}/events/${created.id}/race`, {
      body: {contentType: 'text', content: 'The user wrote this.'},
    })
    assert.equal(armed.status, 202)
    const refused = await ms.control('POST', `/_sandbox/microsoft/mailboxes/${user}/events/${created.id}/race`, {
      start: {dateTime: 'soon', timeZone: 'UTC'},
    })
    assert.equal(refused.status, 400, 'a body the control PATCH refuses is refused when armed')
    const write = () =>
      graph
        .api(`/users/${user}/events/${created.id}`)
        .header('If-Match', created['@odata.etag'])
        .patch({body: {contentType: 'text', content: 'hcal wrote this.'}})
    await assert.rejects(write(), (error: {statusCode?: number}) => error.statusCode === 412)
    const [now] = (await truthOf(user)).filter((e) => e.id === created.id)
    assert.equal(now?.body.content, 'The user wrote this.')
    // Once only: the next write with the current change key goes through.
    await graph
      .api(`/users/${user}/events/${created.id}`)
      .header('If-Match', `W/"${now?.changeKey}"`)
      .patch({body: {contentType: 'text', content: 'hcal wrote this.'}})
    assert.equal((await truthOf(user)).find((e) => e.id === created.id)?.body.content, 'hcal wrote this.')
  })
})

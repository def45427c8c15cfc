import assert from 'node:assert/strict'

import {
  Appointment,
  BasePropertySet,
  ConflictResolutionMode,
  ItemId,
  PropertySet,
  SendInvitationsOrCancellationsMode,
} from 'ews-javascript-api'

import type {SeedMeeting} from '../../../src/sandbox/types.js'
import {rejectionOf} from '../../helpers/expect.js'
import {itemsOf, startExchange, type ExchangeHarness, type GroundItem} from './harness.js'

interface Item extends GroundItem {
  isCancelled: boolean
  myResponse: string
  recurrence?: {count: number; overrides: Record<string, {location?: string}>}
}

describe('Exchange emulator: an organiser’s saved change reaches the attendees’ copies', function () {
  let h: ExchangeHarness
  const used = new Set<string>()
  const truth = (mailbox: string) => itemsOf<Item>(h, mailbox)
  const itemPath = (mailbox: string, id: string) =>
    `/_sandbox/exchange/mailboxes/${encodeURIComponent(mailbox)}/items/${encodeURIComponent(id)}`

  before(async () => {
    h = await startExchange()
  })
  after(async () => h.stop())

  /** A seeded meeting (not yet used here) with another user of the organisation as attendee. */
  function pick(recurring: boolean): {meeting: SeedMeeting; attendee: string} {
    const users = new Set(h.seed.users.map((u) => u.email.toLowerCase()))
    for (const meeting of h.seed.meetings) {
      if (Boolean(meeting.recurrence) !== recurring || meeting.status === 'cancelled' || used.has(meeting.uid)) continue
      // A series with two occurrences the seed left as they are.
      const rule = meeting.recurrence
      if (rule && rule.count - (rule.exceptions?.length ?? 0) < 2) continue
      const attendee = meeting.attendees.find((a) => a.email !== meeting.organizer && users.has(a.email.toLowerCase()))
      if (!attendee) continue
      used.add(meeting.uid)
      return {meeting, attendee: attendee.email}
    }
    throw new Error('the seed has no such meeting')
  }
  const copyIn = async (mailbox: string, meeting: SeedMeeting) => {
    const found = (await truth(mailbox)).find((i) => i.uid === meeting.uid)
    assert.ok(found, `${mailbox} holds ${meeting.uid}`)
    return found
  }

  it('carries an organiser’s edit in Outlook (control PATCH) to the attendee’s copy, keeping its response', async () => {
    const {meeting, attendee} = pick(false)
    const mine = await copyIn(meeting.organizer, meeting)
    const before = await copyIn(attendee, meeting)
    const start = new Date(Date.parse(mine.start) + 86_400_000).toISOString()
    const end = new Date(Date.parse(start) + 3_600_000).toISOString()
    const patched = await h.control('PATCH', itemPath(meeting.organizer, mine.id), {
      subject: 'Moved review',
      location: '@webex Room 2',
      body: 'New agenda.',
      start,
      end,
    })
    assert.equal(patched.status, 200)
    const after = await copyIn(attendee, meeting)
    assert.deepEqual(
      [after.subject, after.location, after.body, after.start],
      ['Moved review', '@webex Room 2', 'New agenda.', start.replace('.000', '')],
    )
    assert.notEqual(after.changeKey, before.changeKey)
    assert.equal(after.myResponse, before.myResponse)
  })

  it('carries an edit of one occurrence (control API, or UpdateItem sent to all) to the same occurrence of each copy', async () => {
    const {meeting, attendee} = pick(true)
    const mine = await copyIn(meeting.organizer, meeting)
    // Two occurrences the seed left as they are (InstanceIndex is 1-based, the control API's index 0-based).
    const taken = new Set(meeting.recurrence?.exceptions?.map((e) => e.index))
    const [first, second] = [...Array(meeting.recurrence?.count ?? 0).keys()].filter((index) => !taken.has(index))
    assert.ok(first !== undefined && second !== undefined)
    const edited = await h.control('PATCH', `${itemPath(meeting.organizer, mine.id)}/occurrences/${first}`, {
      location: '@meet Room 3',
    })
    assert.equal(edited.status, 200, JSON.stringify(edited.body))
    assert.equal((await copyIn(attendee, meeting)).recurrence?.overrides[String(first)]?.location, '@meet Room 3')
    const service = h.service('basic', meeting.organizer)
    const occurrence = await Appointment.BindToOccurrence(
      service,
      new ItemId(mine.id),
      second + 1,
      new PropertySet(BasePropertySet.FirstClassProperties),
    )
    occurrence.Location = '@webex Room 4'
    await occurrence.Update(
      ConflictResolutionMode.NeverOverwrite,
      SendInvitationsOrCancellationsMode.SendToAllAndSaveCopy,
    )
    const overrides = (await copyIn(attendee, meeting)).recurrence?.overrides ?? {}
    assert.deepEqual(
      [overrides[String(first)]?.location, overrides[String(second)]?.location],
      ['@meet Room 3', '@webex Room 4'],
    )
  })

  it('turns an organiser’s deletion into a cancellation of each copy (kept, IsCancelled, “Canceled:”)', async () => {
    const {meeting, attendee} = pick(false)
    const mine = await copyIn(meeting.organizer, meeting)
    assert.equal((await h.control('DELETE', itemPath(meeting.organizer, mine.id))).status, 204)
    const theirs = await copyIn(attendee, meeting)
    assert.equal(theirs.isCancelled, true)
    assert.equal(theirs.subject, `Canceled: ${meeting.title}`)
  })

  it('lands an armed user edit (control API race) just before the next UpdateItem of the item, whose stale ChangeKey then conflicts', async () => {
    const {meeting} = pick(false)
    const mine = await copyIn(meeting.organizer, meeting)
    const service = h.service('basic', meeting.organizer)
    const read = await Appointment.Bind(
      service,
      new ItemId(mine.id),
      new PropertySet(BasePropertySet.FirstClassProperties),
    )
    const refused = await h.control('POST', `${itemPath(meeting.organizer, mine.id)}/race`, {start: 'soon'})
    assert.equal(refused.status, 400, 'an edit the control PATCH refuses is refused when armed')
    const armed = await h.control('POST', `${itemPath(meeting.organizer, mine.id)}/race`, {
      body: 'The user wrote this.',
    })
    assert.equal(armed.status, 202)
    read.Location = 'hcal wrote this'
    const conflict = await rejectionOf<{ErrorCode?: number; message?: string}>(() =>
      read.Update(ConflictResolutionMode.NeverOverwrite, SendInvitationsOrCancellationsMode.SendToNone),
    )
    assert.match(String(conflict.message), /out of date/)
    const now = await copyIn(meeting.organizer, meeting)
    assert.deepEqual([now.body, now.location], ['The user wrote this.', mine.location])
    // Once only: a write with the current change key goes through.
    const again = await Appointment.Bind(
      service,
      new ItemId(mine.id),
      new PropertySet(BasePropertySet.FirstClassProperties),
    )
    again.Location = 'hcal wrote this'
    await again.Update(ConflictResolutionMode.NeverOverwrite, SendInvitationsOrCancellationsMode.SendToNone)
    assert.equal((await copyIn(meeting.organizer, meeting)).location, 'hcal wrote this')
  })
})

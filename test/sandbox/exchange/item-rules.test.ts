import assert from 'node:assert/strict'

import {
  Appointment,
  AppointmentSchema,
  BasePropertySet,
  CalendarView,
  ConflictResolutionMode,
  DateTime,
  FolderId,
  ItemId,
  Mailbox,
  PropertySet,
  SendInvitationsMode,
  SendInvitationsOrCancellationsMode,
  ServiceError,
  WellKnownFolderName,
} from 'ews-javascript-api'

import {rejectionOf} from '../../helpers/expect.js'
import {itemsOf, JOIN_MARKER, startExchange, type ExchangeHarness} from './harness.js'
import {ews, faultOf, responseCodes} from './raw-soap.js'

interface Stored {
  id: string
  uid: string
  subject: string
  location: string
  start: string
  end: string
  recurrence?: {count: number}
}

const HOUR = 3_600_000
const calendar = (mailbox: string) => new FolderId(WellKnownFolderName.Calendar, new Mailbox(mailbox))
const setField = (uri: string, element: string, value: string) =>
  `<t:SetItemField><t:FieldURI FieldURI="${uri}"/><t:CalendarItem><t:${element}>${value}</t:${element}></t:CalendarItem></t:SetItemField>`
const updateItem = (itemRef: string, updates: string, resolution = 'AlwaysOverwrite') =>
  `<m:UpdateItem ConflictResolution="${resolution}" SendMeetingInvitationsOrCancellations="SendToNone"><m:ItemChanges><t:ItemChange>${itemRef}<t:Updates>${updates}</t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>`
const createItem = (item: string) =>
  `<m:CreateItem SendMeetingInvitations="SendToNone"><m:SavedItemFolderId><t:DistinguishedFolderId Id="calendar"/></m:SavedItemFolderId><m:Items><t:CalendarItem>${item}</t:CalendarItem></m:Items></m:CreateItem>`
const findItem = (view: string) =>
  `<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape>${view}<m:ParentFolderIds><t:DistinguishedFolderId Id="calendar"/></m:ParentFolderIds></m:FindItem>`

describe('Exchange emulator calendar item rules (change keys, times, occurrences, views)', function () {
  let h: ExchangeHarness
  let organiser: string
  let master: Stored
  let single: Stored
  const truth = async (id: string) => (await itemsOf<Stored>(h, organiser)).find((i) => i.id === id)

  before(async () => {
    h = await startExchange()
    // The seed's series have occurrence 2 cancelled and occurrence 3 moved (1-based instance indexes).
    const series = h.seed.meetings.find((m) => m.recurrence?.exceptions?.some((e) => e.index === 1 && e.cancelled))
    assert.ok(series)
    organiser = series.organizer
    const items = await itemsOf<Stored>(h, organiser)
    const [foundMaster, foundSingle] = [items.find((i) => i.uid === series.uid), items.find((i) => !i.recurrence)]
    assert.ok(foundMaster && foundSingle)
    master = foundMaster
    single = foundSingle
  })
  after(async () => h.stop())

  it('fails UpdateItem with a stale ChangeKey and NeverOverwrite with ErrorIrresolvableConflict; AutoResolve and AlwaysOverwrite save', async () => {
    const service = h.service('basic', organiser)
    const appointment = await Appointment.Bind(
      service,
      new ItemId(single.id),
      new PropertySet(BasePropertySet.FirstClassProperties),
    )
    await h.control('PATCH', `/_sandbox/exchange/mailboxes/${organiser}/items/${encodeURIComponent(single.id)}`, {
      subject: 'edited by the user',
    })
    appointment.Location = '@webex'
    const error = await rejectionOf(() =>
      appointment.Update(ConflictResolutionMode.NeverOverwrite, SendInvitationsOrCancellationsMode.SendToNone),
    )
    assert.equal(error.ErrorCode, ServiceError.ErrorIrresolvableConflict)
    // The SDK replaces Exchange's text with its own ("item is out of date"); the wire shape is checked raw.
    const stale = `<t:ItemId Id="${single.id}" ChangeKey="${appointment.Id.ChangeKey}"/>`
    const raw = await ews(
      h,
      organiser,
      updateItem(stale, setField('calendar:Location', 'Location', 'x'), 'NeverOverwrite'),
    )
    assert.match(
      raw.text,
      /<m:UpdateItemResponseMessage ResponseClass="Error"><m:MessageText>The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item\.<\/m:MessageText><m:ResponseCode>ErrorIrresolvableConflict<\/m:ResponseCode>/,
    )
    assert.notEqual((await truth(single.id))?.location, '@webex')
    const auto = await ews(
      h,
      organiser,
      updateItem(stale, setField('calendar:Location', 'Location', 'auto'), 'AutoResolve'),
    )
    assert.deepEqual(responseCodes(auto), ['NoError'])
    assert.equal((await truth(single.id))?.location, 'auto')
    await appointment.Update(ConflictResolutionMode.AlwaysOverwrite, SendInvitationsOrCancellationsMode.SendToNone)
    const after = await truth(single.id)
    assert.deepEqual([after?.location, after?.subject], ['@webex', 'edited by the user'])
  })

  it('rejects an unknown ConflictResolution with ErrorSchemaValidation', async () => {
    const answer = await ews(
      h,
      organiser,
      updateItem(`<t:ItemId Id="${single.id}"/>`, setField('item:Subject', 'Subject', 'x'), 'Sometimes'),
    )
    assert.equal(answer.status, 500)
    assert.equal(faultOf(answer).responseCode, 'ErrorSchemaValidation')
  })

  it('answers an UpdateItem that ends the item before it starts with ErrorCalendarEndDateIsEarlierThanStartDate and saves none of it', async () => {
    const before = await truth(single.id)
    assert.ok(before)
    const lateStart = new Date(Date.parse(before.end) + HOUR).toISOString()
    const updates =
      setField('item:Subject', 'Subject', 'half-applied?') + setField('calendar:Start', 'Start', lateStart)
    const answer = await ews(h, organiser, updateItem(`<t:ItemId Id="${single.id}"/>`, updates))
    assert.deepEqual(responseCodes(answer), ['ErrorCalendarEndDateIsEarlierThanStartDate'])
    assert.deepEqual(await truth(single.id), before)
  })

  it('answers an occurrence edit ending before the occurrence starts with ErrorCalendarEndDateIsEarlierThanStartDate', async () => {
    const ref = `<t:OccurrenceItemId RecurringMasterId="${master.id}" InstanceIndex="1"/>`
    const early = new Date(Date.parse(master.start) - HOUR).toISOString()
    const answer = await ews(h, organiser, updateItem(ref, setField('calendar:End', 'End', early)))
    assert.deepEqual(responseCodes(answer), ['ErrorCalendarEndDateIsEarlierThanStartDate'])
  })

  it('answers UpdateItem of a read-only property, a required one deleted, or a change without its value with their errors', async () => {
    const item = `<t:ItemId Id="${single.id}"/>`
    const marker =
      '<t:ExtendedFieldURI PropertySetId="6b2c6f3e-58a1-4c2a-9d0b-3f6c2a8e1d47" PropertyName="hcalJoinBlock" PropertyType="String"/>'
    for (const [updates, code] of [
      [setField('item:DateTimeCreated', 'DateTimeCreated', '2020-01-01T00:00:00Z'), 'ErrorInvalidPropertySet'],
      [
        '<t:SetItemField><t:ExtendedFieldURI PropertyName="hcalJoinBlock"/><t:CalendarItem/></t:SetItemField>',
        'ErrorInvalidPropertySet',
      ],
      ['<t:DeleteItemField><t:FieldURI FieldURI="calendar:Start"/></t:DeleteItemField>', 'ErrorInvalidPropertyDelete'],
      [
        '<t:SetItemField><t:FieldURI FieldURI="calendar:Location"/><t:CalendarItem/></t:SetItemField>',
        'ErrorIncorrectUpdatePropertyCount',
      ],
      [`<t:SetItemField>${marker}<t:CalendarItem/></t:SetItemField>`, 'ErrorIncorrectUpdatePropertyCount'],
    ] as const) {
      assert.deepEqual(responseCodes(await ews(h, organiser, updateItem(item, updates))), [code], updates)
    }
  })

  it('answers an ItemChange without an item id with ErrorInvalidIdMalformed', async () => {
    const answer = await ews(h, organiser, updateItem('', setField('item:Subject', 'Subject', 'x')))
    assert.deepEqual(responseCodes(answer), ['ErrorInvalidIdMalformed'])
  })

  it('answers CreateItem ending before it starts with ErrorCalendarEndDateIsEarlierThanStartDate and a bad dateTime with ErrorSchemaValidation', async () => {
    const appointment = new Appointment(h.service('basic', organiser))
    appointment.Subject = 'backwards'
    appointment.Start = new DateTime(Date.UTC(2030, 0, 7, 10))
    appointment.End = new DateTime(Date.UTC(2030, 0, 7, 9))
    const error = await rejectionOf(() => appointment.Save(calendar(organiser), SendInvitationsMode.SendToNone))
    assert.equal(error.ErrorCode, ServiceError.ErrorCalendarEndDateIsEarlierThanStartDate)
    assert.ok(!(await itemsOf<Stored>(h, organiser)).some((i) => i.subject === 'backwards'))
    const answer = await ews(h, organiser, createItem('<t:Subject>x</t:Subject><t:Start>next tuesday</t:Start>'))
    assert.equal(answer.status, 500)
    assert.equal(faultOf(answer).responseCode, 'ErrorSchemaValidation')
  })

  it('fills a CreateItem without Start and End with the next half hour, as Exchange does', async () => {
    const notBefore = Date.now()
    const answer = await ews(h, organiser, createItem('<t:Subject>no times given</t:Subject>'))
    assert.deepEqual(responseCodes(answer), ['NoError'])
    const created = (await itemsOf<Stored>(h, organiser)).find((i) => i.subject === 'no times given')
    assert.ok(created)
    const [start, end] = [Date.parse(created.start), Date.parse(created.end)]
    assert.equal(start % (30 * 60_000), 0)
    assert.ok(start >= notBefore - 1000 && start - notBefore <= 30 * 60_000)
    assert.equal(end - start, 30 * 60_000)
  })

  it('answers occurrence indexes Exchange does not have: 0 malformed, past the count out of range, a cancelled one deleted', async () => {
    const service = h.service('basic', organiser)
    const zero = await ews(
      h,
      organiser,
      `<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:ItemIds><t:OccurrenceItemId RecurringMasterId="${master.id}" InstanceIndex="0"/></m:ItemIds></m:GetItem>`,
    )
    assert.deepEqual(responseCodes(zero), ['ErrorInvalidIdMalformed'])
    const beyond = await rejectionOf(() =>
      Appointment.BindToOccurrence(service, new ItemId(master.id), (master.recurrence?.count ?? 0) + 1),
    )
    assert.equal(beyond.ErrorCode, ServiceError.ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange)
    const cancelled = await rejectionOf(() => Appointment.BindToOccurrence(service, new ItemId(master.id), 2))
    assert.equal(cancelled.ErrorCode, ServiceError.ErrorCalendarOccurrenceIsDeletedFromRecurrence)
  })

  it('answers an occurrence of a single item and the master of a non-occurrence with the CannotUseId errors', async () => {
    const service = h.service('basic', organiser)
    const occurrence = await rejectionOf(() => Appointment.BindToOccurrence(service, new ItemId(single.id), 1))
    assert.equal(occurrence.ErrorCode, ServiceError.ErrorCalendarCannotUseIdForRecurringMasterId)
    const masterOf = await rejectionOf(() => Appointment.BindToRecurringMaster(service, new ItemId(single.id)))
    assert.equal(masterOf.ErrorCode, ServiceError.ErrorCalendarCannotUseIdForOccurrenceId)
  })

  it('answers a CalendarView ending before it starts, or longer than two years, with its calendar error; two years pass', async () => {
    const service = h.service('basic', organiser)
    const start = Date.UTC(2030, 0, 1)
    const view = (end: number) =>
      service.FindAppointments(calendar(organiser), new CalendarView(new DateTime(start), new DateTime(end)))
    // ews-javascript-api refuses to send a backwards view itself, so that one goes raw.
    await assert.rejects(view(start - HOUR), /EndDate must be greater than StartDate|greater/i)
    const backwards = await ews(
      h,
      organiser,
      findItem('<m:CalendarView StartDate="2030-01-02T00:00:00Z" EndDate="2030-01-01T00:00:00Z"/>'),
    )
    assert.deepEqual(responseCodes(backwards), ['ErrorCalendarEndDateIsEarlierThanStartDate'])
    const twoYears = Date.UTC(2032, 0, 1)
    const tooBig = await rejectionOf(() => view(twoYears + 1000))
    assert.equal(tooBig.ErrorCode, ServiceError.ErrorCalendarViewRangeTooBig)
    assert.ok(Array.isArray((await view(twoYears)).Items))
  })

  it('answers a CalendarView with MaxEntriesReturned 0 or a StartDate that is no dateTime with ErrorSchemaValidation', async () => {
    for (const view of [
      '<m:CalendarView MaxEntriesReturned="0" StartDate="2030-01-01T00:00:00Z" EndDate="2030-01-02T00:00:00Z"/>',
      '<m:CalendarView StartDate="soon" EndDate="2030-01-02T00:00:00Z"/>',
    ]) {
      const answer = await ews(h, organiser, findItem(view))
      assert.equal(answer.status, 500)
      assert.equal(faultOf(answer).responseCode, 'ErrorSchemaValidation')
    }
  })
  it('keeps an extended property set on one occurrence on that occurrence, and answers UpdateItem with the occurrence id', async () => {
    const service = h.service('basic', organiser)
    const view = new CalendarView(
      new DateTime(Date.parse(master.start) - HOUR),
      new DateTime(Date.parse(master.start) + 400 * 24 * HOUR),
      500,
    )
    const occurrences = (await service.FindAppointments(calendar(organiser), view)).Items.filter(
      (a) => a.ICalUid === master.uid,
    )
    assert.ok(occurrences.length >= 2)
    const [first, second] = occurrences as [Appointment, Appointment]
    const shape = new PropertySet(BasePropertySet.IdOnly, [JOIN_MARKER])
    const target = await Appointment.Bind(service, second.Id, shape)
    target.SetExtendedProperty(JOIN_MARKER, 'on-the-second')
    await target.Update(ConflictResolutionMode.AlwaysOverwrite, SendInvitationsOrCancellationsMode.SendToNone)
    // The SDK takes the answered id's ChangeKey only when the answered id is the one it updated.
    const reread = await Appointment.Bind(service, second.Id, shape)
    assert.equal(target.Id.ChangeKey, reread.Id.ChangeKey)
    assert.equal(reread.ExtendedProperties.Count, 1)
    const other = await Appointment.Bind(service, first.Id, shape)
    const series = await Appointment.Bind(service, new ItemId(master.id), shape)
    assert.deepEqual([other.ExtendedProperties.Count, series.ExtendedProperties.Count], [0, 0])
  })
  it('reports the time zone as its Windows display name and keeps an all-day meeting from local midnight to local midnight', async () => {
    const zoneOf = (email: string) => h.seed.users.find((u) => u.email === email)?.timeZone
    const meeting =
      h.seed.meetings.find((m) => m.allDay && zoneOf(m.organizer) === 'America/New_York') ??
      h.seed.meetings.find((m) => m.allDay && zoneOf(m.organizer) !== 'UTC')
    assert.ok(meeting, 'the seed has an all-day meeting organised away from UTC')
    const zone = zoneOf(meeting.organizer)!
    const stored = (await itemsOf<Stored>(h, meeting.organizer)).find((i) => i.uid === meeting.uid)
    assert.ok(stored)
    const shape = new PropertySet(BasePropertySet.IdOnly, [AppointmentSchema.TimeZone, AppointmentSchema.Start])
    const appointment = await Appointment.Bind(h.service('basic', meeting.organizer), new ItemId(stored.id), shape)
    const names: Record<string, RegExp> = {
      'America/New_York': /^\(UTC-05:00\) Eastern Time \(US & Canada\)$/,
      'America/Chicago': /^\(UTC-06:00\) Central Time/,
      'America/Los_Angeles': /^\(UTC-08:00\) Pacific Time/,
      'Europe/Berlin': /^\(UTC\+01:00\) Amsterdam, Berlin/,
      'Europe/Warsaw': /^\(UTC\+01:00\) Sarajevo, Skopje, Warsaw/,
      'Europe/Paris': /^\(UTC\+01:00\) Brussels, Copenhagen, Madrid, Paris$/,
      'Europe/Madrid': /^\(UTC\+01:00\) Brussels, Copenhagen, Madrid, Paris$/,
      'Asia/Tokyo': /^\(UTC\+09:00\) Osaka, Sapporo, Tokyo$/,
    }
    assert.match(appointment.TimeZone, names[zone]!)
    const local = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    })
    assert.equal(local.format(new Date(appointment.Start.TotalMilliSeconds)), `${meeting.start.slice(0, 10)}, 00:00`)
  })
})

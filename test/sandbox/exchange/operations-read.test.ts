import assert from 'node:assert/strict'

import {
  AlternateId,
  Appointment,
  AppointmentType,
  AttendeeInfo,
  AvailabilityData,
  BasePropertySet,
  BodyType,
  CalendarView,
  DateTime,
  Folder,
  IdFormat,
  ItemId,
  ItemView,
  OofState,
  PropertySet,
  TimeWindow,
  type AlternateIdBase,
} from 'ews-javascript-api'

import {calendarOf, itemsOf, JOIN_MARKER, startExchange, type ExchangeHarness, type GroundItem} from './harness.js'

for (const auth of ['basic', 'ntlm'] as const) {
  describe(`Exchange emulator read operations through ews-javascript-api (${auth})`, function () {
    let h: ExchangeHarness
    let user: string
    let items: GroundItem[]
    /** The series to expand, and the CalendarItemType of each occurrence CalendarView must show, in order. */
    let series: {uid: string; types: string[]}

    before(async () => {
      h = await startExchange()
      // The organiser of a series with a cancelled and a moved occurrence, so CalendarView has both to show.
      const meeting = h.seed.meetings.find(
        (m) => m.recurrence?.exceptions?.some((e) => e.cancelled) && m.recurrence.exceptions.some((e) => !e.cancelled),
      )
      assert.ok(meeting?.recurrence?.exceptions)
      const exceptions = meeting.recurrence.exceptions
      const types = Array.from({length: meeting.recurrence.count}, (_, index) => {
        const exception = exceptions.find((e) => e.index === index)
        return exception?.cancelled ? [] : [exception ? 'Exception' : 'Occurrence']
      })
      series = {uid: meeting.uid, types: types.flat()}
      user = meeting.organizer
      items = await itemsOf<GroundItem>(h, user)
    })
    after(async () => h.stop())

    it('GetFolder binds the impersonated calendar and logs the mailbox and operation', async () => {
      const folder = await Folder.Bind(h.service(auth, user), calendarOf(user))
      assert.equal(folder.DisplayName, 'Calendar')
      assert.equal(folder.TotalCount, items.length)
      assert.equal(h.sandbox.context.log.forMailbox(user).at(-1)?.operation, 'GetFolder')
    })

    it('ConvertId turns an EwsId into an EntryId and back', async () => {
      const service = h.service(auth, user)
      const first = items[0]
      assert.ok(first)
      const entry = (await service.ConvertId(
        new AlternateId(IdFormat.EwsId, first.id, user),
        IdFormat.EntryId,
      )) as AlternateIdBase & AlternateId
      assert.equal(entry.Format, IdFormat.EntryId)
      assert.notEqual(entry.UniqueId, first.id)
      const back = (await service.ConvertId(
        new AlternateId(IdFormat.EntryId, entry.UniqueId, user),
        IdFormat.EwsId,
      )) as AlternateId
      assert.equal(back.UniqueId, first.id)
    })

    it('FindItem with a CalendarView expands series into occurrences and exceptions, sorted by start', async () => {
      const start = Math.min(...h.seed.meetings.map((m) => Date.parse(m.start))) - 86_400_000
      const end = Math.max(...h.seed.meetings.map((m) => Date.parse(m.end))) + 120 * 86_400_000
      const view = new CalendarView(new DateTime(start), new DateTime(end), 500)
      const found = await h.service(auth, user).FindAppointments(calendarOf(user), view)
      const starts = found.Items.map((a) => a.Start.TotalMilliSeconds)
      assert.deepEqual(
        starts,
        [...starts].sort((a, b) => a - b),
      )
      assert.ok(found.Items.every((a) => a.AppointmentType !== AppointmentType.RecurringMaster))
      // The user's series has one cancelled and one moved occurrence (chosen so in before()).
      const expanded = found.Items.filter((a) => a.ICalUid === series.uid)
      assert.deepEqual(
        expanded.map((a) => AppointmentType[a.AppointmentType]),
        series.types,
      )
      assert.ok(series.types.includes('Exception'))
      const limited = await h
        .service(auth, user)
        .FindAppointments(calendarOf(user), new CalendarView(new DateTime(start), new DateTime(end), 1))
      assert.equal(limited.Items.length, 1)
      assert.equal(limited.MoreAvailable, true)
    })

    it('FindItem with an IndexedPageItemView pages through the calendar', async () => {
      const service = h.service(auth, user)
      const seen: string[] = []
      let offset = 0
      for (;;) {
        const page = await service.FindItems(calendarOf(user), new ItemView(2, offset))
        seen.push(...page.Items.map((i) => i.Id.UniqueId))
        if (!page.MoreAvailable) break
        offset = page.NextPageOffset ?? offset + 2
      }
      assert.deepEqual([...seen].sort(), items.map((i) => i.id).sort())
    })

    it('GetItem returns body per BodyType, attendees with responses, organiser and UID, and no marker before one is set', async () => {
      const meeting = h.seed.meetings.find((m) => m.organizer === user && m.attendees.length > 0)
      const stored = items.find((i) => i.uid === meeting?.uid)
      assert.ok(meeting && stored)
      const properties = new PropertySet(BasePropertySet.FirstClassProperties, [JOIN_MARKER])
      properties.RequestedBodyType = BodyType.Text
      const appointment = await Appointment.Bind(h.service(auth, user), new ItemId(stored.id), properties)
      assert.equal(appointment.Subject, meeting.title)
      assert.equal(appointment.Body.BodyType, BodyType.Text)
      assert.ok(!/<[a-z]+[\s>]/i.test(appointment.Body.Text ?? ''))
      assert.equal(appointment.ICalUid, meeting.uid)
      assert.equal(appointment.Organizer.Address, user)
      assert.equal(appointment.IsAllDayEvent, meeting.allDay)
      const invited = [...appointment.RequiredAttendees.GetEnumerator(), ...appointment.Resources.GetEnumerator()]
        .map((a) => a.Address)
        .sort()
      assert.deepEqual(
        invited,
        meeting.attendees
          .filter((a) => a.email !== user)
          .map((a) => a.email)
          .sort(),
      )
      assert.equal(appointment.ExtendedProperties.Count, 0)
    })

    it('GetUserOofSettings reads the state and reply the end user set', async () => {
      await h.control('PUT', `/_sandbox/exchange/mailboxes/${user}/oof`, {
        state: 'Enabled',
        internalReply: 'Away until Monday',
      })
      const settings = await h.service(auth, user).GetUserOofSettings(user)
      assert.equal(settings.State, OofState.Enabled)
      assert.equal(settings.InternalReply.Message, 'Away until Monday')
      await h.control('PUT', `/_sandbox/exchange/mailboxes/${user}/oof`, {state: 'Disabled'})
      assert.equal((await h.service(auth, user).GetUserOofSettings(user)).State, OofState.Disabled)
    })

    it('GetUserAvailability reports busy blocks for a window', async () => {
      const meeting = h.seed.meetings.find(
        (m) => m.organizer === user && !m.recurrence && m.status !== 'cancelled' && !m.allDay,
      )
      assert.ok(meeting)
      const start = Date.parse(meeting.start)
      const results = await h
        .service(auth, user)
        .GetUserAvailability(
          [new AttendeeInfo(user)],
          new TimeWindow(new DateTime(start - 3_600_000), new DateTime(start + 86_400_000)),
          AvailabilityData.FreeBusy,
        )
      const events = results.AttendeesAvailability.__thisIndexer(0).CalendarEvents
      assert.ok(events.length >= 1)
      assert.ok(events.some((e) => e.StartTime.TotalMilliSeconds === start))
    })
  })
}

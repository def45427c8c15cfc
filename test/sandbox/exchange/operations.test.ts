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
  ChangeType,
  ConflictResolutionMode,
  DateTime,
  ExtendedPropertyDefinition,
  Folder,
  FolderId,
  Guid,
  IdFormat,
  ItemId,
  ItemView,
  Mailbox,
  MapiPropertyType,
  MessageBody,
  OofState,
  PropertySet,
  SendInvitationsMode,
  SendInvitationsOrCancellationsMode,
  SyncFolderItemsScope,
  TimeWindow,
  WellKnownFolderName,
  type AlternateIdBase,
} from 'ews-javascript-api'

import {ewsText} from '../../../src/lib/providers/exchange/client.js'
import {startExchange, type ExchangeHarness} from './harness.js'

const MARKER = new ExtendedPropertyDefinition(
  new Guid('6b2c6f3e-58a1-4c2a-9d0b-3f6c2a8e1d47'),
  'hcalJoinBlock',
  MapiPropertyType.String,
)

interface GroundItem {
  id: string
  changeKey: string
  uid: string
  subject: string
  location: string
  body: string
  recurrence?: unknown
  extendedProperties: {name: string; value: string}[]
}

function calendar(mailbox: string): FolderId {
  return new FolderId(WellKnownFolderName.Calendar, new Mailbox(mailbox))
}

for (const auth of ['basic', 'ntlm'] as const) {
  describe(`Exchange emulator operations through ews-javascript-api (${auth})`, function () {
    let h: ExchangeHarness
    let user: string
    let items: GroundItem[]

    const groundTruth = async (mailbox: string): Promise<GroundItem[]> => {
      const response = await h.control('GET', `/_sandbox/exchange/mailboxes/${mailbox}/items`)
      return (response.body as {items: GroundItem[]}).items
    }

    before(async () => {
      h = await startExchange()
      // The organiser with the most items, so CalendarView has singles and series to show.
      const counts = new Map<string, number>()
      for (const m of h.seed.meetings) counts.set(m.organizer, (counts.get(m.organizer) ?? 0) + 1)
      user = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? ''
      items = await groundTruth(user)
    })
    after(async () => h.stop())

    it('GetFolder binds the impersonated calendar and logs the mailbox and operation', async () => {
      const folder = await Folder.Bind(h.service(auth, user), calendar(user))
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
      const series = h.seed.meetings.find((m) => m.organizer === user && m.recurrence)
      const start = Math.min(...h.seed.meetings.map((m) => Date.parse(m.start))) - 86_400_000
      const end = Math.max(...h.seed.meetings.map((m) => Date.parse(m.end))) + 120 * 86_400_000
      const view = new CalendarView(new DateTime(start), new DateTime(end), 500)
      const found = await h.service(auth, user).FindAppointments(calendar(user), view)
      const starts = found.Items.map((a) => a.Start.TotalMilliSeconds)
      assert.deepEqual(
        starts,
        [...starts].sort((a, b) => a - b),
      )
      assert.ok(found.Items.every((a) => a.AppointmentType !== AppointmentType.RecurringMaster))
      if (series?.recurrence) {
        const expanded = found.Items.filter((a) => a.ICalUid === series.uid)
        const cancelled = (series.recurrence.exceptions ?? []).filter((e) => e.cancelled).length
        assert.equal(expanded.length, series.recurrence.count - cancelled)
        const moved = (series.recurrence.exceptions ?? []).some((e) => !e.cancelled)
        if (moved) assert.ok(expanded.some((a) => a.AppointmentType === AppointmentType.Exception))
      }
      const limited = await h
        .service(auth, user)
        .FindAppointments(calendar(user), new CalendarView(new DateTime(start), new DateTime(end), 1))
      assert.equal(limited.Items.length, 1)
      assert.equal(limited.MoreAvailable, true)
    })

    it('FindItem with an IndexedPageItemView pages through the calendar', async () => {
      const service = h.service(auth, user)
      const seen: string[] = []
      let offset = 0
      for (;;) {
        const page = await service.FindItems(calendar(user), new ItemView(2, offset))
        seen.push(...page.Items.map((i) => i.Id.UniqueId))
        if (!page.MoreAvailable) break
        offset = page.NextPageOffset ?? offset + 2
      }
      assert.deepEqual([...seen].sort(), items.map((i) => i.id).sort())
    })

    it('GetItem returns body per BodyType, attendees with responses, organiser, UID and the extended property', async () => {
      const meeting = h.seed.meetings.find((m) => m.organizer === user && m.attendees.length > 0)
      const stored = items.find((i) => i.uid === meeting?.uid)
      assert.ok(meeting && stored)
      const properties = new PropertySet(BasePropertySet.FirstClassProperties, [MARKER])
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

    it('UpdateItem sets Body, Location and the marker with a fresh ChangeKey, and the marker reads back', async () => {
      const service = h.service(auth, user)
      const target = items.find((i) => !i.recurrence)
      assert.ok(target)
      const appointment = await Appointment.Bind(
        service,
        new ItemId(target.id),
        new PropertySet(BasePropertySet.FirstClassProperties, [MARKER]),
      )
      const before = appointment.Id.ChangeKey
      appointment.Body = new MessageBody(
        BodyType.HTML,
        ewsText('<html><body><p>Join &amp; dial: https://fabrikam.webex.com/meet/alice</p></body></html>'),
      )
      appointment.Location = '@webex'
      appointment.SetExtendedProperty(MARKER, 'v1:abc')
      await appointment.Update(ConflictResolutionMode.NeverOverwrite, SendInvitationsOrCancellationsMode.SendToNone)
      const after = (await groundTruth(user)).find((i) => i.id === target.id)
      assert.ok(after)
      assert.notEqual(after.changeKey, before)
      assert.equal(after.location, '@webex')
      assert.equal(
        after.body,
        '<html><body><p>Join &amp; dial: https://fabrikam.webex.com/meet/alice</p></body></html>',
      )
      assert.deepEqual(
        after.extendedProperties.map((p) => [p.name, p.value]),
        [['hcalJoinBlock', 'v1:abc']],
      )
      const reread = await Appointment.Bind(
        service,
        new ItemId(target.id),
        new PropertySet(BasePropertySet.IdOnly, [MARKER]),
      )
      assert.equal(reread.ExtendedProperties._getItem(0).Value, 'v1:abc')
      assert.equal(reread.Id.ChangeKey, after.changeKey)
    })

    it('UpdateItem with DeleteItemField removes the marker', async () => {
      const service = h.service(auth, user)
      const target = (await groundTruth(user)).find((i) => i.extendedProperties.length > 0)
      assert.ok(target)
      const appointment = await Appointment.Bind(
        service,
        new ItemId(target.id),
        new PropertySet(BasePropertySet.IdOnly, [MARKER]),
      )
      appointment.RemoveExtendedProperty(MARKER)
      await appointment.Update(ConflictResolutionMode.NeverOverwrite, SendInvitationsOrCancellationsMode.SendToNone)
      const after = (await groundTruth(user)).find((i) => i.id === target.id)
      assert.deepEqual(after?.extendedProperties, [])
    })

    it('CreateItem saves a meeting and places it in the invited room and attendee calendars', async () => {
      const service = h.service(auth, user)
      const room = h.seed.rooms[0]?.email ?? ''
      const other = h.seed.users.find((u) => u.email !== user)?.email ?? ''
      const appointment = new Appointment(service)
      appointment.Subject = 'hcal contract test'
      appointment.Start = new DateTime(Date.UTC(2030, 0, 7, 9))
      appointment.End = new DateTime(Date.UTC(2030, 0, 7, 10))
      appointment.Location = '@webex'
      appointment.Body = new MessageBody(BodyType.Text, 'Agenda')
      appointment.RequiredAttendees.Add(other)
      appointment.Resources.Add(room)
      await appointment.Save(calendar(user), SendInvitationsMode.SendToAllAndSaveCopy)
      assert.ok(appointment.Id.UniqueId)
      const mine = (await groundTruth(user)).find((i) => i.id === appointment.Id.UniqueId)
      assert.equal(mine?.subject, 'hcal contract test')
      const copies = await Promise.all([groundTruth(room), groundTruth(other)])
      for (const copy of copies) assert.ok(copy.some((i) => i.uid === mine?.uid))
    })

    it('UpdateItem by the organiser reaches attendee copies only when invitations are sent', async () => {
      const meeting = h.seed.meetings.find(
        (m) =>
          !m.recurrence &&
          m.attendees.some((a) => a.email !== m.organizer && h.seed.users.some((u) => u.email === a.email)),
      )
      assert.ok(meeting)
      const attendee =
        meeting.attendees.find((a) => a.email !== meeting.organizer && h.seed.users.some((u) => u.email === a.email))
          ?.email ?? ''
      const service = h.service(auth, meeting.organizer)
      const id = (await groundTruth(meeting.organizer)).find((i) => i.uid === meeting.uid)?.id ?? ''
      const copyLocation = async () => (await groundTruth(attendee)).find((i) => i.uid === meeting.uid)?.location
      const before = await copyLocation()
      const quiet = await Appointment.Bind(
        service,
        new ItemId(id),
        new PropertySet(BasePropertySet.FirstClassProperties),
      )
      quiet.Location = `${auth} quiet edit`
      await quiet.Update(ConflictResolutionMode.NeverOverwrite, SendInvitationsOrCancellationsMode.SendToNone)
      assert.equal(await copyLocation(), before)
      const sent = await Appointment.Bind(
        service,
        new ItemId(id),
        new PropertySet(BasePropertySet.FirstClassProperties),
      )
      sent.Location = `${auth} sent edit`
      await sent.Update(ConflictResolutionMode.NeverOverwrite, SendInvitationsOrCancellationsMode.SendToAllAndSaveCopy)
      assert.equal(await copyLocation(), `${auth} sent edit`)
    })

    it('SyncFolderItems returns everything first, then only net changes, in pages', async () => {
      const service = h.service(auth, user)
      let state: string | null = null
      const created = new Set<string>()
      for (;;) {
        const page: Awaited<ReturnType<typeof service.SyncFolderItems>> = await service.SyncFolderItems(
          calendar(user),
          PropertySet.IdOnly,
          [],
          3,
          SyncFolderItemsScope.NormalItems,
          state as unknown as string,
        )
        assert.ok(page.Count <= 3)
        for (let i = 0; i < page.Count; i++) {
          assert.equal(page._getItem(i).ChangeType, ChangeType.Create)
          created.add(page._getItem(i).ItemId.UniqueId)
        }
        state = page.SyncState
        if (!page.MoreChangesAvailable) break
      }
      const truth = await groundTruth(user)
      assert.deepEqual([...created].sort(), truth.map((i) => i.id).sort())

      const [edited, removed] = truth
      assert.ok(edited && removed)
      await h.control('PATCH', `/_sandbox/exchange/mailboxes/${user}/items/${encodeURIComponent(edited.id)}`, {
        location: 'Room 7',
      })
      await h.control('DELETE', `/_sandbox/exchange/mailboxes/${user}/items/${encodeURIComponent(removed.id)}`)
      const added = await h.control('POST', `/_sandbox/exchange/mailboxes/${user}/items`, {
        subject: 'new',
        start: '2030-02-01T09:00:00Z',
        end: '2030-02-01T09:30:00Z',
      })
      const addedId = (added.body as {items: GroundItem[]}).items[0]?.id
      const delta = await service.SyncFolderItems(
        calendar(user),
        PropertySet.FirstClassProperties,
        [],
        100,
        SyncFolderItemsScope.NormalItems,
        state as unknown as string,
      )
      const changes = Array.from({length: delta.Count}, (_, i) => delta._getItem(i)).map((c) => [
        ChangeType[c.ChangeType],
        c.ItemId.UniqueId,
      ])
      // ews-javascript-api groups changes by kind (Create, Update, Delete), so compare as a set.
      assert.deepEqual(changes.sort(), [
        ['Create', addedId],
        ['Delete', removed.id],
        ['Update', edited.id],
      ])
      assert.equal(delta.MoreChangesAvailable, false)
      const quiet = await service.SyncFolderItems(
        calendar(user),
        PropertySet.IdOnly,
        [],
        10,
        SyncFolderItemsScope.NormalItems,
        delta.SyncState,
      )
      assert.equal(quiet.Count, 0)
    })

    it('GetItem binds a recurring master, its occurrences and exceptions; UpdateItem on an occurrence makes an exception', async () => {
      const series = h.seed.meetings.find(
        (m) => m.recurrence && m.recurrence.count >= 3 && m.organizer.endsWith(h.seed.domain),
      )
      assert.ok(series?.recurrence)
      const organiser = series.organizer
      const service = h.service(auth, organiser)
      const master = (await groundTruth(organiser)).find((i) => i.uid === series.uid)
      assert.ok(master)
      const bound = await Appointment.Bind(
        service,
        new ItemId(master.id),
        new PropertySet(BasePropertySet.FirstClassProperties),
      )
      assert.equal(bound.AppointmentType, AppointmentType.RecurringMaster)
      assert.equal(bound.Recurrence.NumberOfOccurrences, series.recurrence.count)
      const index = [1, 2, 3].find((i) => !(series.recurrence?.exceptions ?? []).some((e) => e.index === i - 1)) ?? 1
      const occurrence = await Appointment.BindToOccurrence(service, new ItemId(master.id), index)
      assert.equal(occurrence.AppointmentType, AppointmentType.Occurrence)
      const step = (series.recurrence.freq === 'DAILY' ? 1 : 7) * (series.recurrence.interval ?? 1) * 86_400_000
      assert.equal(occurrence.Start.TotalMilliSeconds, Date.parse(series.start) + (index - 1) * step)
      occurrence.Location = 'Moved to @webex'
      const longerEnd = occurrence.End.TotalMilliSeconds + 1_800_000
      occurrence.End = new DateTime(longerEnd)
      await occurrence.Update(ConflictResolutionMode.NeverOverwrite, SendInvitationsOrCancellationsMode.SendToNone)
      const view = await service.FindAppointments(
        calendar(organiser),
        new CalendarView(
          new DateTime(occurrence.Start.TotalMilliSeconds - 1000),
          new DateTime(occurrence.End.TotalMilliSeconds + 1000),
        ),
      )
      const changed = view.Items.find((a) => a.ICalUid === series.uid)
      assert.equal(changed?.AppointmentType, AppointmentType.Exception)
      assert.equal(changed?.Location, 'Moved to @webex')
      assert.equal(changed?.End.TotalMilliSeconds, longerEnd)
      const back = await Appointment.BindToRecurringMaster(service, occurrence.Id)
      assert.equal(back.Id.UniqueId, master.id)
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

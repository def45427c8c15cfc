import assert from 'node:assert/strict'

import {
  Appointment,
  AppointmentType,
  BasePropertySet,
  BodyType,
  CalendarView,
  ChangeType,
  ConflictResolutionMode,
  DateTime,
  ItemId,
  MessageBody,
  PropertySet,
  SendInvitationsMode,
  SendInvitationsOrCancellationsMode,
  SyncFolderItemsScope,
} from 'ews-javascript-api'

import {ewsText} from '../../../src/lib/providers/exchange/client.js'
import {calendarOf, itemsOf, JOIN_MARKER, startExchange, type ExchangeHarness, type GroundItem} from './harness.js'

for (const auth of ['basic', 'ntlm'] as const) {
  describe(`Exchange emulator write operations through ews-javascript-api (${auth})`, function () {
    let h: ExchangeHarness
    let user: string
    let items: GroundItem[]
    const groundTruth = (mailbox: string) => itemsOf<GroundItem>(h, mailbox)

    before(async () => {
      h = await startExchange()
      user = h.seed.meetings.find((m) => !m.recurrence)?.organizer ?? ''
      items = await groundTruth(user)
    })
    after(async () => h.stop())

    it('UpdateItem sets Body, Location and the marker with a fresh ChangeKey, and the marker reads back', async () => {
      const service = h.service(auth, user)
      const target = items.find((i) => !i.recurrence)
      assert.ok(target)
      const appointment = await Appointment.Bind(
        service,
        new ItemId(target.id),
        new PropertySet(BasePropertySet.FirstClassProperties, [JOIN_MARKER]),
      )
      const before = appointment.Id.ChangeKey
      appointment.Body = new MessageBody(
        BodyType.HTML,
        ewsText('<html><body><p>Join &amp; dial: https://fabrikam.webex.com/meet/alice</p></body></html>'),
      )
      appointment.Location = '@webex'
      appointment.SetExtendedProperty(JOIN_MARKER, 'v1:abc')
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
        new PropertySet(BasePropertySet.IdOnly, [JOIN_MARKER]),
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
        new PropertySet(BasePropertySet.IdOnly, [JOIN_MARKER]),
      )
      appointment.RemoveExtendedProperty(JOIN_MARKER)
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
      await appointment.Save(calendarOf(user), SendInvitationsMode.SendToAllAndSaveCopy)
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
          calendarOf(user),
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
        calendarOf(user),
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
        calendarOf(user),
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
        calendarOf(organiser),
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
  })
}

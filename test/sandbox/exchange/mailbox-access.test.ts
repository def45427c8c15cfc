import assert from 'node:assert/strict'

import {
  Appointment,
  AttendeeInfo,
  AvailabilityData,
  DateTime,
  Folder,
  FolderId,
  ItemId,
  Mailbox,
  PropertySet,
  ServiceError,
  TimeWindow,
  WellKnownFolderName,
} from 'ews-javascript-api'

import {rejectionOf} from '../../helpers/expect.js'
import {itemsOf, startExchange, type ExchangeHarness} from './harness.js'
import {ews, faultOf, responseCodes} from './raw-soap.js'

const calendar = (mailbox: string) => new FolderId(WellKnownFolderName.Calendar, new Mailbox(mailbox))
const getItem = (id: string) =>
  `<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:ItemIds><t:ItemId Id="${id}"/></m:ItemIds></m:GetItem>`
const getFolder = (ref: string) =>
  `<m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape><m:FolderIds>${ref}</m:FolderIds></m:GetFolder>`

describe('Exchange emulator mailbox access rules (folders, items, ids, OOF, availability)', function () {
  let h: ExchangeHarness
  let user: string
  let other: string
  let userItem: {id: string; subject: string}

  before(async () => {
    h = await startExchange()
    user = h.seed.users[0]?.email ?? ''
    other = h.seed.users[1]?.email ?? ''
    const [first] = await itemsOf<{id: string; subject: string}>(h, user)
    assert.ok(first)
    userItem = first
  })
  after(async () => h.stop())

  it('without ExchangeImpersonation: ErrorMissingEmailAddress, then ErrorFolderNotFound (no delegate rights) or ErrorNonExistentMailbox', async () => {
    const noMailbox = await rejectionOf(() => Folder.Bind(h.service('basic'), WellKnownFolderName.Calendar))
    assert.equal(noMailbox.ErrorCode, ServiceError.ErrorMissingEmailAddress)
    const delegate = await rejectionOf(() => Folder.Bind(h.service('basic'), calendar(user)))
    assert.equal(delegate.ErrorCode, ServiceError.ErrorFolderNotFound)
    const nobody = await rejectionOf(() => Folder.Bind(h.service('basic'), calendar(`nobody@${h.seed.domain}`)))
    assert.equal(nobody.ErrorCode, ServiceError.ErrorNonExistentMailbox)
  })

  it("answers ErrorFolderNotFound for another mailbox's calendar, named by Mailbox or by its FolderId", async () => {
    const named = await rejectionOf(() => Folder.Bind(h.service('basic', other), calendar(user)))
    assert.equal(named.ErrorCode, ServiceError.ErrorFolderNotFound)
    const own = await Folder.Bind(h.service('basic', user), calendar(user))
    const byId = await ews(h, other, getFolder(`<t:FolderId Id="${own.Id.UniqueId}"/>`))
    assert.deepEqual(responseCodes(byId), ['ErrorFolderNotFound'])
  })

  it('answers ErrorFolderNotFound for a folder other than the calendar and ErrorInvalidIdMalformed for a garbled FolderId', async () => {
    const inbox = await ews(h, user, getFolder('<t:DistinguishedFolderId Id="inbox"/>'))
    assert.deepEqual(responseCodes(inbox), ['ErrorFolderNotFound'])
    const garbled = await ews(h, user, getFolder('<t:FolderId Id="not-an-id"/>'))
    assert.deepEqual(responseCodes(garbled), ['ErrorInvalidIdMalformed'])
  })

  it("answers GetItem of another mailbox's item with ErrorItemNotFound, as for a missing item; its owner reads it", async () => {
    const error = await rejectionOf(() =>
      Appointment.Bind(h.service('basic', other), new ItemId(userItem.id), PropertySet.IdOnly),
    )
    assert.equal(error.ErrorCode, ServiceError.ErrorItemNotFound)
    assert.deepEqual(responseCodes(await ews(h, undefined, getItem(userItem.id))), ['ErrorItemNotFound'])
    const owned = await Appointment.Bind(
      h.service('basic', user),
      new ItemId(userItem.id),
      PropertySet.FirstClassProperties,
    )
    assert.equal(owned.Subject, userItem.subject)
  })

  it("answers UpdateItem of another mailbox's item with ErrorItemNotFound and changes nothing", async () => {
    const update = `<m:UpdateItem ConflictResolution="AlwaysOverwrite" SendMeetingInvitationsOrCancellations="SendToNone"><m:ItemChanges><t:ItemChange><t:ItemId Id="${userItem.id}"/><t:Updates><t:SetItemField><t:FieldURI FieldURI="item:Subject"/><t:CalendarItem><t:Subject>written by someone else</t:Subject></t:CalendarItem></t:SetItemField></t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>`
    assert.deepEqual(responseCodes(await ews(h, other, update)), ['ErrorItemNotFound'])
    const after = (await itemsOf<{id: string; subject: string}>(h, user)).find((i) => i.id === userItem.id)
    assert.equal(after?.subject, userItem.subject)
  })

  it('answers ErrorInvalidIdMalformed for a garbled id or a folder id, and ErrorItemNotFound for a deleted item', async () => {
    const own = await Folder.Bind(h.service('basic', user), calendar(user))
    const answer = await ews(
      h,
      user,
      getItem('AAMkInot-base64!').replace('</m:ItemIds>', `<t:ItemId Id="${own.Id.UniqueId}"/></m:ItemIds>`),
    )
    assert.deepEqual(responseCodes(answer), ['ErrorInvalidIdMalformed', 'ErrorInvalidIdMalformed'])
    const created = await h.control('POST', `/_sandbox/exchange/mailboxes/${user}/items`, {
      subject: 'short-lived',
      start: '2030-05-01T09:00:00Z',
      end: '2030-05-01T09:30:00Z',
    })
    const id = (created.body as {items: {id: string}[]}).items[0]?.id ?? ''
    await h.control('DELETE', `/_sandbox/exchange/mailboxes/${user}/items/${encodeURIComponent(id)}`)
    assert.deepEqual(responseCodes(await ews(h, user, getItem(id))), ['ErrorItemNotFound'])
  })

  it('ConvertId answers ErrorInvalidIdMalformed for a garbled id or the wrong mailbox, and ErrorSchemaValidation for an unknown format', async () => {
    const convert = (id: string, mailbox: string, format = 'EntryId') =>
      `<m:ConvertId DestinationFormat="${format}"><m:SourceIds><t:AlternateId Format="EwsId" Id="${id}" Mailbox="${mailbox}"/></m:SourceIds></m:ConvertId>`
    assert.deepEqual(responseCodes(await ews(h, user, convert(userItem.id, user))), ['NoError'])
    assert.deepEqual(responseCodes(await ews(h, user, convert('garbled', user))), ['ErrorInvalidIdMalformed'])
    assert.deepEqual(responseCodes(await ews(h, user, convert(userItem.id, other))), ['ErrorInvalidIdMalformed'])
    const format = await ews(h, user, convert(userItem.id, user, 'Base64'))
    assert.equal(format.status, 500)
    assert.equal(faultOf(format).responseCode, 'ErrorSchemaValidation')
  })

  it('GetUserOofSettings answers ErrorAccessDenied for another mailbox and ErrorNonExistentMailbox for an unknown one', async () => {
    const service = h.service('basic', user)
    assert.equal((await rejectionOf(() => service.GetUserOofSettings(other))).ErrorCode, ServiceError.ErrorAccessDenied)
    const unknown = await rejectionOf(() => service.GetUserOofSettings(`nobody@${h.seed.domain}`))
    assert.equal(unknown.ErrorCode, ServiceError.ErrorNonExistentMailbox)
  })

  it('GetUserAvailability answers ErrorMailRecipientNotFound for an unknown attendee and ErrorSchemaValidation without a valid TimeWindow', async () => {
    const start = Date.UTC(2030, 0, 7)
    const results = await h
      .service('basic', user)
      .GetUserAvailability(
        [new AttendeeInfo(user), new AttendeeInfo(`nobody@${h.seed.domain}`)],
        new TimeWindow(new DateTime(start), new DateTime(start + 86_400_000)),
        AvailabilityData.FreeBusy,
      )
    const codes = [0, 1].map((i) => ServiceError[results.AttendeesAvailability.__thisIndexer(i).ErrorCode])
    assert.deepEqual(codes, ['NoError', 'ErrorMailRecipientNotFound'])
    const noWindow = await ews(
      h,
      user,
      `<m:GetUserAvailabilityRequest><m:MailboxDataArray><t:MailboxData><t:Email><t:Address>${user}</t:Address></t:Email></t:MailboxData></m:MailboxDataArray><t:FreeBusyViewOptions><t:RequestedView>FreeBusy</t:RequestedView></t:FreeBusyViewOptions></m:GetUserAvailabilityRequest>`,
    )
    assert.equal(noWindow.status, 500)
    assert.equal(faultOf(noWindow).responseCode, 'ErrorSchemaValidation')
    const badTime = await ews(
      h,
      user,
      `<m:GetUserAvailabilityRequest><m:MailboxDataArray><t:MailboxData><t:Email><t:Address>${user}</t:Address></t:Email></t:MailboxData></m:MailboxDataArray><t:FreeBusyViewOptions><t:TimeWindow><t:StartTime>monday</t:StartTime><t:EndTime>2030-01-08T00:00:00</t:EndTime></t:TimeWindow><t:RequestedView>FreeBusy</t:RequestedView></t:FreeBusyViewOptions></m:GetUserAvailabilityRequest>`,
    )
    assert.equal(faultOf(badTime).responseCode, 'ErrorSchemaValidation')
  })
})

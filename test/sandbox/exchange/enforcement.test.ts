import assert from 'node:assert/strict'

import {
  Appointment,
  BasePropertySet,
  ConflictResolutionMode,
  Folder,
  FolderId,
  ItemId,
  Mailbox,
  PropertySet,
  SendInvitationsOrCancellationsMode,
  ServiceError,
  StreamingSubscriptionConnection,
  SyncFolderItemsScope,
  WellKnownFolderName,
  type SoapFaultDetails,
} from 'ews-javascript-api'

import {backOffMilliseconds} from '../../../src/lib/providers/exchange/client.js'
import {startExchange, type ExchangeHarness} from './harness.js'
import {faultOf, postSoap, soapEnvelope} from './raw-soap.js'

/** The error ews-javascript-api raised (it rejects with SoapFaultDetails or ServiceResponseException). */
async function failure(action: () => Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await action()
  } catch (error) {
    return error as Record<string, unknown>
  }
  assert.fail('expected the call to fail')
}

describe('Exchange emulator enforcement (negative contract tests)', function () {
  let h: ExchangeHarness
  let user: string
  let other: string
  const calendar = (mailbox: string) => new FolderId(WellKnownFolderName.Calendar, new Mailbox(mailbox))
  const folderRequest = (mailbox: string) =>
    `<m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="calendar"><t:Mailbox><t:EmailAddress>${mailbox}</t:EmailAddress></t:Mailbox></t:DistinguishedFolderId></m:FolderIds></m:GetFolder>`

  before(async () => {
    h = await startExchange()
    user = h.seed.meetings[0]?.organizer ?? ''
    other = h.seed.users.find((u) => u.email !== user)?.email ?? ''
  })
  after(async () => h.stop())

  for (const auth of ['basic', 'ntlm'] as const) {
    it(`answers a wrong password with 401 and the IIS challenge (${auth})`, async () => {
      const error = await failure(() =>
        Folder.Bind(h.service(auth, user, {password: 'not-the-password'}), calendar(user)),
      )
      assert.equal(error.HttpStatusCode, 401)
      const log = h.sandbox.context.log.all().at(-1)
      assert.equal(log?.status, 401)
    })
  }

  it('answers 401 with Negotiate, NTLM and Basic challenges to a raw wrong password', async () => {
    const answer = await postSoap(h, soapEnvelope({impersonate: user, body: folderRequest(user)}), 'wrong')
    assert.equal(answer.status, 401)
  })

  it('rejects a request without RequestServerVersion with ErrorInvalidServerVersion (HTTP 500 fault)', async () => {
    const answer = await postSoap(h, soapEnvelope({version: null, impersonate: user, body: folderRequest(user)}))
    assert.equal(answer.status, 500)
    assert.deepEqual(faultOf(answer).faultcode, 'a:ErrorInvalidServerVersion')
    assert.equal(faultOf(answer).responseCode, 'ErrorInvalidServerVersion')
  })

  it('rejects an unknown RequestServerVersion with ErrorSchemaValidation and an old one with ErrorInvalidServerVersion', async () => {
    const unknown = await postSoap(
      h,
      soapEnvelope({version: 'Exchange2099', impersonate: user, body: folderRequest(user)}),
    )
    assert.equal(unknown.status, 500)
    assert.equal(faultOf(unknown).responseCode, 'ErrorSchemaValidation')
    assert.match(faultOf(unknown).message, /'Version' attribute is invalid/)
    const old = await postSoap(
      h,
      soapEnvelope({version: 'Exchange2007_SP1', impersonate: user, body: folderRequest(user)}),
    )
    assert.equal(old.status, 500)
    assert.equal(faultOf(old).responseCode, 'ErrorInvalidServerVersion')
  })

  it('refuses mailbox operations without ExchangeImpersonation (ErrorMissingEmailAddress / ErrorAccessDenied)', async () => {
    const noMailbox = await failure(() => Folder.Bind(h.service('basic'), WellKnownFolderName.Calendar))
    assert.equal(noMailbox.ErrorCode, ServiceError.ErrorMissingEmailAddress)
    const delegate = await failure(() => Folder.Bind(h.service('basic'), calendar(user)))
    assert.equal(delegate.ErrorCode, ServiceError.ErrorAccessDenied)
    const crossMailbox = await failure(() => Folder.Bind(h.service('basic', other), calendar(user)))
    assert.equal(crossMailbox.ErrorCode, ServiceError.ErrorAccessDenied)
  })

  it('answers ErrorImpersonateUserDenied when the account has no ApplicationImpersonation right', async () => {
    await h.control('PUT', '/_sandbox/exchange/impersonation', {enabled: false})
    try {
      const error = (await failure(() =>
        Folder.Bind(h.service('ntlm', user), calendar(user)),
      )) as unknown as SoapFaultDetails
      assert.equal(error.HttpStatusCode, 500)
      assert.equal(error.ResponseCode, ServiceError.ErrorImpersonateUserDenied)
      assert.equal(error.message, 'The account does not have permission to impersonate the requested user.')
      const raw = await postSoap(h, soapEnvelope({impersonate: user, body: folderRequest(user)}))
      assert.equal(raw.status, 500)
      assert.equal(faultOf(raw).faultcode, 'a:ErrorImpersonateUserDenied')
      assert.match(
        raw.text,
        /<faultstring xml:lang="en-US">The account does not have permission to impersonate the requested user\.<\/faultstring>/,
      )
    } finally {
      await h.control('PUT', '/_sandbox/exchange/impersonation', {enabled: true, scope: null})
    }
  })

  it('answers ErrorImpersonateUserDenied for a mailbox outside the management scope, and serves one inside', async () => {
    await h.control('PUT', '/_sandbox/exchange/impersonation', {enabled: true, scope: [other]})
    try {
      const error = (await failure(() =>
        Folder.Bind(h.service('basic', user), calendar(user)),
      )) as unknown as SoapFaultDetails
      assert.equal(error.ResponseCode, ServiceError.ErrorImpersonateUserDenied)
      const folder = await Folder.Bind(h.service('basic', other), calendar(other))
      assert.equal(folder.DisplayName, 'Calendar')
      assert.equal(
        h.sandbox.context.log.forMailbox(user).filter((e) => e.status === 200 && e.operation === 'GetFolder').length,
        0,
      )
    } finally {
      await h.control('PUT', '/_sandbox/exchange/impersonation', {enabled: true, scope: null})
    }
  })

  it('fails UpdateItem with a stale ChangeKey and NeverOverwrite with ErrorIrresolvableConflict; AlwaysOverwrite wins', async () => {
    const items = (await h.control('GET', `/_sandbox/exchange/mailboxes/${user}/items`)).body as {items: {id: string}[]}
    const id = items.items[0]?.id ?? ''
    const service = h.service('basic', user)
    const appointment = await Appointment.Bind(
      service,
      new ItemId(id),
      new PropertySet(BasePropertySet.FirstClassProperties),
    )
    await h.control('PATCH', `/_sandbox/exchange/mailboxes/${user}/items/${encodeURIComponent(id)}`, {
      subject: 'edited by the user',
    })
    appointment.Location = '@webex'
    const error = await failure(() =>
      appointment.Update(ConflictResolutionMode.NeverOverwrite, SendInvitationsOrCancellationsMode.SendToNone),
    )
    assert.equal(error.ErrorCode, ServiceError.ErrorIrresolvableConflict)
    // The SDK replaces Exchange's text with its own ("item is out of date"); the wire shape is checked raw.
    const stale = `<m:UpdateItem ConflictResolution="NeverOverwrite" SendMeetingInvitationsOrCancellations="SendToNone"><m:ItemChanges><t:ItemChange><t:ItemId Id="${id}" ChangeKey="${appointment.Id.ChangeKey}"/><t:Updates><t:SetItemField><t:FieldURI FieldURI="calendar:Location"/><t:CalendarItem><t:Location>x</t:Location></t:CalendarItem></t:SetItemField></t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>`
    const raw = await postSoap(h, soapEnvelope({impersonate: user, body: stale}))
    assert.equal(raw.status, 200)
    assert.match(
      raw.text,
      /<m:UpdateItemResponseMessage ResponseClass="Error"><m:MessageText>The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item\.<\/m:MessageText><m:ResponseCode>ErrorIrresolvableConflict<\/m:ResponseCode>/,
    )
    const truth = (await h.control('GET', `/_sandbox/exchange/mailboxes/${user}/items/${encodeURIComponent(id)}`))
      .body as {location: string}
    assert.notEqual(truth.location, '@webex')
    await appointment.Update(ConflictResolutionMode.AlwaysOverwrite, SendInvitationsOrCancellationsMode.SendToNone)
    const after = (await h.control('GET', `/_sandbox/exchange/mailboxes/${user}/items/${encodeURIComponent(id)}`))
      .body as {location: string; subject: string}
    assert.deepEqual([after.location, after.subject], ['@webex', 'edited by the user'])
  })

  it('rejects MaxChangesReturned 600 with ErrorSchemaValidation (and the SDK refuses to send it)', async () => {
    assert.throws(
      () =>
        h
          .service('basic', user)
          .SyncFolderItems(calendar(user), PropertySet.IdOnly, [], 600, SyncFolderItemsScope.NormalItems, ''),
      /between 1 and 512/i,
    )
    const body = `<m:SyncFolderItems><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:SyncFolderId><t:DistinguishedFolderId Id="calendar"/></m:SyncFolderId><m:MaxChangesReturned>600</m:MaxChangesReturned></m:SyncFolderItems>`
    const answer = await postSoap(h, soapEnvelope({impersonate: user, body}))
    assert.equal(answer.status, 500)
    assert.equal(faultOf(answer).responseCode, 'ErrorSchemaValidation')
    assert.match(faultOf(answer).message, /MaxInclusive constraint failed/)
  })

  it('rejects a forged or invalidated SyncState with ErrorInvalidSyncStateData', async () => {
    const service = h.service('basic', user)
    const forged = await failure(() =>
      service.SyncFolderItems(
        calendar(user),
        PropertySet.IdOnly,
        [],
        10,
        SyncFolderItemsScope.NormalItems,
        'H4sIAAAAAAAEAO29B2AcSZYlJi9tynt',
      ),
    )
    assert.equal(forged.ErrorCode, ServiceError.ErrorInvalidSyncStateData)
    const first = await service.SyncFolderItems(
      calendar(user),
      PropertySet.IdOnly,
      [],
      512,
      SyncFolderItemsScope.NormalItems,
      '',
    )
    await h.control('POST', '/_sandbox/exchange/sync-states/invalidate', {mailbox: user})
    const stale = await failure(() =>
      service.SyncFolderItems(
        calendar(user),
        PropertySet.IdOnly,
        [],
        10,
        SyncFolderItemsScope.NormalItems,
        first.SyncState,
      ),
    )
    assert.equal(stale.ErrorCode, ServiceError.ErrorInvalidSyncStateData)
  })

  it('answers ErrorServerBusy with BackOffMilliseconds beyond EWSMaxConcurrency', async () => {
    await h.control('PUT', '/_sandbox/exchange/throttling', {maxConcurrency: 2, backOffMs: 1500})
    await h.control('PUT', '/_sandbox/faults', {latency: {minMs: 300, maxMs: 300}, providers: ['exchange']})
    try {
      const results = await Promise.allSettled(
        Array.from({length: 5}, () => Folder.Bind(h.service('basic', user), calendar(user))),
      )
      const rejected = results
        .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
        .map((r) => r.reason as SoapFaultDetails)
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 2)
      assert.equal(rejected.length, 3)
      for (const error of rejected) {
        assert.equal(error.HttpStatusCode, 500)
        assert.equal(error.ResponseCode, ServiceError.ErrorServerBusy)
        assert.equal(backOffMilliseconds(error), 1500)
      }
      const [held, busy] = await Promise.all([
        postSoap(h, soapEnvelope({impersonate: user, body: folderRequest(user)})),
        postSoap(h, soapEnvelope({impersonate: user, body: folderRequest(user)})),
        new Promise((resolve) => setTimeout(resolve, 50)).then(() =>
          postSoap(h, soapEnvelope({impersonate: user, body: folderRequest(user)})),
        ),
      ]).then((answers) => [answers[0], answers[2]])
      assert.equal(held?.status, 200)
      assert.equal(busy?.status, 500)
      assert.ok(busy)
      assert.deepEqual(faultOf(busy), {
        faultcode: 'a:ErrorServerBusy',
        responseCode: 'ErrorServerBusy',
        message: 'The server cannot service this request right now. Try again later.',
        values: {BackOffMilliseconds: '1500'},
      })
    } finally {
      await h.control('PUT', '/_sandbox/faults', {})
      await h.control('PUT', '/_sandbox/exchange/throttling', {maxConcurrency: 10, backOffMs: 2000})
    }
  })

  it('rejects ConnectionTimeout 31 with ErrorSchemaValidation (and the SDK refuses it)', async () => {
    assert.throws(() => new StreamingSubscriptionConnection(h.service('basic', user), 31))
    const body = `<m:GetStreamingEvents><m:SubscriptionIds><t:SubscriptionId>unknown</t:SubscriptionId></m:SubscriptionIds><m:ConnectionTimeout>31</m:ConnectionTimeout></m:GetStreamingEvents>`
    const answer = await postSoap(h, soapEnvelope({impersonate: user, body}))
    assert.equal(answer.status, 500)
    assert.equal(faultOf(answer).responseCode, 'ErrorSchemaValidation')
    assert.match(faultOf(answer).message, /ConnectionTimeout/)
  })
})

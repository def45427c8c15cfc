import assert from 'node:assert/strict'

import {
  EventType,
  Folder,
  FolderId,
  Mailbox,
  PropertySet,
  ServiceError,
  StreamingSubscriptionConnection,
  SyncFolderItemsScope,
  WellKnownFolderName,
} from 'ews-javascript-api'
import {request} from 'undici'

import {rejectionOf} from '../../helpers/expect.js'
import {startExchange, type ExchangeHarness} from './harness.js'
import {basicAuthorization, ews, faultOf, responseCodes, soapEnvelope} from './raw-soap.js'

const calendar = (mailbox: string) => new FolderId(WellKnownFolderName.Calendar, new Mailbox(mailbox))
const syncFolderItems = (max: string | null, state = '') =>
  `<m:SyncFolderItems><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:SyncFolderId><t:DistinguishedFolderId Id="calendar"/></m:SyncFolderId>${state ? `<m:SyncState>${state}</m:SyncState>` : ''}${max === null ? '' : `<m:MaxChangesReturned>${max}</m:MaxChangesReturned>`}</m:SyncFolderItems>`
const getStreamingEvents = (ids: string[], timeout = '1') =>
  `<m:GetStreamingEvents><m:SubscriptionIds>${ids.map((id) => `<t:SubscriptionId>${id}</t:SubscriptionId>`).join('')}</m:SubscriptionIds><m:ConnectionTimeout>${timeout}</m:ConnectionTimeout></m:GetStreamingEvents>`
const unsubscribe = (id: string) => `<m:Unsubscribe><m:SubscriptionId>${id}</m:SubscriptionId></m:Unsubscribe>`

describe('Exchange emulator SyncFolderItems and notification rules', function () {
  let h: ExchangeHarness
  let user: string
  let other: string
  const streaming = async () =>
    (await h.control('GET', '/_sandbox/exchange/streaming')).body as {openConnections: number}
  const syncOnce = (mailbox: string, state = '') =>
    h
      .service('basic', mailbox)
      .SyncFolderItems(calendar(mailbox), PropertySet.IdOnly, [], 512, SyncFolderItemsScope.NormalItems, state)

  before(async () => {
    h = await startExchange()
    user = h.seed.users[0]?.email ?? ''
    other = h.seed.users[1]?.email ?? ''
  })
  after(async () => h.stop())

  it('rejects MaxChangesReturned 0, 513, a word or none with ErrorSchemaValidation; 1 and 512 are served', async () => {
    // The SDK refuses out-of-range values itself, so these go raw.
    for (const [max, constraint] of [
      ['0', /MinInclusive constraint failed/],
      ['513', /MaxInclusive constraint failed/],
      ['ten', /MaxSyncChangesReturnedType/],
      [null, /MaxChangesReturned/],
    ] as const) {
      const answer = await ews(h, user, syncFolderItems(max))
      assert.equal(answer.status, 500, String(max))
      assert.equal(faultOf(answer).responseCode, 'ErrorSchemaValidation')
      assert.match(faultOf(answer).message, constraint)
    }
    for (const max of ['1', '512'])
      assert.deepEqual(responseCodes(await ews(h, user, syncFolderItems(max))), ['NoError'])
  })

  it('rejects a forged or truncated SyncState with ErrorInvalidSyncStateData', async () => {
    const forged = await rejectionOf(() => syncOnce(user, 'H4sIAAAAAAAEAO29B2AcSZYlJi9tynt'))
    assert.equal(forged.ErrorCode, ServiceError.ErrorInvalidSyncStateData)
    assert.deepEqual(responseCodes(await ews(h, user, syncFolderItems('10', 'AAAA'))), ['ErrorInvalidSyncStateData'])
  })

  it("rejects another mailbox's SyncState with ErrorInvalidSyncStateData, while each mailbox's own state is served", async () => {
    const users = await syncOnce(user)
    const others = await syncOnce(other)
    const crossed = await rejectionOf(() => syncOnce(other, users.SyncState))
    assert.equal(crossed.ErrorCode, ServiceError.ErrorInvalidSyncStateData)
    assert.equal((await syncOnce(other, others.SyncState)).Count, 0)
    assert.equal((await syncOnce(user, users.SyncState)).Count, 0)
  })

  it('rejects a SyncState invalidated by the server with ErrorInvalidSyncStateData', async () => {
    const first = await syncOnce(user)
    await h.control('POST', '/_sandbox/exchange/sync-states/invalidate', {mailbox: user})
    const stale = await rejectionOf(() => syncOnce(user, first.SyncState))
    assert.equal(stale.ErrorCode, ServiceError.ErrorInvalidSyncStateData)
  })

  it('answers a pull subscription with ErrorInvalidSubscriptionRequest and an unknown or missing EventType with ErrorSchemaValidation', async () => {
    const pull = await ews(
      h,
      user,
      '<m:Subscribe><m:PullSubscriptionRequest><t:FolderIds><t:DistinguishedFolderId Id="calendar"/></t:FolderIds><t:EventTypes><t:EventType>CreatedEvent</t:EventType></t:EventTypes><t:Timeout>10</t:Timeout></m:PullSubscriptionRequest></m:Subscribe>',
    )
    assert.deepEqual(responseCodes(pull), ['ErrorInvalidSubscriptionRequest'])
    for (const types of ['<t:EventType>RenamedEvent</t:EventType>', '']) {
      const answer = await ews(
        h,
        user,
        `<m:Subscribe><m:StreamingSubscriptionRequest><t:FolderIds><t:DistinguishedFolderId Id="calendar"/></t:FolderIds><t:EventTypes>${types}</t:EventTypes></m:StreamingSubscriptionRequest></m:Subscribe>`,
      )
      assert.equal(answer.status, 500)
      assert.equal(faultOf(answer).responseCode, 'ErrorSchemaValidation')
    }
  })

  it("answers a subscription to another mailbox's calendar with ErrorFolderNotFound", async () => {
    const error = await rejectionOf(() =>
      h.service('basic', other).SubscribeToStreamingNotifications([calendar(user)], EventType.Created),
    )
    assert.equal(error.ErrorCode, ServiceError.ErrorFolderNotFound)
  })

  it('Unsubscribe: ErrorSubscriptionNotFound for an unknown id, ErrorSubscriptionAccessDenied for another owner, then gone', async () => {
    const subscription = await h
      .service('basic', user)
      .SubscribeToStreamingNotifications([calendar(user)], EventType.Created)
    assert.deepEqual(responseCodes(await ews(h, user, unsubscribe('HwNoSuchSubscription'))), [
      'ErrorSubscriptionNotFound',
    ])
    assert.deepEqual(responseCodes(await ews(h, other, unsubscribe(subscription.Id))), [
      'ErrorSubscriptionAccessDenied',
    ])
    assert.deepEqual(responseCodes(await ews(h, user, unsubscribe(subscription.Id))), ['NoError'])
    assert.deepEqual(responseCodes(await ews(h, user, unsubscribe(subscription.Id))), ['ErrorSubscriptionNotFound'])
  })

  it('GetStreamingEvents for an unknown subscription ends at once with ErrorSubscriptionNotFound naming it', async () => {
    const answer = await ews(h, user, getStreamingEvents(['HwGone']))
    assert.equal(answer.status, 200)
    assert.match(
      answer.text,
      /<m:ResponseCode>ErrorSubscriptionNotFound<\/m:ResponseCode>.*<m:ErrorSubscriptionIds><t:SubscriptionId>HwGone<\/t:SubscriptionId><\/m:ErrorSubscriptionIds><m:ConnectionStatus>Closed<\/m:ConnectionStatus>/,
    )
  })

  it('rejects ConnectionTimeout 0 or 31 with ErrorSchemaValidation (the SDK refuses 31) and 0 or 201 subscription ids with ErrorInvalidRequest', async () => {
    assert.throws(() => new StreamingSubscriptionConnection(h.service('basic', user), 31))
    for (const timeout of ['0', '31']) {
      const answer = await ews(h, user, getStreamingEvents(['HwAny'], timeout))
      assert.equal(answer.status, 500)
      assert.equal(faultOf(answer).responseCode, 'ErrorSchemaValidation')
      assert.match(faultOf(answer).message, /ConnectionTimeout/)
    }
    for (const count of [0, 201]) {
      const ids = Array.from({length: count}, (_, i) => `Hw${i}`)
      const answer = await ews(h, user, getStreamingEvents(ids))
      assert.equal(answer.status, 500)
      assert.equal(faultOf(answer).responseCode, 'ErrorInvalidRequest')
    }
  })

  it('answers a streaming connection beyond the limit with ErrorExceededConnectionCount; an open stream holds no EWSMaxConcurrency slot', async () => {
    await h.control('PUT', '/_sandbox/exchange/throttling', {maxConcurrency: 1, maxStreamingConnections: 1})
    await h.control('PUT', '/_sandbox/exchange/streaming', {keepAliveMs: 60_000, minuteMs: 60_000})
    const subscription = await h
      .service('basic', user)
      .SubscribeToStreamingNotifications([calendar(user)], EventType.Created)
    const open = await request(h.creds.ewsUrl, {
      method: 'POST',
      dispatcher: h.agent,
      headers: {
        authorization: basicAuthorization(h.creds.username, h.creds.password),
        'content-type': 'text/xml; charset=utf-8',
      },
      body: soapEnvelope({impersonate: user, body: getStreamingEvents([subscription.Id])}),
    })
    // Closing the stream below aborts its body on purpose.
    open.body.on('error', () => undefined)
    try {
      assert.equal(open.statusCode, 200)
      assert.equal((await streaming()).openConnections, 1)
      const second = await ews(h, user, getStreamingEvents([subscription.Id]))
      assert.match(second.text, /<m:ResponseCode>ErrorExceededConnectionCount<\/m:ResponseCode>/)
      assert.match(second.text, /<m:ConnectionStatus>Closed<\/m:ConnectionStatus>/)
      // With maxConcurrency 1 and the stream still open, an ordinary request is served.
      assert.equal((await Folder.Bind(h.service('basic', user), calendar(user))).DisplayName, 'Calendar')
    } finally {
      open.body.destroy()
      await h.control('PUT', '/_sandbox/exchange/throttling', {maxConcurrency: 10, maxStreamingConnections: 10})
    }
    while ((await streaming()).openConnections > 0) await new Promise((resolve) => setImmediate(resolve))
  })
})

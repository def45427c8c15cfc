import assert from 'node:assert/strict'

import {
  EventType,
  Folder,
  FolderId,
  ItemEvent,
  Mailbox,
  ServiceError,
  StreamingSubscriptionConnection,
  WellKnownFolderName,
  type SoapFaultDetails,
} from 'ews-javascript-api'
import {Agent, request} from 'undici'

import {startExchange, type ExchangeHarness} from './harness.js'
import {faultOf, postSoap, soapEnvelope} from './raw-soap.js'

describe('Exchange wire shapes', function () {
  let h: ExchangeHarness
  let user: string
  const calendar = (mailbox: string) => new FolderId(WellKnownFolderName.Calendar, new Mailbox(mailbox))
  before(async () => {
    h = await startExchange()
    user = h.seed.users[2]?.email ?? ''
  })
  after(async () => h.stop())

  it('stamps ServerVersionInfo 15.2 (V2017_07_11) on responses', async () => {
    const service = h.service('basic', user)
    await Folder.Bind(service, calendar(user))
    assert.deepEqual(
      [service.ServerInfo.MajorVersion, service.ServerInfo.MinorVersion, service.ServerInfo.VersionString],
      [15, 2, 'V2017_07_11'],
    )
  })

  it('streams unprefixed envelopes: ConnectionStatus OK keep-alives, then Closed at ConnectionTimeout', async () => {
    await h.control('PUT', '/_sandbox/exchange/streaming', {keepAliveMs: 50, minuteMs: 400})
    const subscription = await h
      .service('basic', user)
      .SubscribeToStreamingNotifications([calendar(user)], EventType.Created)
    const agent = new Agent({connect: {ca: h.sandbox.caPem}})
    try {
      const response = await request(h.creds.ewsUrl, {
        method: 'POST',
        dispatcher: agent,
        headers: {
          'content-type': 'text/xml; charset=utf-8',
          authorization: `Basic ${Buffer.from(`${h.creds.username}:${h.creds.password}`).toString('base64')}`,
        },
        body: soapEnvelope({
          impersonate: user,
          body: `<m:GetStreamingEvents><m:SubscriptionIds><t:SubscriptionId>${subscription.Id}</t:SubscriptionId></m:SubscriptionIds><m:ConnectionTimeout>1</m:ConnectionTimeout></m:GetStreamingEvents>`,
        }),
      })
      assert.equal(response.statusCode, 200)
      const text = await response.body.text()
      const envelopes = text.split('</Envelope>').filter((part) => part.length > 0)
      assert.ok(envelopes.every((e) => e.startsWith('<Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/">')))
      const statuses = envelopes.map((e) => /<m:ConnectionStatus>(\w+)<\/m:ConnectionStatus>/.exec(e)?.[1])
      assert.ok(statuses.filter((s) => s === 'OK').length >= 3)
      assert.equal(statuses.at(-1), 'Closed')
    } finally {
      await agent.close()
    }
  })

  it('drops notifications while the dropNotificationRate fault is on, keeping later ones', async () => {
    const subscription = await h
      .service('basic', user)
      .SubscribeToStreamingNotifications([calendar(user)], EventType.Created)
    const create = async (subject: string) => {
      const answer = await h.control('POST', `/_sandbox/exchange/mailboxes/${user}/items`, {
        subject,
        start: '2031-01-01T09:00:00Z',
        end: '2031-01-01T09:30:00Z',
      })
      return (answer.body as {items: {id: string}[]}).items[0]?.id
    }
    await h.control('PUT', '/_sandbox/faults', {dropNotificationRate: 1, providers: ['exchange']})
    await create('dropped')
    await h.control('PUT', '/_sandbox/faults', {})
    const kept = await create('kept')
    await h.control('PUT', '/_sandbox/exchange/streaming', {keepAliveMs: 5000, minuteMs: 200})
    const connection = new StreamingSubscriptionConnection(h.service('basic', user), 1)
    connection.AddSubscription(subscription)
    const ids: string[] = []
    connection.OnNotificationEvent.push((_sender, args) => {
      for (const event of args.Events) if (event instanceof ItemEvent) ids.push(event.ItemId.UniqueId)
    })
    const disconnected = new Promise((resolve) => connection.OnDisconnect.push(resolve))
    void connection.Open().catch(() => undefined)
    await disconnected
    assert.deepEqual(ids, [kept])
  })

  it('resolves ExchangeImpersonation by PrimarySmtpAddress and PrincipalName, and rejects an unknown address', async () => {
    const getFolder = `<m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="calendar"/></m:FolderIds></m:GetFolder>`
    for (const element of ['PrimarySmtpAddress', 'PrincipalName']) {
      const xml = soapEnvelope({body: getFolder}).replace(
        '</soap:Header>',
        `<t:ExchangeImpersonation><t:ConnectingSID><t:${element}>${user.toUpperCase()}</t:${element}></t:ConnectingSID></t:ExchangeImpersonation></soap:Header>`,
      )
      const answer = await postSoap(h, xml)
      assert.equal(answer.status, 200)
      assert.match(answer.text, /<m:GetFolderResponseMessage ResponseClass="Success">/)
    }
    const unknown = await postSoap(h, soapEnvelope({impersonate: `nobody@${h.seed.domain}`, body: getFolder}))
    assert.equal(unknown.status, 500)
    assert.equal(faultOf(unknown).responseCode, 'ErrorNonExistentMailbox')
  })

  it('answers injected 503/500 faults with ErrorServerBusy in the SOAP fault shape', async () => {
    await h.control('PUT', '/_sandbox/faults', {errorRates: {'503': 1}, providers: ['exchange']})
    try {
      const raw = await postSoap(h, soapEnvelope({impersonate: user, body: '<m:GetFolder/>'}))
      assert.equal(raw.status, 503)
      assert.equal(faultOf(raw).responseCode, 'ErrorServerBusy')
      assert.ok(Number(faultOf(raw).values.BackOffMilliseconds) > 0)
      await h.control('PUT', '/_sandbox/faults', {errorRates: {'500': 1}, providers: ['exchange']})
      const error = (await Folder.Bind(h.service('basic', user), calendar(user)).then(
        () => assert.fail('expected a fault'),
        (e: unknown) => e,
      )) as SoapFaultDetails
      assert.equal(error.HttpStatusCode, 500)
      assert.equal(error.ResponseCode, ServiceError.ErrorServerBusy)
    } finally {
      await h.control('PUT', '/_sandbox/faults', {})
    }
  })
})

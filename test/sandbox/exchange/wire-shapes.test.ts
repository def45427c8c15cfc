import assert from 'node:assert/strict'

import {
  EventType,
  Folder,
  FolderId,
  ItemEvent,
  Mailbox,
  StreamingSubscriptionConnection,
  WellKnownFolderName,
} from 'ews-javascript-api'

import {startExchange, type ExchangeHarness} from './harness.js'
import {postSoap, soapEnvelope} from './raw-soap.js'

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

  it('reports Exchange Server SE RTM by default and the build PUT server sets, on responses and faults', async () => {
    const info = (service: ReturnType<ExchangeHarness['service']>) =>
      `${service.ServerInfo.MajorVersion}.${service.ServerInfo.MinorVersion}.${service.ServerInfo.MajorBuildNumber} ${service.ServerInfo.VersionString}`
    assert.deepEqual((await h.control('GET', '/_sandbox/exchange/server')).body, {
      version: '15.2.2562.17',
      schema: 'V2017_07_11',
    })
    try {
      const set = await h.control('PUT', '/_sandbox/exchange/server', {version: '15.1.2507.6'})
      assert.deepEqual(set.body, {version: '15.1.2507.6', schema: 'V2017_07_11'})
      const service = h.service('basic', user)
      await Folder.Bind(service, calendar(user))
      assert.equal(info(service), '15.1.2507 V2017_07_11')
      await h.control('PUT', '/_sandbox/exchange/server', {version: '15.0.1497.2'})
      const fault = await postSoap(h, soapEnvelope({version: null, body: '<m:GetFolder/>'}))
      assert.equal(fault.status, 500)
      assert.match(
        fault.text,
        /MajorVersion="15" MinorVersion="0" MajorBuildNumber="1497" MinorBuildNumber="2" Version="Exchange2013_SP1"/,
      )
      const refused = await h.control('PUT', '/_sandbox/exchange/server', {version: '2019'})
      assert.equal(refused.status, 400)
      assert.equal((refused.body as {error: {code: string}}).error.code, 'invalid_settings')
    } finally {
      await h.control('PUT', '/_sandbox/exchange/server', {version: '15.2.2562.17'})
    }
  })

  it('streams unprefixed envelopes: ConnectionStatus OK keep-alives, then Closed at ConnectionTimeout', async () => {
    // A keep-alive interval far below the timeout: timers fire in due order, so at least one OK precedes Closed.
    await h.control('PUT', '/_sandbox/exchange/streaming', {keepAliveMs: 20, minuteMs: 400})
    const subscription = await h
      .service('basic', user)
      .SubscribeToStreamingNotifications([calendar(user)], EventType.Created)
    const answer = await postSoap(
      h,
      soapEnvelope({
        impersonate: user,
        body: `<m:GetStreamingEvents><m:SubscriptionIds><t:SubscriptionId>${subscription.Id}</t:SubscriptionId></m:SubscriptionIds><m:ConnectionTimeout>1</m:ConnectionTimeout></m:GetStreamingEvents>`,
      }),
    )
    assert.equal(answer.status, 200)
    const envelopes = answer.text.split('</Envelope>').filter((part) => part.length > 0)
    assert.ok(envelopes.every((e) => e.startsWith('<Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/">')))
    const statuses = envelopes.map((e) => /<m:ConnectionStatus>(\w+)<\/m:ConnectionStatus>/.exec(e)?.[1])
    assert.ok(statuses.length >= 2)
    assert.ok(statuses.slice(0, -1).every((s) => s === 'OK'))
    assert.equal(statuses.at(-1), 'Closed')
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

  it('resolves ExchangeImpersonation by PrimarySmtpAddress and PrincipalName (any case)', async () => {
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
  })
})

import assert from 'node:assert/strict'

import {
  Folder,
  FolderId,
  Mailbox,
  WellKnownFolderName,
  type SoapFaultDetails,
  ServiceError,
  EventType,
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

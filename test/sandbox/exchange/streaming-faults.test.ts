import assert from 'node:assert/strict'

import {EventType, FolderId, Mailbox, WellKnownFolderName} from 'ews-javascript-api'
import {request} from 'undici'

import {startExchange, streamsOpen, type ExchangeHarness} from './harness.js'
import {basicAuthorization, ews, soapEnvelope} from './raw-soap.js'

const EX = '/_sandbox/exchange'
const getStreamingEvents = (ids: string[]) =>
  `<m:GetStreamingEvents><m:SubscriptionIds>${ids.map((id) => `<t:SubscriptionId>${id}</t:SubscriptionId>`).join('')}</m:SubscriptionIds><m:ConnectionTimeout>30</m:ConnectionTimeout></m:GetStreamingEvents>`

interface Held {
  id: string
  mailbox: string
  connected: boolean
  queued: number
}

describe('Exchange emulator streaming faults: expired subscriptions, silent and cut connections', function () {
  let h: ExchangeHarness
  let user: string
  let other: string
  const held = async () =>
    ((await h.control('GET', `${EX}/streaming/subscriptions`)).body as {subscriptions: Held[]}).subscriptions
  const subscribe = async (mailbox: string) =>
    (
      await h
        .service('basic', mailbox)
        .SubscribeToStreamingNotifications(
          [new FolderId(WellKnownFolderName.Calendar, new Mailbox(mailbox))],
          EventType.Created,
        )
    ).Id
  /** A raw GetStreamingEvents whose body the test reads (and destroys) itself. */
  const openStream = async (ids: string[]) => {
    const response = await request(h.creds.ewsUrl, {
      method: 'POST',
      dispatcher: h.agent,
      headers: {
        authorization: basicAuthorization(h.creds.username, h.creds.password),
        'content-type': 'text/xml; charset=utf-8',
      },
      body: soapEnvelope({impersonate: user, body: getStreamingEvents(ids)}),
    })
    let text = ''
    const ended = new Promise<void>((resolve) => {
      response.body.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')))
      response.body.on('error', () => undefined)
      response.body.on('close', () => resolve())
    })
    return {response, ended, text: () => text}
  }

  before(async () => {
    h = await startExchange()
    user = h.seed.users[2]?.email ?? ''
    other = h.seed.users[3]?.email ?? ''
    // Neither keep-alives nor the ConnectionTimeout come during a test: only what the test causes is written.
    await h.control('PUT', `${EX}/streaming`, {keepAliveMs: 60_000, minuteMs: 60_000})
  })
  after(async () => h.stop())

  it('lists the subscriptions it holds, and expire ends those of one mailbox: GetStreamingEvents then answers ErrorSubscriptionNotFound', async () => {
    const mine = await subscribe(user)
    const theirs = await subscribe(other)
    assert.deepEqual(
      (await held()).filter((s) => [mine, theirs].includes(s.id)).map((s) => [s.mailbox, s.connected, s.queued]),
      [
        [user, false, 0],
        [other, false, 0],
      ],
    )
    const expired = await h.control('POST', `${EX}/streaming/subscriptions/expire`, {mailbox: other.toUpperCase()})
    assert.deepEqual(expired.body, {expired: 1})
    assert.deepEqual(
      (await held()).map((s) => s.id).filter((id) => [mine, theirs].includes(id)),
      [mine],
    )
    const answer = await ews(h, user, getStreamingEvents([mine, theirs]))
    assert.match(
      answer.text,
      new RegExp(
        `<m:ResponseCode>ErrorSubscriptionNotFound</m:ResponseCode>.*<m:ErrorSubscriptionIds><t:SubscriptionId>${theirs.replace(/[+/]/g, '\\$&')}</t:SubscriptionId></m:ErrorSubscriptionIds>`,
      ),
    )
    const refused = await h.control('POST', `${EX}/streaming/subscriptions/expire`, {mailbox: 7})
    assert.equal(refused.status, 400)
    await h.control('POST', `${EX}/streaming/subscriptions/expire`, {})
    assert.deepEqual(await held(), [])
  })

  it('hang: open connections go silent, the server lets go of them, and their events wait for the next connection', async () => {
    const id = await subscribe(user)
    const stream = await openStream([id])
    await streamsOpen(h, 1)
    assert.deepEqual((await h.control('POST', `${EX}/streaming/connections/hang`)).body, {hung: 1})
    await streamsOpen(h, 0)
    await h.control('POST', `${EX}/mailboxes/${user}/items`, {
      subject: 'during the hang',
      start: '2030-04-01T09:00:00Z',
      end: '2030-04-01T09:30:00Z',
    })
    // The event was not written to the silent connection: it waits on the subscription.
    assert.deepEqual(
      (await held()).filter((s) => s.id === id).map((s) => [s.connected, s.queued]),
      [[false, 1]],
    )
    assert.equal(stream.text(), '')
    // The client's socket is still open; only the client ends it.
    assert.equal(stream.response.body.readableEnded || stream.response.body.destroyed, false)
    stream.response.body.destroy()
    await stream.ended
    const next = await openStream([id])
    while (!next.text().includes('<t:CreatedEvent>'))
      await new Promise((resolve) => next.response.body.once('data', resolve))
    next.response.body.destroy()
    await streamsOpen(h, 0)
    await h.control('POST', `${EX}/streaming/subscriptions/expire`, {})
  })

  it('cut: open connections end at once without ConnectionStatus Closed', async () => {
    const id = await subscribe(user)
    const stream = await openStream([id])
    await streamsOpen(h, 1)
    assert.deepEqual((await h.control('POST', `${EX}/streaming/connections/cut`)).body, {cut: 1})
    await stream.ended
    assert.doesNotMatch(stream.text(), /ConnectionStatus/)
    await streamsOpen(h, 0)
    // The subscription survives the cut connection.
    assert.deepEqual(
      (await held()).filter((s) => s.id === id).map((s) => s.connected),
      [false],
    )
    await h.control('POST', `${EX}/streaming/subscriptions/expire`, {})
  })
})

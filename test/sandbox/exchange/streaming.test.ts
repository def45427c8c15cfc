import assert from 'node:assert/strict'
import {once, EventEmitter} from 'node:events'

import {
  EventType,
  FolderId,
  ItemEvent,
  Mailbox,
  StreamingSubscriptionConnection,
  WellKnownFolderName,
} from 'ews-javascript-api'

import {startExchange, streamsOpen, type ExchangeHarness} from './harness.js'

interface Received {
  type: string
  itemId: string
}

for (const auth of ['basic', 'ntlm'] as const) {
  describe(`Exchange streaming notifications through ews-javascript-api (${auth})`, function () {
    let h: ExchangeHarness
    let user: string
    before(async () => {
      h = await startExchange()
      user = h.seed.users[1]?.email ?? ''
      // Neither keep-alives nor the ConnectionTimeout come during a test: the server writes only the events the
      // test causes, so nothing else can carry a held-back envelope to the client. Tests close the connections.
      const settings = await h.control('PUT', '/_sandbox/exchange/streaming', {keepAliveMs: 60_000, minuteMs: 60_000})
      assert.equal(settings.status, 200)
    })
    after(async () => h.stop())

    it('delivers end-user changes in order: two creates coalesced in one write, an edit, a delete', async () => {
      const calendar = new FolderId(WellKnownFolderName.Calendar, new Mailbox(user))
      const subscription = await h
        .service(auth, user)
        .SubscribeToStreamingNotifications([calendar], EventType.Created, EventType.Modified, EventType.Deleted)
      assert.ok(subscription.Id)

      // One service (and XhrApi) per streaming connection.
      const connection = new StreamingSubscriptionConnection(h.service(auth, user), 1)
      connection.AddSubscription(subscription)
      const events = new EventEmitter()
      const received: Received[] = []
      connection.OnNotificationEvent.push((_sender, args) => {
        for (const event of args.Events) {
          if (event instanceof ItemEvent)
            received.push({type: EventType[event.EventType], itemId: event.ItemId.UniqueId})
        }
        events.emit('notification')
      })
      connection.OnDisconnect.push(() => events.emit('disconnect'))
      const disconnected = once(events, 'disconnect')
      // Open() resolves only on failure: never awaited.
      void connection.Open().catch((error: unknown) => events.emit('error', error))

      const waitFor = async (count: number) => {
        while (received.length < count) await once(events, 'notification')
      }
      await streamsOpen(h, 1)

      const created = await h.control('POST', `/_sandbox/exchange/mailboxes/${user}/items`, [
        {subject: 'one', start: '2030-03-01T09:00:00Z', end: '2030-03-01T09:30:00Z'},
        {subject: 'two', start: '2030-03-01T10:00:00Z', end: '2030-03-01T10:30:00Z'},
      ])
      const [first, second] = (created.body as {items: {id: string}[]}).items
      assert.ok(first && second)
      // Both envelopes travel in one write. ews-javascript-api alone parses only the first and keeps the second
      // until the next chunk, which the server sends only when the test changes something. The envelope-splitting
      // XhrApi hands both over from the same data event, so the second is there by the next turn of the loop.
      await waitFor(1)
      await new Promise((resolve) => setImmediate(resolve))
      assert.equal(received.length, 2, 'the second coalesced envelope was held back')
      await h.control('PATCH', `/_sandbox/exchange/mailboxes/${user}/items/${encodeURIComponent(first.id)}`, {
        location: '@webex',
      })
      await waitFor(3)
      await h.control('DELETE', `/_sandbox/exchange/mailboxes/${user}/items/${encodeURIComponent(second.id)}`)
      await waitFor(4)
      assert.deepEqual(received, [
        {type: 'Created', itemId: first.id},
        {type: 'Created', itemId: second.id},
        {type: 'Modified', itemId: first.id},
        {type: 'Deleted', itemId: second.id},
      ])

      connection.Close()
      await disconnected
      await streamsOpen(h, 0)
      await subscription.Unsubscribe()
      const log = h.sandbox.context.log.forMailbox(user).map((e) => e.operation)
      assert.ok(log.includes('Subscribe') && log.includes('Unsubscribe'))
    })

    it('queues events raised while no connection is open and delivers them on the next GetStreamingEvents', async () => {
      const calendar = new FolderId(WellKnownFolderName.Calendar, new Mailbox(user))
      const subscription = await h.service(auth, user).SubscribeToStreamingNotifications([calendar], EventType.Created)
      const created = await h.control('POST', `/_sandbox/exchange/mailboxes/${user}/items`, {
        subject: 'while offline',
        start: '2030-03-02T09:00:00Z',
        end: '2030-03-02T09:30:00Z',
      })
      const id = (created.body as {items: {id: string}[]}).items[0]?.id
      const connection = new StreamingSubscriptionConnection(h.service(auth, user), 1)
      connection.AddSubscription(subscription)
      const events = new EventEmitter()
      connection.OnNotificationEvent.push((_sender, args) => events.emit('notification', args.Events))
      const first = once(events, 'notification')
      void connection.Open().catch((error: unknown) => events.emit('error', error))
      const [delivered] = (await first) as [ItemEvent[]]
      assert.deepEqual(
        delivered.map((e) => e.ItemId.UniqueId),
        [id],
      )
      connection.Close()
      await streamsOpen(h, 0)
      await subscription.Unsubscribe()
    })
  })
}

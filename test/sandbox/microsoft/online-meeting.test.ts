import assert from 'node:assert/strict'

import {startMicrosoftSandbox, type MicrosoftSandbox} from './helpers.js'

interface Event {
  id: string
  '@odata.etag': string
  isOnlineMeeting: boolean
  onlineMeetingProvider: string
  onlineMeeting: {joinUrl: string} | null
  body: {contentType: string; content: string}
}

/**
 * Online meetings and their body, as Graph documents them (event-update: keep the online meeting blob when
 * updating the body, or the online meeting is disabled), through the Graph client.
 */
describe('Microsoft sandbox: an online meeting’s join information lives in its body', function () {
  this.timeout(60_000)
  let ms: MicrosoftSandbox
  let alice: string
  before(async () => {
    ms = await startMicrosoftSandbox({users: 2, events: 0, rooms: 0})
    alice = ms.users[0]!
  })
  after(async () => ms.stop())

  const create = async (): Promise<Event> =>
    (await ms
      .clients()
      .graph.api(`/users/${alice}/events`)
      .post({
        subject: 'Online',
        start: {dateTime: '2030-01-07T09:00:00', timeZone: 'UTC'},
        end: {dateTime: '2030-01-07T10:00:00', timeZone: 'UTC'},
        body: {contentType: 'html', content: '<html><body><p>Agenda</p></body></html>'},
        isOnlineMeeting: true,
      })) as Event

  it('writes the Teams blob with the join link into the body of a meeting that goes online', async () => {
    const event = await create()
    assert.equal(event.isOnlineMeeting, true)
    assert.ok(event.onlineMeeting?.joinUrl)
    assert.ok(event.body.content.includes(event.onlineMeeting.joinUrl))
    assert.match(event.body.content, /<p>Agenda<\/p>.*Microsoft Teams meeting.*<\/body>/s)
  })

  it('disables the online meeting when a PATCH rewrites the body without the blob, and keeps it when the blob stays', async () => {
    const {graph} = ms.clients()
    const kept = await create()
    const withBlob = (await graph
      .api(`/users/${alice}/events/${kept.id}`)
      .patch({body: {contentType: 'html', content: kept.body.content.replace('Agenda', 'New agenda')}})) as Event
    assert.equal(withBlob.isOnlineMeeting, true)
    assert.equal(withBlob.onlineMeeting?.joinUrl, kept.onlineMeeting?.joinUrl)

    const lost = await create()
    const withoutBlob = (await graph
      .api(`/users/${alice}/events/${lost.id}`)
      .patch({body: {contentType: 'html', content: '<html><body><p>Only the agenda</p></body></html>'}})) as Event
    assert.equal(withoutBlob.isOnlineMeeting, false)
    assert.equal(withoutBlob.onlineMeeting, null)
    assert.equal(withoutBlob.onlineMeetingProvider, 'unknown')

    // A PATCH without a body leaves the meeting online.
    const other = await create()
    const located = (await graph
      .api(`/users/${alice}/events/${other.id}`)
      .patch({location: {displayName: 'Room 2'}})) as Event
    assert.equal(located.isOnlineMeeting, true)
  })
})

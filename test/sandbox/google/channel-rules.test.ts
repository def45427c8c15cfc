import assert from 'node:assert/strict'

import type {calendar_v3} from '@googleapis/calendar'

import {httpFailure, reasonOf, startGoogleSandbox, startReceiver, type GoogleSandbox} from './helpers.js'

const DAY_MS = 86_400_000

/**
 * The request rules of events.watch and channels.stop (see the rules table in
 * src/sandbox/google/README.md). What channels deliver is in push.test.ts.
 */
describe('Google emulator: push channel rules (through @googleapis/calendar)', () => {
  let google: GoogleSandbox
  let receiver: Awaited<ReturnType<typeof startReceiver>>
  let calendar: calendar_v3.Calendar
  let n = 0

  before(async () => {
    google = await startGoogleSandbox()
    receiver = await startReceiver(google.leaf)
    calendar = google.clients(google.users[0] ?? '').calendar
  })
  after(async () => {
    await receiver.close()
    await google.stop()
  })

  const channel = (fields: Record<string, unknown> = {}): calendar_v3.Schema$Channel => ({
    id: `rules-${++n}`,
    type: 'web_hook',
    address: receiver.url,
    ...fields,
  })
  const watch = (requestBody: calendar_v3.Schema$Channel) => calendar.events.watch({calendarId: 'primary', requestBody})
  const refused = async (requestBody: calendar_v3.Schema$Channel) => {
    const failure = await httpFailure(() => watch(requestBody))
    return {status: failure.status, reason: reasonOf(failure.data)}
  }

  it('refuses a missing channel id (400 required) and one that is too long or has other characters (400 invalid)', async () => {
    assert.deepEqual(await refused(channel({id: undefined})), {status: 400, reason: 'required'})
    assert.deepEqual(await refused(channel({id: 'x'.repeat(65)})), {status: 400, reason: 'invalid'})
    assert.deepEqual(await refused(channel({id: 'has space'})), {status: 400, reason: 'invalid'})
  })

  it('refuses a type other than web_hook: 400 invalid', async () => {
    assert.deepEqual(await refused(channel({type: 'email'})), {status: 400, reason: 'invalid'})
  })

  it('refuses a missing address (400 required) and one that is not an https URL (push.webhookUrlNotHttps)', async () => {
    assert.deepEqual(await refused(channel({address: undefined})), {status: 400, reason: 'required'})
    assert.deepEqual(await refused(channel({address: 'not a url'})), {status: 400, reason: 'push.webhookUrlNotHttps'})
  })

  it('refuses a channel token over 256 characters: 400 invalid', async () => {
    assert.deepEqual(await refused(channel({token: 't'.repeat(257)})), {status: 400, reason: 'invalid'})
  })

  it('refuses a channel id already in use: 400 channelIdNotUnique', async () => {
    const first = channel()
    assert.equal((await watch(first)).status, 200)
    assert.deepEqual(await refused({...first}), {status: 400, reason: 'channelIdNotUnique'})
  })

  it('refuses a ttl that is not a positive number and an expiration in the past: 400 invalid', async () => {
    assert.deepEqual(await refused(channel({params: {ttl: '0'}})), {status: 400, reason: 'invalid'})
    assert.deepEqual(await refused(channel({params: {ttl: 'soon'}})), {status: 400, reason: 'invalid'})
    assert.deepEqual(await refused(channel({expiration: String(Date.now() - 1000)})), {status: 400, reason: 'invalid'})
  })

  it('caps the lifetime at 30 days, and at the expiration asked for', async () => {
    const before = Date.now()
    const long = await watch(channel({params: {ttl: String(90 * 86_400)}}))
    const after = Date.now()
    const expiration = Number(long.data.expiration)
    assert.ok(expiration >= before + 30 * DAY_MS && expiration <= after + 30 * DAY_MS, String(expiration))
    const asked = Date.now() + DAY_MS
    const short = await watch(channel({expiration: String(asked)}))
    assert.equal(Number(short.data.expiration), asked)
  })

  it('answers channels.stop with a resourceId of another channel with 404 notFound', async () => {
    const one = await watch(channel())
    const other = await watch(channel())
    const failure = await httpFailure(() =>
      calendar.channels.stop({requestBody: {id: one.data.id, resourceId: other.data.resourceId}}),
    )
    assert.equal(failure.status, 404)
    assert.equal(reasonOf(failure.data), 'notFound')
    const stopped = await calendar.channels.stop({requestBody: {id: one.data.id, resourceId: one.data.resourceId}})
    assert.equal(stopped.status, 204)
  })

  it('lets the project stop a channel made for a user with its own token (no user impersonated)', async () => {
    const made = await watch(channel())
    const project = google.clients('').calendar
    const stopped = await project.channels.stop({requestBody: {id: made.data.id, resourceId: made.data.resourceId}})
    assert.equal(stopped.status, 204)
    const again = await httpFailure(() =>
      project.channels.stop({requestBody: {id: made.data.id, resourceId: made.data.resourceId}}),
    )
    assert.equal(again.status, 404)
  })
})

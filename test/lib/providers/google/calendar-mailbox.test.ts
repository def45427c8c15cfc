import assert from 'node:assert/strict'

import {requireProfile} from '../../../../src/lib/config/profiles.js'
import type {ProviderFailure} from '../../../../src/lib/ports/failures.js'
import {connectionInput} from '../../../../src/lib/providers/connection.js'
import {createCalendar} from '../../../../src/lib/providers/google/calendar/index.js'
import type {GoogleConnection} from '../../../../src/lib/providers/google/index.js'
import {REGISTRY} from '../../../../src/lib/providers/registry.js'
import type {ProviderModule} from '../../../../src/lib/providers/types.js'
import {createSecretStore} from '../../../../src/lib/secrets/index.js'
import {rejectionOf} from '../../../helpers/expect.js'
import {LAB_PROFILE} from '../../../helpers/users-lab.js'
import {at, type CalendarLab, ofType, startCalendarLab, windowAhead} from './calendar-lab.js'

/**
 * Settings and out-of-office of a mailbox, rooms read as the profile's test user, and what the adapter reports
 * of each HTTP exchange and of Google's errors (faults injected by the sandbox for one mailbox).
 */
describe('Google calendar adapter: settings, out-of-office, rooms, requests and errors', function () {
  this.timeout(120_000)
  let lab: CalendarLab

  before(async () => {
    lab = await startCalendarLab()
  })
  after(async () => lab.stop())
  afterEach(async () => {
    await lab.lab.sandbox.control('PUT', '/_sandbox/faults', {})
  })

  it('reads the locale as a language tag and the time zone, as two settings requests', async () => {
    const user = lab.users[1] ?? ''
    const api = lab.asUser(user)
    const locale = (await api.settings.get({setting: 'locale'})).data.value ?? ''
    const timeZone = (await api.settings.get({setting: 'timezone'})).data.value ?? ''
    lab.resetRecords()
    const settings = await lab.provider.readMailboxSettings(lab.grant(user))
    assert.deepEqual(settings, {timeZone, language: locale.replace('_', '-')})
    assert.equal(lab.count('settings'), 2)
  })

  it('reads the vacation responder as on, scheduled (with its window) or off', async () => {
    const user = lab.users[2] ?? ''
    const grant = lab.grant(user)
    const hour = 3_600_000
    const now = Date.now()
    const iso = (ms: number) => new Date(ms).toISOString()
    await lab.control('PUT', `/users/${user}/vacation`, {
      enabled: true,
      start: iso(now + 24 * hour),
      end: iso(now + 48 * hour),
    })
    lab.resetRecords()
    assert.deepEqual(await lab.provider.readOutOfOffice(grant), {
      state: 'scheduled',
      start: iso(now + 24 * hour),
      end: iso(now + 48 * hour),
    })
    assert.equal(lab.count('settings'), 1)
    await lab.control('PUT', `/users/${user}/vacation`, {enabled: true, start: iso(now - hour), end: iso(now + hour)})
    assert.deepEqual(await lab.provider.readOutOfOffice(grant), {
      state: 'on',
      start: iso(now - hour),
      end: iso(now + hour),
    })
    await lab.control('PUT', `/users/${user}/vacation`, {
      enabled: true,
      start: iso(now - 2 * hour),
      end: iso(now - hour),
    })
    assert.deepEqual(await lab.provider.readOutOfOffice(grant), {state: 'off'})
    await lab.control('PUT', `/users/${user}/vacation`, {enabled: true})
    assert.deepEqual(await lab.provider.readOutOfOffice(grant), {state: 'on'})
    await lab.control('PUT', `/users/${user}/vacation`, {enabled: false, start: iso(now - hour)})
    assert.deepEqual(await lab.provider.readOutOfOffice(grant), {state: 'off'})
  })

  it('reads a room calendar as the test user, charged to the room, and never impersonates the room', async () => {
    const room = lab.rooms[0] ?? ''
    const organizer = lab.users[3] ?? ''
    const window = windowAhead(80, 3)
    const booked = await lab.control('POST', `/calendars/${organizer}/events`, {
      title: 'Board meeting',
      start: at(window, 10),
      end: at(window, 11),
      attendees: [{email: room, isRoom: true, response: 'accepted'}],
    })
    lab.lab.sandbox.context.log.clear()
    lab.resetRecords()
    const grant = lab.grant(room, 'room')
    const round = await lab.readAll({grant, window})
    const [event] = ofType(round.changes, 'upsert').map((change) => change.event)
    assert.equal(event?.id, booked.id)
    assert.equal(event?.mailbox, room)
    assert.equal(event?.myResponse, 'accepted')
    assert.ok(round.cursor)
    const log = lab.lab.sandbox.context.log.all()
    assert.deepEqual(
      log.filter((entry) => entry.operation === 'events.list').map((entry) => [entry.mailbox, entry.status]),
      [[room, 200]],
    )
    assert.ok(log.every((entry) => entry.mailbox !== room || entry.operation !== 'token'))
    assert.deepEqual(
      log.filter((entry) => entry.operation === 'token').map((entry) => entry.mailbox),
      [lab.testUser],
    )
    assert.match(log.find((entry) => entry.operation === 'events.list')?.path ?? '', /quotaUser=/)
    // A room has no Gmail and no user settings: nothing is asked.
    lab.resetRecords()
    assert.deepEqual(await lab.provider.readOutOfOffice(grant), {state: 'off'})
    assert.deepEqual(await lab.provider.readMailboxSettings(grant), {})
    assert.equal(lab.records.length, 0)
  })

  it('refuses a room when the profile names no test user, naming the fix', async () => {
    const profile = await requireProfile(LAB_PROFILE, lab.lab.env)
    const secrets = createSecretStore({profile: LAB_PROFILE, backend: 'memory', env: lab.lab.env})
    const input = await connectionInput(
      profile,
      REGISTRY.google as unknown as ProviderModule<string, GoogleConnection>,
      secrets,
    )
    const provider = createCalendar({...input, connection: {...input.connection, testUser: undefined}})
    const error = await rejectionOf<{code: string; suggestions: string[]}>(() =>
      provider.readOutOfOffice(lab.grant(lab.rooms[0] ?? '', 'room')),
    )
    assert.equal(error.code, 'GOOGLE_TEST_USER_MISSING')
    assert.match(error.suggestions.join(' '), /google\.testUser/)
  })

  const failing = async (status: string, user: string) => {
    await lab.lab.sandbox.control('PUT', '/_sandbox/faults', {errorRates: {[status]: 1}, mailboxes: [user]})
    lab.resetRecords()
    return rejectionOf<ProviderFailure>(() => lab.provider.readEvent({grant: lab.grant(user), eventId: 'anyevent0'}))
  }

  it('maps 429, 403 userRateLimitExceeded and 503 to rateLimited / transient with Retry-After, and counts them as throttled', async () => {
    const user = lab.users[1] ?? ''
    await lab.provider.readEvent({grant: lab.grant(user), eventId: 'warmtoken0'})
    const tooMany = await failing('429', user)
    assert.deepEqual(
      [tooMany.failure.kind, tooMany.failure.kind === 'rateLimited' && tooMany.failure.retryAfterMs],
      ['rateLimited', 1000],
    )
    assert.deepEqual(lab.records, [{purpose: 'calendar', status: 429, throttled: true}])
    const userRate = await failing('403', user)
    assert.deepEqual([userRate.failure.kind, userRate.failure.providerCode], ['rateLimited', 'userRateLimitExceeded'])
    assert.deepEqual(lab.records, [{purpose: 'calendar', status: 403, throttled: true}])
    const unavailable = await failing('503', user)
    assert.deepEqual(
      [unavailable.failure.kind, unavailable.failure.kind === 'transient' && unavailable.failure.retryAfterMs],
      ['transient', 1000],
    )
    assert.deepEqual(lab.records, [{purpose: 'calendar', status: 503, throttled: true}])
    const broken = await failing('500', user)
    assert.equal(broken.failure.kind, 'transient')
    assert.deepEqual(lab.records, [{purpose: 'calendar', status: 500, throttled: false}], 'no SDK retry')
  })

  it('reports a reset connection as transient with status 0', async () => {
    const user = lab.users[1] ?? ''
    await lab.lab.sandbox.control('PUT', '/_sandbox/faults', {resetRate: 1, mailboxes: [user]})
    lab.resetRecords()
    const error = await rejectionOf<ProviderFailure>(() =>
      lab.provider.listChanges({grant: lab.grant(user), window: windowAhead(90, 1)}),
    )
    assert.equal(error.failure.kind, 'transient')
    assert.deepEqual(lab.records, [{purpose: 'calendar', status: 0, throttled: false}])
  })

  it('refreshes the token once on 401, then reports auth tokenRejected', async () => {
    const user = lab.users[3] ?? ''
    await lab.provider.readEvent({grant: lab.grant(user), eventId: 'warmtoken0'})
    const error = await failing('401', user)
    assert.equal(error.failure.kind, 'auth')
    assert.equal(error.failure.kind === 'auth' && error.failure.reason, 'tokenRejected')
    assert.deepEqual(lab.records, [
      {purpose: 'calendar', status: 401, throttled: false},
      {purpose: 'token', status: 200, throttled: false},
      {purpose: 'calendar', status: 401, throttled: false},
    ])
  })
})

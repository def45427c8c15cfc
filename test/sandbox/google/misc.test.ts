import assert from 'node:assert/strict'

import {httpFailure, inHours, SCOPES, startGoogleSandbox, type GoogleSandbox} from './helpers.js'

describe('Google emulator: settings, ACL, freeBusy, Gmail vacation (through the SDKs)', () => {
  let google: GoogleSandbox
  let alice: string
  let bob: string

  before(async () => {
    google = await startGoogleSandbox()
    ;[alice = '', bob = ''] = google.users
  })
  after(async () => google.stop())

  it("reads the user's locale and time zone settings", async () => {
    const {calendar} = google.clients(alice)
    const user = google.seed.users[0]
    const locale = await calendar.settings.get({setting: 'locale'})
    // Calendar's locale setting values for the seed's BCP 47 tags.
    const expected: Record<string, string> = {
      'en-US': 'en',
      'en-GB': 'en_GB',
      'de-DE': 'de',
      'ja-JP': 'ja',
      'pl-PL': 'pl',
      'fr-FR': 'fr',
      'es-ES': 'es',
    }
    assert.equal(locale.data.value, expected[user?.locale ?? ''])
    const timezone = await calendar.settings.get({setting: 'timezone'})
    assert.equal(timezone.data.value, user?.timeZone)
  })

  it('shares a calendar through the ACL and takes it back', async () => {
    const bobs = google.clients(bob).calendar
    assert.equal((await httpFailure(() => bobs.events.list({calendarId: alice}))).status, 404)
    const {calendar} = google.clients(alice)
    const rule = await calendar.acl.insert({
      calendarId: 'primary',
      requestBody: {role: 'reader', scope: {type: 'user', value: bob}},
    })
    assert.equal(rule.data.id, `user:${bob}`)
    assert.equal((await bobs.events.list({calendarId: alice})).status, 200)
    const writeFailure = await httpFailure(() =>
      bobs.events.insert({
        calendarId: alice,
        requestBody: {summary: 'x', start: {dateTime: inHours(3)}, end: {dateTime: inHours(4)}},
      }),
    )
    assert.equal(writeFailure.status, 404)
    assert.equal((await calendar.acl.delete({calendarId: 'primary', ruleId: rule.data.id ?? ''})).status, 204)
    assert.equal((await httpFailure(() => bobs.events.list({calendarId: alice}))).status, 404)
    assert.equal(
      (await httpFailure(() => calendar.acl.delete({calendarId: 'primary', ruleId: rule.data.id ?? ''}))).status,
      404,
    )
  })

  it('reports busy intervals with freeBusy and notFound for unknown calendars', async () => {
    const {calendar} = google.clients(alice)
    await calendar.events.insert({
      calendarId: 'primary',
      requestBody: {summary: 'Busy', start: {dateTime: inHours(2000)}, end: {dateTime: inHours(2001)}},
    })
    const result = await calendar.freebusy.query({
      requestBody: {timeMin: inHours(1999), timeMax: inHours(2003), items: [{id: alice}, {id: 'ghost@elsewhere.test'}]},
    })
    const busy = result.data.calendars?.[alice]?.busy?.map((interval) => [
      Date.parse(interval.start ?? ''),
      Date.parse(interval.end ?? ''),
    ])
    assert.deepEqual(busy, [[Date.parse(inHours(2000)), Date.parse(inHours(2001))]])
    assert.equal(result.data.calendars?.['ghost@elsewhere.test']?.errors?.[0]?.reason, 'notFound')
  })

  it('returns the vacation responder an end user set', async () => {
    const set = await google.sandbox.control('PUT', `/_sandbox/google/users/${alice}/vacation`, {
      enabled: true,
      message: 'Back on Monday',
      start: '2026-12-01T00:00:00Z',
      end: '2026-12-05T00:00:00Z',
    })
    assert.equal(set.status, 200)
    const {gmail} = google.clients(alice)
    const vacation = await gmail.users.settings.getVacation({userId: alice})
    assert.equal(vacation.data.enableAutoReply, true)
    assert.equal(vacation.data.responseBodyPlainText, 'Back on Monday')
    assert.equal(vacation.data.startTime, String(Date.parse('2026-12-01T00:00:00Z')))
    assert.equal(vacation.data.endTime, String(Date.parse('2026-12-05T00:00:00Z')))
  })

  it('needs a Gmail settings scope for getVacation', async () => {
    const {gmail} = google.clients(alice, {scopes: [SCOPES.calendar]})
    const failure = await httpFailure(() => gmail.users.settings.getVacation({userId: 'me'}))
    assert.equal(failure.status, 403)
    assert.equal(
      (failure.data as {error: {errors: {reason: string}[]}}).error.errors[0]?.reason,
      'insufficientPermissions',
    )
  })

  it('logs each request with its mailbox and operation', async () => {
    google.sandbox.context.log.clear()
    const {calendar} = google.clients(bob)
    await calendar.events.list({calendarId: 'primary', maxResults: 1})
    const entries = google.sandbox.context.log.forMailbox(bob)
    assert.deepEqual(
      entries.map((entry) => [entry.operation, entry.status]),
      [
        ['token', 200],
        ['events.list', 200],
      ],
    )
    assert.equal(google.sandbox.context.log.forMailbox(alice).length, 0)
  })
})

describe('Google emulator: quotas', () => {
  let google: GoogleSandbox

  before(async () => {
    // A 30-second window: 600 requests/minute/user becomes 600 per 30 s.
    google = await startGoogleSandbox({quotaWindowScale: 0.5})
  })
  after(async () => google.stop())

  it('charges the service account without quotaUser (403 userRateLimitExceeded) and the user with it', async () => {
    const [alice = '', bob = ''] = google.users
    const shared = google.clients(alice, {quotaUser: false}).calendar
    await google.clients(alice, {quotaUser: false}).auth.getAccessToken()
    // Ten at a time, so the calls reuse a few keep-alive connections.
    const results: PromiseSettledResult<unknown>[] = []
    for (let sent = 0; sent < 620; sent += 10) {
      const batch = Array.from({length: 10}, () => shared.settings.get({setting: 'timezone'}))
      results.push(...(await Promise.allSettled(batch)))
    }
    const rejected = results.filter((result) => result.status === 'rejected')
    assert.ok(rejected.length >= 20, `${rejected.length} rejected`)
    const failure = await httpFailure(() =>
      google.clients(bob, {quotaUser: false}).calendar.settings.get({setting: 'timezone'}),
    )
    assert.equal(failure.status, 403)
    assert.deepEqual(failure.data, {
      error: {
        code: 403,
        message: 'User Rate Limit Exceeded',
        errors: [{domain: 'usageLimits', reason: 'userRateLimitExceeded', message: 'User Rate Limit Exceeded'}],
      },
    })
    const own = await google.clients(bob, {quotaUser: true}).calendar.settings.get({setting: 'timezone'})
    assert.equal(own.status, 200)
  })
})

import assert from 'node:assert/strict'

import type {calendar_v3} from '@googleapis/calendar'

import {httpFailure, inHours, reasonOf, startGoogleSandbox, type GoogleSandbox} from './helpers.js'

/**
 * Who may touch which calendar (ACL), and the parameter rules of acl, freeBusy and settings, through the
 * real SDK (see the rules table in src/sandbox/google/README.md).
 */
describe('Google emulator: ACL, freeBusy and settings rules (through @googleapis/calendar)', () => {
  let google: GoogleSandbox
  let alice: string
  let bob: string
  let carol: string
  let alices: calendar_v3.Calendar
  let bobs: calendar_v3.Calendar
  let carols: calendar_v3.Calendar

  before(async () => {
    google = await startGoogleSandbox()
    ;[alice = '', bob = '', carol = ''] = google.users
    alices = google.clients(alice).calendar
    bobs = google.clients(bob).calendar
    carols = google.clients(carol).calendar
  })
  after(async () => google.stop())

  const share = async (role: string, scope: calendar_v3.Schema$AclRule['scope']) =>
    (await alices.acl.insert({calendarId: 'primary', requestBody: {role, scope}})).data

  it("lets a domain rule open a calendar to the domain's users, for reading only", async () => {
    assert.equal((await httpFailure(() => carols.events.list({calendarId: alice}))).status, 404)
    const rule = await share('reader', {type: 'domain', value: google.seed.domain})
    try {
      assert.equal((await carols.events.list({calendarId: alice, maxResults: 1})).status, 200)
      const write = await httpFailure(() =>
        carols.events.insert({
          calendarId: alice,
          requestBody: {summary: 'x', start: {dateTime: inHours(3)}, end: {dateTime: inHours(4)}},
        }),
      )
      assert.equal(write.status, 404)
    } finally {
      await alices.acl.delete({calendarId: 'primary', ruleId: rule.id ?? ''})
    }
  })

  it('lets a writer rule write, and refuses ACL changes by anyone but the owner: 403 requiredAccessLevel', async () => {
    const rule = await share('writer', {type: 'user', value: bob})
    try {
      const created = await bobs.events.insert({
        calendarId: alice,
        requestBody: {summary: 'Written by Bob', start: {dateTime: inHours(5)}, end: {dateTime: inHours(6)}},
      })
      assert.equal(created.status, 200)
      const insert = await httpFailure(() =>
        bobs.acl.insert({calendarId: alice, requestBody: {role: 'owner', scope: {type: 'user', value: bob}}}),
      )
      assert.equal(insert.status, 403)
      assert.deepEqual(insert.data, {
        error: {
          code: 403,
          message: 'You need to have owner access to this calendar.',
          errors: [
            {
              domain: 'calendar',
              reason: 'requiredAccessLevel',
              message: 'You need to have owner access to this calendar.',
            },
          ],
        },
      })
      const remove = await httpFailure(() => bobs.acl.delete({calendarId: alice, ruleId: rule.id ?? ''}))
      assert.equal(remove.status, 403)
      assert.equal(reasonOf(remove.data), 'requiredAccessLevel')
    } finally {
      await alices.acl.delete({calendarId: 'primary', ruleId: rule.id ?? ''})
    }
    const hidden = await httpFailure(() =>
      bobs.acl.insert({calendarId: alice, requestBody: {role: 'reader', scope: {type: 'user', value: bob}}}),
    )
    assert.equal(hidden.status, 404)
  })

  it('refuses an ACL rule without a role, with an unknown role or scope type, or without a scope value', async () => {
    const cases: [calendar_v3.Schema$AclRule, string][] = [
      [{scope: {type: 'user', value: bob}}, 'required'],
      [{role: 'admin', scope: {type: 'user', value: bob}}, 'invalid'],
      [{role: 'reader', scope: {type: 'everyone'}}, 'invalid'],
      [{role: 'reader', scope: {type: 'user'}}, 'required'],
    ]
    for (const [requestBody, reason] of cases) {
      const failure = await httpFailure(() => alices.acl.insert({calendarId: 'primary', requestBody}))
      assert.equal(failure.status, 400, JSON.stringify(requestBody))
      assert.equal(reasonOf(failure.data), reason, JSON.stringify(requestBody))
    }
  })

  it("refuses a rule for the owner's own access: 403 cannotChangeOwnAcl", async () => {
    const failure = await httpFailure(() =>
      alices.acl.insert({
        calendarId: 'primary',
        requestBody: {role: 'reader', scope: {type: 'user', value: alice.toUpperCase()}},
      }),
    )
    assert.equal(failure.status, 403)
    assert.equal(reasonOf(failure.data), 'cannotChangeOwnAcl')
  })

  it('refuses freeBusy without timeMin or timeMax (400 required) and with an empty range (400 timeRangeEmpty)', async () => {
    for (const requestBody of [{timeMax: inHours(2)}, {timeMin: inHours(1)}]) {
      const failure = await httpFailure(() => alices.freebusy.query({requestBody: {...requestBody, items: []}}))
      assert.equal(failure.status, 400, JSON.stringify(requestBody))
      assert.equal(reasonOf(failure.data), 'required', JSON.stringify(requestBody))
    }
    const empty = await httpFailure(() =>
      alices.freebusy.query({requestBody: {timeMin: inHours(1), timeMax: inHours(1), items: [{id: alice}]}}),
    )
    assert.equal(reasonOf(empty.data), 'timeRangeEmpty')
  })

  it('answers an unknown setting with 404 notFound', async () => {
    const failure = await httpFailure(() => alices.settings.get({setting: 'favouriteColour'}))
    assert.equal(failure.status, 404)
    assert.equal(reasonOf(failure.data), 'notFound')
  })
})

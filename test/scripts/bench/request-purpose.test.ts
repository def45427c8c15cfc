import assert from 'node:assert/strict'

import {purposeOf, splitRequests} from '../../../scripts/bench/request-purpose.js'
import {operationCounts} from '../../../scripts/bench/sync-scenarios.js'

describe('what each logged request was for (scripts/bench/request-purpose.ts)', () => {
  it('names tokens, settings and calendar requests in each emulator’s operation words', () => {
    assert.deepEqual(purposeOf('google', 'token'), {purpose: 'token', budgeted: false})
    assert.deepEqual(purposeOf('google', 'users.settings.getVacation'), {purpose: 'settings', budgeted: false})
    assert.deepEqual(purposeOf('google', 'settings.get'), {purpose: 'settings', budgeted: true})
    assert.deepEqual(purposeOf('google', 'events.list'), {purpose: 'calendar', budgeted: true})
    assert.deepEqual(purposeOf('microsoft', 'identity.token'), {purpose: 'token', budgeted: false})
    assert.deepEqual(purposeOf('microsoft', 'mailboxSettings.get'), {purpose: 'settings', budgeted: true})
    assert.deepEqual(purposeOf('microsoft', 'calendarView.delta'), {purpose: 'calendar', budgeted: true})
    assert.deepEqual(purposeOf('exchange', 'GetUserOofSettingsRequest'), {purpose: 'settings', budgeted: true})
    assert.deepEqual(purposeOf('exchange', 'Authenticate'), {purpose: 'token', budgeted: false})
    assert.deepEqual(purposeOf('exchange', 'SyncFolderItems'), {purpose: 'calendar', budgeted: true})
  })

  it('counts calendar requests per mailbox, zero for a mailbox never asked, and throttled answers apart', () => {
    const split = splitRequests(
      'exchange',
      [
        {status: 200, operation: 'SyncFolderItems', mailbox: 'A@x.test'},
        {status: 200, operation: 'SyncFolderItems', mailbox: 'a@x.test'},
        {status: 200, operation: 'GetUserOofSettingsRequest', mailbox: 'b@x.test'},
        {status: 500, operation: 'Throttled'},
        {status: 401, operation: 'Authenticate'},
      ],
      ['a@x.test', 'b@x.test'],
    )
    assert.equal(split.requests, 5)
    assert.equal(split.throttled, 1)
    assert.deepEqual(split.byPurpose, {calendar: 2, settings: 1, token: 1})
    assert.deepEqual(split.calendarPerMailbox, {min: 0, max: 2, mean: 1})
  })

  it('lists the most frequent operations of a run first', () => {
    const entries = [
      ...Array.from({length: 3}, () => ({
        provider: 'google' as const,
        method: 'GET',
        status: 200,
        operation: 'events.instances',
      })),
      ...Array.from({length: 1200}, () => ({
        provider: 'google' as const,
        method: 'PATCH',
        status: 200,
        operation: 'events.patch',
      })),
      {provider: 'google' as const, method: 'GET', status: 200, operation: 'events.list'},
    ]
    assert.equal(operationCounts(entries), 'events.patch 1,200, events.instances 3, events.list 1')
    assert.equal(operationCounts(entries, 1), 'events.patch 1,200')
  })
})

import assert from 'node:assert/strict'

import {AccessGate, type AccessRecords, mailboxFor} from '../../../src/lib/access/index.js'
import type {MailboxGrant} from '../../../src/lib/ports/access.js'
import type {UserState} from '../../../src/lib/store/types.js'
import {rejectionOf} from '../../helpers/expect.js'

/** Records as the store keeps them: address -> state (and primary address when it is an alias). */
function records(
  entries: Record<string, {state: UserState; primaryEmail?: string; kind?: 'user' | 'room'}>,
): AccessRecords {
  return {
    get: (address) => entries[address],
    statesOfMailbox: (mailbox) =>
      Object.entries(entries)
        .filter(([address, record]) => address === mailbox || record.primaryEmail === mailbox)
        .map(([, record]) => record.state),
  }
}

describe('access gate: the one decision whether a mailbox may be accessed', () => {
  it('grants sync only to active mailboxes and validation to pending, active and failed ones', () => {
    const states: Record<string, {state: UserState}> = {
      'a@x.test': {state: 'active'},
      'p@x.test': {state: 'pending'},
      'e@x.test': {state: 'error'},
      'd@x.test': {state: 'deactivated'},
    }
    const gate = new AccessGate(records(states))
    assert.equal(mailboxFor(gate.grant('A@x.test', 'sync')), 'a@x.test')
    for (const address of ['p@x.test', 'e@x.test', 'd@x.test', 'unknown@x.test']) {
      assert.throws(() => gate.grant(address, 'sync'), {code: 'MAILBOX_NOT_ACTIVE'})
    }
    for (const address of ['a@x.test', 'p@x.test', 'e@x.test'])
      assert.equal(mailboxFor(gate.grant(address, 'validation')), address)
    assert.throws(() => gate.grant('d@x.test', 'validation'), {code: 'MAILBOX_NOT_ACTIVE'})
    assert.throws(
      () => gate.grant('unknown@x.test', 'validation'),
      (error: {suggestions: string[]}) => /hcal users activate unknown@x\.test/.test(error.suggestions.join(' ')),
    )
  })

  it('says on the grant whether the mailbox is a user or a room, as recorded', () => {
    const gate = new AccessGate(
      records({'r@x.test': {state: 'active', kind: 'room'}, 'u@x.test': {state: 'active', kind: 'user'}}),
    )
    assert.equal(gate.grant('r@x.test', 'sync').kind, 'room')
    assert.equal(gate.grant('u@x.test', 'sync').kind, 'user')
  })

  it('checks again when the grant is used: a user deactivated since is not reached', async () => {
    const states: Record<string, {state: UserState}> = {'a@x.test': {state: 'active'}}
    const gate = new AccessGate(records(states))
    const grant = gate.grant('a@x.test', 'sync')
    states['a@x.test'] = {state: 'deactivated'}
    const error = await rejectionOf(async () => mailboxFor(grant))
    assert.equal((error as {code?: string}).code, 'MAILBOX_NOT_ACTIVE')
  })

  it('refuses a grant it did not issue, even one shaped like a real one', () => {
    const forged = Object.freeze({address: 'a@x.test', purpose: 'sync'}) as unknown as MailboxGrant
    assert.throws(() => mailboxFor(forged), {code: 'ACCESS_GRANT_FORGED'})
  })

  it('sends sync of an alias to its primary mailbox, unless that mailbox itself was deactivated', () => {
    const states: Record<string, {state: UserState; primaryEmail?: string}> = {
      'jane@x.test': {state: 'active', primaryEmail: 'jane.doe@x.test'},
    }
    const gate = new AccessGate(records(states))
    assert.equal(mailboxFor(gate.grant('jane@x.test', 'sync')), 'jane.doe@x.test')
    assert.equal(mailboxFor(gate.grant('jane@x.test', 'validation')), 'jane@x.test', 'validation asks as activated')
    states['jane.doe@x.test'] = {state: 'deactivated'}
    assert.throws(() => gate.grant('jane@x.test', 'sync'), {code: 'MAILBOX_NOT_ACTIVE'})
  })
})

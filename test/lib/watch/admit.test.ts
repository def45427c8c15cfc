import assert from 'node:assert/strict'

import {createAdmitter, sameSecret, type SubscriptionRecordView} from '../../../src/lib/watch/admit.js'

function lookupOf(records: Record<string, SubscriptionRecordView>) {
  return {find: (provider: string, id: string) => records[`${provider}/${id}`]}
}

const SECRET = 'a-long-random-client-state-0123456789'

describe('watch admitter', () => {
  const records = {
    'google/ch-1': {mailbox: 'ann@example.com', clientState: SECRET, state: 'active'},
    'google/ch-old': {mailbox: 'ann@example.com', clientState: SECRET, state: 'superseded'},
    'microsoft/sub-1': {mailbox: 'bob@example.com', clientState: SECRET, state: 'active'},
    'microsoft/sub-gone': {mailbox: 'bob@example.com', clientState: SECRET, state: 'stopped'},
  } satisfies Record<string, SubscriptionRecordView>

  it('accepts a known, active subscription presenting its secret, naming its mailbox', () => {
    const admitter = createAdmitter(lookupOf(records))
    assert.deepEqual(admitter.admit('microsoft', {subscriptionId: 'sub-1', clientState: SECRET, signal: 'changed'}), {
      kind: 'accepted',
      mailbox: 'bob@example.com',
    })
  })

  it('rejects an unknown subscription, and a known id under another provider', () => {
    const admitter = createAdmitter(lookupOf(records))
    const unknown = {kind: 'rejected', reason: 'unknown'}
    assert.deepEqual(
      admitter.admit('google', {subscriptionId: 'nope', clientState: SECRET, signal: 'changed'}),
      unknown,
    )
    assert.deepEqual(
      admitter.admit('google', {subscriptionId: 'sub-1', clientState: SECRET, signal: 'changed'}),
      unknown,
    )
  })

  it('rejects a wrong, missing, shorter or longer clientState as forged', () => {
    const admitter = createAdmitter(lookupOf(records))
    const forged = {kind: 'rejected', reason: 'forged'}
    for (const clientState of [undefined, '', 'wrong', SECRET.slice(0, -1), `${SECRET}x`, SECRET.toUpperCase()]) {
      assert.deepEqual(admitter.admit('microsoft', {subscriptionId: 'sub-1', clientState, signal: 'changed'}), forged)
    }
  })

  it('rejects superseded and stopped channels', () => {
    const admitter = createAdmitter(lookupOf(records))
    const stopped = {kind: 'rejected', reason: 'stopped'}
    assert.deepEqual(
      admitter.admit('google', {subscriptionId: 'ch-old', clientState: SECRET, signal: 'changed', sequence: 9}),
      stopped,
    )
    assert.deepEqual(
      admitter.admit('microsoft', {subscriptionId: 'sub-gone', clientState: SECRET, signal: 'changed'}),
      stopped,
    )
  })

  it('rejects a sequence number not above the highest admitted for that subscription', () => {
    const admitter = createAdmitter(lookupOf(records))
    const at = (sequence: number) =>
      admitter.admit('google', {subscriptionId: 'ch-1', clientState: SECRET, signal: 'changed', sequence}).kind
    assert.equal(at(2), 'accepted')
    assert.equal(at(2), 'rejected')
    assert.equal(at(1), 'rejected')
    assert.equal(at(5), 'accepted')
    assert.equal(at(4), 'rejected')
  })

  it('does not let a forged notification with a huge sequence block the genuine ones', () => {
    const admitter = createAdmitter(lookupOf(records))
    const forged = admitter.admit('google', {
      subscriptionId: 'ch-1',
      clientState: 'guess',
      signal: 'changed',
      sequence: 1e9,
    })
    assert.deepEqual(forged, {kind: 'rejected', reason: 'forged'})
    const genuine = admitter.admit('google', {
      subscriptionId: 'ch-1',
      clientState: SECRET,
      signal: 'changed',
      sequence: 3,
    })
    assert.equal(genuine.kind, 'accepted')
  })

  it('keeps sequence memory bounded, forgetting the least recently used subscription first', () => {
    const many: Record<string, SubscriptionRecordView> = {}
    for (const id of ['a', 'b', 'c'])
      many[`google/${id}`] = {mailbox: `${id}@example.com`, clientState: SECRET, state: 'active'}
    const admitter = createAdmitter(lookupOf(many), {maxTracked: 2})
    const at = (subscriptionId: string, sequence: number) =>
      admitter.admit('google', {subscriptionId, clientState: SECRET, signal: 'changed', sequence}).kind
    assert.equal(at('a', 5), 'accepted')
    assert.equal(at('b', 5), 'accepted')
    assert.equal(at('a', 6), 'accepted') // a is now the most recently used
    assert.equal(at('c', 5), 'accepted') // evicts b
    assert.equal(at('a', 6), 'rejected') // a is still remembered
    assert.equal(at('b', 5), 'accepted') // b was forgotten
  })

  it('compares secrets of any lengths without throwing', () => {
    assert.equal(sameSecret('x', 'x'.repeat(500)), false)
    assert.equal(sameSecret('é', 'é'), true)
    assert.equal(sameSecret(undefined, ''), false)
  })
})

import assert from 'node:assert/strict'

import Database from 'better-sqlite3'

import {openEventSink} from '../../../src/lib/publish/index.js'
import {FieldCipher, KeyRing} from '../../../src/lib/store/crypto.js'
import {migrate} from '../../../src/lib/store/migrations.js'
import {OutboxRepository} from '../../../src/lib/store/outbox.js'
import {meetingsChanged} from './fixtures.js'

describe('publishing: enqueueing joins the caller transaction', () => {
  let db: Database.Database
  let outbox: OutboxRepository
  const sinks = {
    publish: {
      sinks: [
        {name: 'a', type: 'webhook' as const, url: 'https://a.example/hcal', createdAt: '2026-12-01T00:00:00Z'},
        {
          name: 'b',
          type: 'webhook' as const,
          url: 'http://127.0.0.1:9/x',
          allowHttp: true,
          createdAt: '2026-12-01T00:00:00Z',
        },
      ],
    },
  }
  beforeEach(() => {
    db = new Database(':memory:')
    migrate(db, ':memory:')
    outbox = new OutboxRepository(db, new FieldCipher(KeyRing.generate()))
  })
  afterEach(() => db.close())

  it('records one message per event and sink, and none when the transaction rolls back', () => {
    const sink = openEventSink({outbox}, sinks)
    assert.throws(() =>
      db.transaction(() => {
        sink.enqueue([meetingsChanged('x')])
        throw new Error('the sync step failed')
      })(),
    )
    assert.deepEqual(outbox.stats(), [])
    db.transaction(() => sink.enqueue([meetingsChanged('y'), meetingsChanged('z')]))()
    assert.deepEqual(
      outbox.stats().map((s) => [s.sink, s.pending]),
      [
        ['a', 2],
        ['b', 2],
      ],
    )
    const now = new Date(Date.now() + 1000)
    const ids = [...outbox.due('a', now, 10), ...outbox.due('b', now, 10)].map((m) => m.messageId)
    assert.equal(new Set(ids).size, 4, 'each (event, sink) has its own webhook-id')
  })

  it('lets only one process claim a due message', () => {
    openEventSink({outbox}, sinks).enqueue([meetingsChanged()])
    const now = new Date(Date.now() + 1000)
    const [message] = outbox.due('a', now, 1)
    const later = new Date(now.getTime() + 60_000)
    assert.equal(outbox.claim(message?.messageId ?? '', now, later), true)
    assert.equal(outbox.claim(message?.messageId ?? '', now, later), false, 'already taken')
    assert.deepEqual(outbox.due('a', now, 1), [], 'claimed: not due until its retry time')
    assert.equal(outbox.due('a', later, 1)[0]?.attempts, 1, 'a crash mid-send still counts the attempt')
  })

  it('records nothing without sinks', () => {
    openEventSink({outbox}, {}).enqueue([meetingsChanged()])
    assert.deepEqual(outbox.stats(), [])
  })
})

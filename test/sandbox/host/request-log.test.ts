import assert from 'node:assert/strict'

import {createRequestLog} from '../../../src/sandbox/host/request-log.js'

function entry(mailbox: string | undefined, n: number) {
  return {provider: 'google' as const, method: 'GET', path: `/p/${n}`, status: 200, operation: 'op', mailbox}
}

describe('sandbox host: request log', function () {
  it('keeps only the newest entries per mailbox and overall, oldest first', function () {
    const log = createRequestLog({total: 5, perMailbox: 3})
    for (let n = 0; n < 4; n++) log.record(entry('A@x.test', n))
    for (let n = 4; n < 7; n++) log.record(entry(undefined, n))
    assert.deepEqual(
      log.forMailbox('a@x.test').map((e) => e.path),
      ['/p/1', '/p/2', '/p/3'],
    )
    assert.deepEqual(
      log.all().map((e) => e.path),
      ['/p/2', '/p/3', '/p/4', '/p/5', '/p/6'],
    )
    assert.deepEqual(log.forMailbox('b@x.test'), [])
    log.clear()
    assert.deepEqual(log.all(), [])
    assert.deepEqual(log.forMailbox('a@x.test'), [])
  })
})

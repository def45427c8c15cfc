import assert from 'node:assert/strict'

import {Chalk} from 'chalk'

import {colorLevel} from '../../../src/lib/cli/output.js'
import {causeLines, errorEnvelope, humanErrorLines} from '../../../src/lib/cli/render-error.js'
import {ConfigError, HcalError, UsageError} from '../../../src/lib/errors.js'

const plain = new Chalk({level: 0})

describe('error rendering', () => {
  it('lists each suggestion once, in order, in both renderings', () => {
    const error = new HcalError('X', 'Failed.', {suggestions: ['Fix a.', 'Fix b.', 'Fix a.']})
    assert.deepEqual(humanErrorLines(error, plain), [
      'Error: Failed.',
      'Code: X',
      'Try this: Fix a.',
      'Try this: Fix b.',
    ])
    assert.deepEqual(errorEnvelope(error, []).error.suggestions, ['Fix a.', 'Fix b.'])
  })

  it('follows the cause chain, naming the kind of failure the message does not say', () => {
    const io = Object.assign(new Error('permission denied, open /etc/hcal'), {code: 'EACCES'})
    const inner = new ConfigError('CONFIG_UNREADABLE', 'Cannot read the profile.', {cause: io})
    const outer = new HcalError('SYNC_FAILED', 'Sync stopped.', {cause: inner})
    assert.deepEqual(causeLines(outer), [
      'Cannot read the profile. (CONFIG_UNREADABLE)',
      'permission denied, open /etc/hcal (EACCES)',
    ])
    assert.deepEqual(causeLines(new HcalError('X', 'Bad input.', {cause: new TypeError('x is not a function')})), [
      'TypeError: x is not a function',
    ])
  })

  it('does not repeat a cause the message already quotes, and puts a multi-line cause on one line', () => {
    const quoted = new UsageError('X', 'Cannot read f: ENOENT: no such file.', {
      cause: new Error('ENOENT: no such file.'),
    })
    assert.deepEqual(causeLines(quoted), [])
    const parse = new HcalError('X', 'Not JSON.', {cause: new SyntaxError('Unexpected token, "{\n  oops\n" is bad')})
    assert.deepEqual(causeLines(parse), ['SyntaxError: Unexpected token, "{ oops " is bad'])
  })

  it('never prints a cause marked secret, and redacts credentials in any other cause', () => {
    const key = new SyntaxError('Unexpected token \'x\', "xK9#secret-key-material" is not valid JSON')
    const secret = new HcalError('KEY_NOT_JSON', 'The key is not JSON.', {cause: key, secretCause: true})
    assert.deepEqual(causeLines(secret), [])
    assert.ok(!humanErrorLines(secret, plain).join('\n').includes('secret-key-material'))
    const nested = new HcalError('OUTER', 'Could not connect.', {cause: secret})
    assert.deepEqual(causeLines(nested), ['The key is not JSON. (KEY_NOT_JSON)'])
    const bearer = new HcalError('X', 'Refused.', {cause: new Error('401 for Authorization: Bearer abcdefghijklmnop')})
    assert.deepEqual(causeLines(bearer), ['401 for Authorization: Bearer [REDACTED]'])
  })

  it('decides colour per stream: FORCE_COLOR, then NO_COLOR and TERM=dumb, then the stream being a terminal', () => {
    const tty = {isTTY: true}
    const pipe = {isTTY: false}
    assert.equal(colorLevel(tty, {}), 1)
    assert.equal(colorLevel(pipe, {}), 0)
    assert.equal(colorLevel(tty, {NO_COLOR: '1'}), 0)
    assert.equal(colorLevel(tty, {NO_COLOR: ''}), 1)
    assert.equal(colorLevel(tty, {TERM: 'dumb'}), 0)
    assert.equal(colorLevel(pipe, {FORCE_COLOR: '1', NO_COLOR: '1'}), 1)
    assert.equal(colorLevel(pipe, {FORCE_COLOR: '3'}), 3)
    assert.equal(colorLevel(tty, {FORCE_COLOR: '0'}), 0)
  })
})

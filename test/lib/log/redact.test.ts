import assert from 'node:assert/strict'
import {generateKeyPairSync} from 'node:crypto'
import {Writable} from 'node:stream'

import {createLogger} from '../../../src/lib/log/logger.js'
import {redactText, redactValue, registerSecret} from '../../../src/lib/log/redact.js'

const JWT =
  'eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJoY2FsQGV4YW1wbGUuaWFtLmdzZXJ2aWNlYWNjb3VudC5jb20ifQ.c2lnbmF0dXJlLWJ5dGVzLWhlcmU'

describe('redactor', () => {
  it('removes bearer tokens but keeps the scheme', () => {
    assert.equal(redactText('Authorization: Bearer ya29.a0AfH6SMBx-long-token'), 'Authorization: Bearer [REDACTED]')
  })

  it('removes JWT assertions anywhere in a string', () => {
    const out = redactText(`grant_type=jwt-bearer&assertion=${JWT}&x=1`)
    assert.ok(!out.includes('eyJ'), out)
    assert.match(out, /assertion=\[REDACTED\]&x=1/)
  })

  it('removes PEM private keys, raw and JSON-escaped', () => {
    const {privateKey} = generateKeyPairSync('rsa', {modulusLength: 1024})
    const pem = privateKey.export({type: 'pkcs8', format: 'pem'}).toString()
    assert.equal(redactText(`key=${pem}`).includes('PRIVATE KEY'), false)
    const json = JSON.stringify({type: 'service_account', private_key: pem})
    const out = redactText(json)
    assert.ok(!out.includes('MII'), out)
    assert.match(out, /"private_key":"\[REDACTED\]"/)
  })

  it('removes a registered secret wherever it appears, including inside other text', () => {
    registerSecret('canary-Zq9xW3-secret-value')
    assert.equal(redactText('pw is canary-Zq9xW3-secret-value!'), 'pw is [REDACTED]!')
  })

  it('redacts secret-named fields of objects at any depth and leaves other fields alone', () => {
    const out = redactValue({user: 'alice@example.com', nested: {clientSecret: 'abc', headers: {authorization: 'x'}}})
    assert.deepEqual(out, {
      user: 'alice@example.com',
      nested: {clientSecret: '[REDACTED]', headers: {authorization: '[REDACTED]'}},
    })
  })
})

describe('logger', () => {
  function capture(): {stream: Writable; lines: string[]} {
    const lines: string[] = []
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean))
        done()
      },
    })
    return {stream, lines}
  }

  it('writes one redacted JSON object per line in json format', () => {
    const {stream, lines} = capture()
    const logger = createLogger({level: 'debug', format: 'json', stream})
    logger.debug({password: 'hunter2-long', url: `https://x/?access_token=${JWT}`}, `token ${JWT}`)
    assert.equal(lines.length, 1)
    const record = JSON.parse(lines[0]!) as Record<string, string>
    assert.equal(record.level, 'debug')
    assert.equal(record.password, '[REDACTED]')
    assert.ok(!lines[0]!.includes('eyJ'), lines[0])
  })

  it('respects the level and writes text lines in text format', () => {
    const {stream, lines} = capture()
    const logger = createLogger({level: 'warn', format: 'text', stream})
    logger.info('hidden')
    logger.warn({mailbox: 'a@b.test'}, 'shown')
    assert.equal(lines.length, 1)
    assert.match(lines[0]!, /WARN shown mailbox=a@b\.test$/)
  })
})

import assert from 'node:assert/strict'

import {htmlLines} from '../../../../src/lib/core/join/html.js'
import {parseJoin, parseJoinWith} from '../../../../src/lib/core/join/index.js'

describe('parseJoinWith: the HTML reader is the caller’s to load', () => {
  const html = {
    location: '',
    body: '<p><a href="https://acme.webex.com/meet/jane">Join</a></p>',
    bodyType: 'html',
  } as const

  it('reads a text body without any HTML reader, as parseJoin does', () => {
    const text = {location: 'Room 4', body: 'Join: https://acme.webex.com/meet/jane', bodyType: 'text'} as const
    assert.deepEqual(parseJoinWith(text, {}), parseJoin(text))
    assert.equal(parseJoinWith(text, {}).join?.url, 'https://acme.webex.com/meet/jane')
  })

  it('reads an HTML body with the reader it is given, and refuses one without', () => {
    assert.deepEqual(parseJoinWith(html, {}, htmlLines), parseJoin(html))
    assert.equal(parseJoinWith(html, {}, htmlLines).join?.url, 'https://acme.webex.com/meet/jane')
    assert.throws(() => parseJoinWith(html, {}), /an HTML body needs an HtmlReader/)
  })
})

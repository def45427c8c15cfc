import assert from 'node:assert/strict'
import {parseJoin, type JoinInput} from '../../../../src/lib/core/join/index.js'

// Correctness on large hostile inputs; their speed is measured by scripts/bench-parser.ts, not asserted here.
const MB = 1024 * 1024
const zoom = 'https://acme.zoom.us/j/85012345678?pwd=a.1'

function fill(unit: string, bytes = MB): string {
  return unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes)
}

function firstUrl(input: JoinInput): string | null {
  return parseJoin(input).join?.url ?? null
}

describe('join detection: large adversarial inputs', () => {
  it('finds the link after a megabyte of repeated schemes', () => {
    assert.equal(firstUrl({location: '', body: `${fill('https://')}\nJoin: ${zoom}`, bodyType: 'text'}), zoom)
  })

  it('finds the link after a megabyte without spaces, and ignores an over-long URL', () => {
    assert.equal(firstUrl({location: '', body: `${fill('x')} ${zoom}`, bodyType: 'text'}), zoom)
    assert.equal(
      firstUrl({location: '', body: `https://zoom.us/j/8501234567${fill('1', 10000)}`, bodyType: 'text'}),
      null,
    )
  })

  it('survives address floods without inventing video addresses', () => {
    for (const unit of ['a@', 'x.y@', '@acme.webex.com', 'sip:']) {
      const decision = parseJoin({location: '', body: fill(unit), bodyType: 'text'})
      assert.ok(decision.candidates.length <= 64, unit)
      for (const candidate of decision.candidates) assert.match(candidate.sip ?? '', /@acme\.webex\.com$/)
    }
    const realAfterFlood = parseJoin({location: '', body: `${fill('a@')}\nDial 2550@acme.webex.com`, bodyType: 'text'})
    assert.deepEqual(realAfterFlood.join, {url: null, sip: '2550@acme.webex.com', service: 'webex'})
  })

  it('decodes nothing from percent floods and huge Proofpoint tokens, and still reads the next link', () => {
    const flood = `https://nam02.safelinks.protection.outlook.com/?url=${fill('%')}\n${zoom}`
    assert.equal(firstUrl({location: '', body: flood, bodyType: 'text'}), zoom)
    const proofpoint = `https://urldefense.com/v3/__https://zoom.us/j/1__;${fill('A')}!!x$ ${zoom}`
    assert.equal(firstUrl({location: '', body: proofpoint, bodyType: 'text'}), zoom)
  })

  it('reads HTML after a megabyte of "<", deeply nested and unbalanced tags', () => {
    const link = `<a href="${zoom}">Join</a>`
    assert.equal(firstUrl({location: '', body: fill('<') + ` ${zoom}`, bodyType: 'html'}), zoom)
    assert.equal(firstUrl({location: '', body: fill('<div>') + link, bodyType: 'html'}), zoom)
    assert.equal(
      firstUrl({location: '', body: fill('<div>', MB / 2) + fill('</b>', MB / 2) + link, bodyType: 'html'}),
      zoom,
    )
    // A megabyte of unclosed blockquotes quotes everything after it.
    assert.equal(firstUrl({location: '', body: fill('<blockquote>') + link, bodyType: 'html'}), null)
  })

  it('treats a megabyte of quote markers and labels as text', () => {
    assert.equal(
      firstUrl({location: '', body: `${zoom}\n${fill('-----Original Message-----\n')}`, bodyType: 'text'}),
      zoom,
    )
    assert.equal(firstUrl({location: '', body: `${fill('From: a\n')}${zoom}`, bodyType: 'text'}), zoom)
    assert.equal(firstUrl({location: '', body: `${fill('\n')}${zoom}`, bodyType: 'text'}), zoom)
  })

  it('finds the keyword after a megabyte of glued occurrences in the location', () => {
    assert.equal(parseJoin({location: `${fill('x@webex')} @webex`, body: '', bodyType: 'text'}).keyword, '@webex')
    assert.equal(parseJoin({location: fill('x@webex'), body: '', bodyType: 'text'}).keyword, null)
  })
})

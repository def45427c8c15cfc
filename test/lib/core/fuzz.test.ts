/**
 * Property-based fuzzing (fast-check) of the two pieces that read and rewrite what users type: the join
 * parser and the join-block writer. Generated bodies mix arbitrary Unicode with the fragments real
 * invitations carry; a failure prints its seed and the shrunk input, so it can be replayed.
 */
import assert from 'node:assert/strict'

import fc from 'fast-check'

import {DEFAULT_KEYWORDS, parseJoin} from '../../../src/lib/core/join/index.js'
import {JOIN_BLOCK_LANGUAGES} from '../../../src/lib/core/i18n/index.js'
import {applyJoinBlock, bodyNewline} from '../../../src/lib/core/joinblock/apply.js'
import type {KeywordJoinDetails} from '../../../src/lib/core/joinblock/details.js'
import {locateJoinBlocks} from '../../../src/lib/core/joinblock/locate.js'
import {HTML_BLOCK_ID, renderJoinBlock, TEXT_BEGIN, TEXT_END} from '../../../src/lib/core/joinblock/render.js'

const RUNS = 400

const TEXT_FRAGMENTS = [
  'Agenda',
  '\n',
  '\r\n',
  '\n\n',
  '\t',
  '  ',
  'Zoom: https://zoom.us/j/123?pwd=a',
  'https://acme.webex.com/meet/jane',
  'sip:jane@acme.webex.com',
  'Join by video system',
  '> quoted https://teams.microsoft.com/l/meetup-join/x',
  'https://safelinks.protection.outlook.com/?url=https%3A%2F%2Fzoom.us%2Fj%2F9',
  '--- not a sentinel ---',
  '😀',
  '𝒳',
  'e\u0301',
  '会議室',
  '\u200b',
  '\ufeff',
  '&amp;',
  '<b>',
]

const HTML_FRAGMENTS = [
  '<p>Agenda</p>',
  '<br>',
  '<div>😀 𝒳 会議</div>',
  '&nbsp;',
  '<!-- user comment -->',
  '<a href="https://zoom.us/j/1">z</a>',
  '<a href="https://acme.webex.com/meet/jane">Join</a>',
  '<p style="x">trailing </p>   ',
  '<table><tr><td>a</td></tr></table>',
  '<div id="other">x</div>',
  '<blockquote>https://meet.google.com/abc-defg-hij</blockquote>',
  '<script>alert(1)</script>',
  '<p',
  '</div>',
  '<!--',
  '\r\n',
]

/** Strings users and clients produce: real fragments interleaved with arbitrary (full Unicode) text. */
function bodyOf(fragments: readonly string[]): fc.Arbitrary<string> {
  return fc
    .array(fc.oneof(fc.constantFrom(...fragments), fc.string({unit: 'grapheme', maxLength: 12})), {maxLength: 14})
    .map((parts) => parts.join(''))
}

/** Markup that leaves a tag or comment open: it swallows what follows, so where a block sits becomes ambiguous. */
const BROKEN_HTML = new Set(['<p', '</div>', '<!--'])

const textBody = bodyOf(TEXT_FRAGMENTS)
function htmlOf(fragments: readonly string[]): fc.Arbitrary<string> {
  return fc
    .tuple(bodyOf(fragments), fc.boolean())
    .map(([inner, wrapped]) =>
      wrapped ? `<html><head><style>p{}</style></head><body>${inner}</body></html>\r\n` : inner,
    )
}
const htmlBody = htmlOf(HTML_FRAGMENTS)
const wellFormedHtml = htmlOf(HTML_FRAGMENTS.filter((fragment) => !BROKEN_HTML.has(fragment))).filter(
  (body) => !/<[^>]*$|<!--(?![\s\S]*-->)/.test(body),
)

/** Details as templates may render them, with characters that must be escaped in HTML. */
const details: fc.Arbitrary<KeywordJoinDetails> = fc.record({
  keyword: fc.constantFrom(...DEFAULT_KEYWORDS),
  kind: fc.constantFrom('personalRoom' as const, 'space' as const),
  url: fc.webUrl({withQueryParameters: true, withFragments: true}).map((url) => `${url}&x="<'>`),
  sip: fc.emailAddress(),
})
const language = fc.constantFrom(...JOIN_BLOCK_LANGUAGES)

/** hcal's own identifiers: a generated body holding them is a different property (traces), so it is set aside. */
function free(body: string): boolean {
  return !body.includes(TEXT_BEGIN) && !body.includes(TEXT_END) && !body.includes(HTML_BLOCK_ID)
}

describe('fuzz: the join parser', () => {
  for (const bodyType of ['text', 'html'] as const) {
    it(`${bodyType}: never throws, and what it returns is well formed`, () => {
      fc.assert(
        fc.property(bodyType === 'text' ? textBody : htmlBody, textBody, (body, location) => {
          const decision = parseJoin({body, bodyType, location})
          assert.ok(decision.keyword === null || DEFAULT_KEYWORDS.includes(decision.keyword))
          assert.ok(Array.isArray(decision.candidates))
          if (decision.join !== null) assert.ok(decision.candidates.length > 0, 'a join target comes from a candidate')
        }),
        {numRuns: RUNS},
      )
    })
  }

  it('finds a keyword typed anywhere in the location, whatever surrounds it', () => {
    fc.assert(
      fc.property(fc.constantFrom(...DEFAULT_KEYWORDS), fc.string({maxLength: 20}), (keyword, rest) => {
        const decision = parseJoin({body: '', bodyType: 'text', location: `${keyword} ${rest}`})
        assert.equal(decision.keyword, keyword)
      }),
      {numRuns: RUNS},
    )
  })
})

describe('fuzz: the join-block writer', () => {
  for (const bodyType of ['text', 'html'] as const) {
    const body = (bodyType === 'text' ? textBody : htmlBody).filter(free)

    it(`${bodyType}: insert, re-apply, update and remove keep every byte outside the block`, () => {
      fc.assert(
        fc.property(body, details, details, language, language, (original, first, second, lang1, lang2) => {
          const newline = bodyNewline(original)
          const block = renderJoinBlock(first, bodyType, lang1, newline)
          const inserted = applyJoinBlock(original, bodyType, block)
          assert.equal(locateJoinBlocks(inserted, bodyType).regions.length, 1)
          assert.equal(applyJoinBlock(inserted, bodyType, block), inserted, 're-applying changes nothing')
          const updated = applyJoinBlock(inserted, bodyType, renderJoinBlock(second, bodyType, lang2, newline))
          assert.equal(locateJoinBlocks(updated, bodyType).regions.length, 1)
          assert.equal(applyJoinBlock(updated, bodyType, null), original, 'removal restores the body byte for byte')
        }),
        {numRuns: RUNS},
      )
    })

    // Around an existing block, broken markup typed before it changes what the block is; well-formed text must not move.
    const around = (bodyType === 'text' ? textBody : wellFormedHtml).filter(free)
    it(`${bodyType}: user text typed before and after an existing block survives a rewrite byte for byte`, () => {
      fc.assert(
        fc.property(around, around, details, details, language, (before, after, first, second, lang) => {
          const old = renderJoinBlock(first, bodyType, lang, '\n')
          const fresh = renderJoinBlock(second, bodyType, lang, '\n')
          const rewritten = applyJoinBlock(before + old + after, bodyType, fresh)
          const [region] = locateJoinBlocks(rewritten, bodyType).regions
          assert.ok(region)
          assert.equal(rewritten.slice(0, region.start), before)
          assert.equal(rewritten.slice(region.end), after)
        }),
        {numRuns: RUNS},
      )
    })
  }

  it('an HTML block escapes every value it carries: no generated detail adds markup outside its own', () => {
    fc.assert(
      fc.property(details, language, (generated, lang) => {
        const block = renderJoinBlock(generated, 'html', lang)
        const tags = block.match(/<[a-z/!][^>]*>/gi) ?? []
        const fixed = renderJoinBlock({...generated, url: 'https://a', sip: 'a@b'}, 'html', lang).match(
          /<[a-z/!][^>]*>/gi,
        )
        assert.equal(tags.length, fixed?.length)
      }),
      {numRuns: RUNS},
    )
  })
})

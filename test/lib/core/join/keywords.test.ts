import assert from 'node:assert/strict'
import {DEFAULT_KEYWORDS, findKeyword} from '../../../../src/lib/core/join/index.js'

describe('join detection: location keywords', () => {
  it('defaults to @webex and @meet', () => {
    assert.deepEqual(DEFAULT_KEYWORDS, ['@webex', '@meet'])
  })

  const cases: [string, ReturnType<typeof findKeyword>][] = [
    ['@webex', {keyword: '@webex', variant: null}],
    ['@WebEx', {keyword: '@webex', variant: null}],
    ['@meet:space', {keyword: '@meet', variant: 'space'}],
    ['@MEET:MyRoom', {keyword: '@meet', variant: 'myroom'}],
    ['Room 4; @webex:myroom', {keyword: '@webex', variant: 'myroom'}],
    ['(@webex)', {keyword: '@webex', variant: null}],
    ['"@meet", Building 2', {keyword: '@meet', variant: null}],
    ['Use @webex.', {keyword: '@webex', variant: null}],
    ['@webex: Room 5', {keyword: '@webex', variant: null}],
    ['\t@webex\n', {keyword: '@webex', variant: null}],
    ['会議室 @webex', {keyword: '@webex', variant: null}],
    ['jane@webex.com', null],
    ['jane@webex', null],
    ['@webexy', null],
    ['@webex.com', null],
    ['@webex-team', null],
    ['@webex_1', null],
    ['@webex@acme.com', null],
    ['@webex:teams', null],
    ['@webex:spaces', null],
    ['@meeting', null],
    ['https://intranet.example/@webex', null],
    ['https://intranet.example/?q=@meet', null],
    ['@spark', null],
    ['webex', null],
    ['', null],
  ]
  for (const [location, expected] of cases) {
    it(`${JSON.stringify(location)} -> ${expected ? `${expected.keyword}${expected.variant ? ':' + expected.variant : ''}` : 'none'}`, () => {
      assert.deepEqual(findKeyword(location), expected)
    })
  }

  it('takes the keyword that comes first in the location and skips glued occurrences before it', () => {
    assert.deepEqual(findKeyword('jane@webex.com then @meet then @webex'), {keyword: '@meet', variant: null})
  })

  it('uses configured keywords, trimmed and case-insensitive', () => {
    assert.deepEqual(findKeyword('Board @Zoom', [' @ZOOM ']), {keyword: '@zoom', variant: null})
    assert.equal(findKeyword('@webex', ['@zoom']), null)
    assert.equal(findKeyword('@webex', ['']), null)
  })
})

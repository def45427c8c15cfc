import assert from 'node:assert/strict'

import {applyJoinBlock, bodyNewline} from '../../../../src/lib/core/joinblock/apply.js'
import {locateJoinBlocks} from '../../../../src/lib/core/joinblock/locate.js'
import {renderJoinBlock} from '../../../../src/lib/core/joinblock/render.js'

const ROOM = {
  keyword: '@webex',
  kind: 'personalRoom' as const,
  url: 'https://acme.webex.com/meet/jane',
  sip: 'jane@acme.webex.com',
}
const MOVED = {...ROOM, url: 'https://acme.webex.com/meet/jane.doe', sip: 'jane.doe@acme.webex.com'}

describe('applyJoinBlock', () => {
  it('appends a text block after one blank line and takes exactly that away again', () => {
    const block = renderJoinBlock(ROOM, 'text', 'en')
    assert.equal(applyJoinBlock('Agenda', 'text', block), `Agenda\n\n${block}`)
    assert.equal(applyJoinBlock(`Agenda\n\n${block}`, 'text', null), 'Agenda')
    assert.equal(applyJoinBlock('', 'text', block), block)
    assert.equal(applyJoinBlock(block, 'text', null), '')
  })

  it('writes CRLF blocks into CRLF bodies', () => {
    const body = 'Line one\r\nLine two\r\n'
    assert.equal(bodyNewline(body), '\r\n')
    const block = renderJoinBlock(ROOM, 'text', 'en', bodyNewline(body))
    const written = applyJoinBlock(body, 'text', block)
    assert.equal(written, `Line one\r\nLine two\r\n\r\n\r\n${block}`)
    assert.ok(!written.replaceAll('\r\n', '').includes('\n'))
  })

  it('puts an HTML block before </body> and leaves the rest alone', () => {
    const block = renderJoinBlock(ROOM, 'html', 'en')
    const body = '<html><body><p>Hi</p></body></html>'
    assert.equal(applyJoinBlock(body, 'html', block), `<html><body><p>Hi</p>${block}</body></html>`)
    assert.equal(applyJoinBlock('<p>Hi</p>', 'html', block), `<p>Hi</p>${block}`)
  })

  it('replaces the block in place, keeping user text written after it', () => {
    const old = renderJoinBlock(ROOM, 'text', 'en')
    const fresh = renderJoinBlock(MOVED, 'text', 'de')
    const body = `Before\n\n${old}\nAfter, typed by the user  `
    assert.equal(applyJoinBlock(body, 'text', fresh), `Before\n\n${fresh}\nAfter, typed by the user  `)
  })

  it('collapses duplicate blocks into one', () => {
    const block = renderJoinBlock(ROOM, 'html', 'en')
    const body = `<p>a</p>${block}<p>b</p>${block}<p>c</p>`
    assert.equal(applyJoinBlock(body, 'html', block), `<p>a</p>${block}<p>b</p><p>c</p>`)
  })

  it('puts an HTML block where it can be found again when the body ends in an unclosed tag or comment', () => {
    const block = renderJoinBlock(ROOM, 'html', 'en')
    for (const body of ['<p>Hi</p><p', '<p>Hi</p><!-- draft', '<html><body><p>Hi<p</body></html>']) {
      const written = applyJoinBlock(body, 'html', block)
      assert.equal(locateJoinBlocks(written, 'html').regions.length, 1, body)
      assert.equal(applyJoinBlock(written, 'html', block), written, `a re-run adds no second block: ${body}`)
      assert.equal(applyJoinBlock(written, 'html', null), body)
    }
    assert.equal(applyJoinBlock('<p>Hi</p><p', 'html', block), `${block}<p>Hi</p><p`)
  })
})

describe('locateJoinBlocks', () => {
  it('finds an HTML block whose comments a client dropped, by its (x_-prefixed) id', () => {
    const body =
      '<div>Hi</div><div id="x_hcal-join-block" data-hcal-version="1"><p>Join <a href="https://a">a</a></p><div>nested</div></div><p>tail</p>'
    const {regions} = locateJoinBlocks(body, 'html')
    assert.equal(regions.length, 1)
    const [region] = regions
    assert.equal(body.slice(region?.start, region?.end), body.slice(13, body.indexOf('<p>tail')))
  })

  it('tolerates re-serialised comment sentinels', () => {
    const body =
      '<p>x</p><!--hcal-join-block:begin--><DIV ID="hcal-join-block"><P>Join</P></DIV><!--  hcal-join-block:end  -->'
    assert.deepEqual(locateJoinBlocks(body, 'html'), {regions: [{start: 8, end: body.length}], trace: false})
  })

  it('reports a trace when only half a block survives', () => {
    assert.deepEqual(locateJoinBlocks('<p>x</p><!-- hcal-join-block:begin --><p>Join</p>', 'html'), {
      regions: [],
      trace: true,
    })
    assert.deepEqual(locateJoinBlocks('x\n--- hcal join details: begin ---\nJoin', 'text'), {regions: [], trace: true})
    assert.deepEqual(locateJoinBlocks('x\nJoin\n--- hcal join details: end ---', 'text'), {regions: [], trace: true})
    const converted = '<p>x</p><p>--- hcal join details: begin ---<br>Join<br>--- hcal join details: end ---</p>'
    assert.deepEqual(locateJoinBlocks(converted, 'html'), {regions: [], trace: true})
  })
})

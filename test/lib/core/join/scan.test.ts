import assert from 'node:assert/strict'
import {scanLine, trimTrailing, type Finding} from '../../../../src/lib/core/join/scan.js'

function scan(line: string): Finding[] {
  const findings: Finding[] = []
  scanLine(line, (finding) => {
    findings.push(finding)
    return true
  })
  return findings
}

const url = (value: string): Finding => ({kind: 'url', url: value})
const address = (value: string, sipUri = false): Finding => ({kind: 'address', address: value, sipUri})

describe('join detection: line scanner', () => {
  const trims: [string, string][] = [
    ['https://zoom.us/j/123.', 'https://zoom.us/j/123'],
    ['https://zoom.us/j/123).', 'https://zoom.us/j/123'],
    ["https://zoom.us/j/123?!'", 'https://zoom.us/j/123'],
    ['https://en.wikipedia.org/wiki/Zoom_(software)', 'https://en.wikipedia.org/wiki/Zoom_(software)'],
    ['https://en.wikipedia.org/wiki/Zoom_(software))', 'https://en.wikipedia.org/wiki/Zoom_(software)'],
    ['https://x.example/a]}', 'https://x.example/a'],
    ['https://x.example/{a}', 'https://x.example/{a}'],
    ['https://x.example/a:;,', 'https://x.example/a'],
    ['https://x.example/?a=1&b=2', 'https://x.example/?a=1&b=2'],
  ]
  for (const [raw, trimmed] of trims) {
    it(`trims ${raw} to ${trimmed}`, () => assert.equal(trimTrailing(raw), trimmed))
  }

  it('reads Outlook "text<url>" forms and several links on a line, in order', () => {
    assert.deepEqual(scan('Join<https://zoom.us/j/1234567890> or https://meet.jit.si/X, then sip:1@vc.example'), [
      url('https://zoom.us/j/1234567890'),
      url('https://meet.jit.si/X'),
      address('1@vc.example', true),
    ])
  })

  it('stops at spaces, quotes, non-ASCII text and escaped brackets', () => {
    assert.deepEqual(scan('"https://a.example/x"'), [url('https://a.example/x')])
    assert.deepEqual(scan('参加：https://a.example/x（ID）'), [url('https://a.example/x')])
    assert.deepEqual(scan('&lt;https://a.example/x&gt;'), [url('https://a.example/x')])
  })

  it('adds a scheme to bare Meet links only when they stand alone', () => {
    assert.deepEqual(scan('(meet.google.com/abc-defg-hij)'), [url('https://meet.google.com/abc-defg-hij')])
    assert.deepEqual(scan('xmeet.google.com/abc-defg-hij'), [])
  })

  it('reads addresses but not the inside of words or URLs', () => {
    assert.deepEqual(scan('mail jane.doe+x@Acme.Example.'), [address('jane.doe+x@acme.example')])
    assert.deepEqual(scan('gossip:jane@acme.example'), [address('jane@acme.example')])
    assert.deepEqual(scan("dial 'room@vc.example' or id=desk@vc.example"), [
      address('room@vc.example'),
      address('desk@vc.example'),
    ])
    assert.deepEqual(scan('https://x.example/?u=jane@acme.example'), [url('https://x.example/?u=jane@acme.example')])
    assert.deepEqual(scan('a@b @acme.example jane@localhost x@y.z1'), [])
  })
})

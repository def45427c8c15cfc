import assert from 'node:assert/strict'
import {parseJoin} from '../../../../src/lib/core/join/index.js'

const zoom = 'https://acme.zoom.us/j/85012345678?pwd=a.1'
const webex = 'https://acme.webex.com/acme/j.php?MTID=m0123'
const meet = 'https://meet.google.com/abc-defg-hij'

describe('join detection: precedence and de-duplication', () => {
  it('orders structured data, then the location, then the body', () => {
    const decision = parseJoin({
      location: `Room 1 ${zoom}`,
      body: `Join: ${webex}`,
      bodyType: 'text',
      conference: [{solution: 'hangoutsMeet', url: meet}],
    })
    assert.deepEqual(
      decision.candidates.map((candidate) => [candidate.source, candidate.service]),
      [
        ['structured', 'meet'],
        ['location', 'zoom'],
        ['body', 'webex'],
      ],
    )
    assert.deepEqual(decision.join, {url: meet, sip: null, service: 'meet'})
  })

  it('keeps the first occurrence of a link, with its source, when it appears again later', () => {
    const variant = 'HTTPS://ACME.ZOOM.US/j/85012345678/?pwd=a.1#top'
    const decision = parseJoin({location: zoom, body: `${zoom}\n${variant}`, bodyType: 'text'})
    assert.deepEqual(decision.candidates, [{url: zoom, service: 'zoom', source: 'location'}])
  })

  it('merges a wrapped link with its unwrapped form', () => {
    const wrapped = `https://nam02.safelinks.protection.outlook.com/?url=${encodeURIComponent(zoom)}&data=05`
    const decision = parseJoin({location: '', body: `${wrapped}\n${zoom}`, bodyType: 'text'})
    assert.deepEqual(decision.candidates, [{url: zoom, service: 'zoom', source: 'body'}])
  })

  it('fills the join target from a video address of the same meeting, in either direction', () => {
    const urlFirst = parseJoin({location: '', body: `${webex}\nDial 2550@acme.webex.com`, bodyType: 'text'})
    assert.deepEqual(urlFirst.join, {url: webex, sip: '2550@acme.webex.com', service: 'webex'})
    const sipFirst = parseJoin({location: 'sip:2550@acme.webex.com', body: webex, bodyType: 'text'})
    assert.deepEqual(sipFirst.join, {url: webex, sip: '2550@acme.webex.com', service: 'webex'})
  })

  it('does not pair addresses of another provider, or of another domain for other platforms', () => {
    const mixed = parseJoin({location: '', body: `${zoom}\nDial 2550@acme.webex.com`, bodyType: 'text'})
    assert.deepEqual(mixed.join, {url: zoom, sip: null, service: 'zoom'})
    const other = parseJoin(
      {
        location: '',
        body: 'https://vc.one.example/r/1\nsip:r1@vc.one.example\nsip:r2@vc.two.example',
        bodyType: 'text',
      },
      {extraJoinDomains: ['one.example']},
    )
    assert.deepEqual(other.join, {url: 'https://vc.one.example/r/1', sip: 'r1@vc.one.example', service: 'other'})
  })

  it('keeps a structured URL on an unknown host, with the provider its solution names', () => {
    const decision = parseJoin({
      location: '',
      body: '',
      bodyType: 'text',
      conference: [
        {solution: 'zoomAddOn', url: 'https://zoom-partner.example/start/1', sip: '1@zoomcrc.com'},
        {solution: 'addOn', url: 'tel:+15551234'},
      ],
    })
    assert.deepEqual(decision.candidates, [
      {url: 'https://zoom-partner.example/start/1', service: 'zoom', source: 'structured'},
      {sip: '1@zoomcrc.com', service: 'zoom', source: 'structured'},
    ])
  })

  it('returns null join and no candidates when nothing is joinable', () => {
    assert.deepEqual(parseJoin({location: '@webex', body: 'See https://zoom.us/download', bodyType: 'text'}), {
      keyword: '@webex',
      join: null,
      candidates: [],
    })
  })

  it('stops after 64 distinct candidates, keeping the earliest', () => {
    const body = Array.from({length: 200}, (_, index) => `https://zoom.us/j/${8500000000 + index}`).join('\n')
    const decision = parseJoin({location: '', body, bodyType: 'text'})
    assert.equal(decision.candidates.length, 64)
    assert.equal(decision.candidates[0]?.url, 'https://zoom.us/j/8500000000')
    assert.equal(decision.candidates[63]?.url, 'https://zoom.us/j/8500000063')
  })
})

import assert from 'node:assert/strict'
import {parseJoin, type JoinOptions} from '../../../../src/lib/core/join/index.js'

function sips(body: string, options?: JoinOptions, bodyType: 'text' | 'html' = 'text') {
  return parseJoin({location: '', body, bodyType}, options)
    .candidates.filter((candidate) => candidate.sip !== undefined)
    .map(({sip, service}) => `${sip} ${service}`)
}

describe('join detection: SIP and video addresses', () => {
  it('reads sip: and sips: URIs without the scheme or URI parameters, on any domain', () => {
    assert.deepEqual(sips('Dial sip:room@vc.acme.example;transport=tls or SIPS:Board@VC.Acme.Example?x=1'), [
      'room@vc.acme.example other',
      'Board@vc.acme.example other',
    ])
  })

  it('treats addresses on a video-system line as video addresses, in every template language', () => {
    const labels = [
      'Join by video system: 8001@vc.acme.example',
      'Video address: 8001@vc.acme.example',
      'Join by SIP 8001@vc.acme.example',
      'Über Videosystem beitreten: 8001@vc.acme.example',
      'Wählen Sie sich über ein Videosystem ein: 8001@vc.acme.example',
      'Rejoindre par un système vidéo : 8001@vc.acme.example',
      'Entrar desde un sistema de vídeo: 8001@vc.acme.example',
      'Dołącz z systemu wideo: 8001@vc.acme.example',
      'ビデオ システムから参加: 8001@vc.acme.example',
      'Join with a video conferencing device: 8001@vc.acme.example',
    ]
    for (const line of labels) assert.deepEqual(sips(line), ['8001@vc.acme.example other'], line)
  })

  it('lets a label line without an address introduce the next non-empty line only', () => {
    assert.deepEqual(sips('Join by video system\n\nDial 8001@vc.acme.example\nMail jane@acme.example'), [
      '8001@vc.acme.example other',
    ])
    assert.deepEqual(sips('Join by video system\nOrganizer notes\nDial 8001@vc.acme.example'), [])
  })

  it('never treats a plain mail address as a video address', () => {
    assert.deepEqual(sips('Contact jane@example.com, RSVP to events@acme.com, or write to messenger@webex.com'), [])
    assert.deepEqual(sips('Office gossip:jane@example.com and a dialogue about sip'), [])
  })

  it('knows the video domains of Webex sites, Webex for Teams, Zoom, ZoomGov, Chime and Teams interop gateways', () => {
    assert.deepEqual(
      sips(
        '25501234567@acme.webex.com 1122334455.acme@m.webex.com 85012345678@zoomcrc.com ' +
          '1612345678@sip.zoomgov.com 1234567890@meet.chime.in 123456789@acme.teams.bjn.vc acme@t.plcm.vc',
      ),
      [
        '25501234567@acme.webex.com webex',
        '1122334455.acme@m.webex.com teams',
        '85012345678@zoomcrc.com zoom',
        '1612345678@sip.zoomgov.com zoom',
        '1234567890@meet.chime.in chime',
        '123456789@acme.teams.bjn.vc teams',
        'acme@t.plcm.vc teams',
      ],
    )
  })

  it('adds profile video domains and their subdomains', () => {
    assert.deepEqual(
      sips('Room: boardroom@video.acme.example, eu@eu.video.acme.example', {videoDomains: ['video.acme.example']}),
      ['boardroom@video.acme.example other', 'eu@eu.video.acme.example other'],
    )
  })

  it('reads video addresses from HTML sip: links and their text', () => {
    const html = '<p>Join by video system</p><p><a href="sip:8001@vc.acme.example">8001@vc.acme.example</a></p>'
    assert.deepEqual(sips(html, undefined, 'html'), ['8001@vc.acme.example other'])
  })
})

import assert from 'node:assert/strict'

import {renderJoinBlock} from '../../../../src/lib/core/joinblock/render.js'

const ROOM = {
  keyword: '@webex',
  kind: 'personalRoom' as const,
  url: 'https://acme.webex.com/meet/jane',
  sip: 'jane@acme.webex.com',
}

describe('renderJoinBlock', () => {
  it('renders the English text block between fixed sentinel lines', () => {
    assert.equal(
      renderJoinBlock(ROOM, 'text', 'en'),
      [
        '--- hcal join details: begin ---',
        'Join the meeting',
        'Join from the app or a browser: https://acme.webex.com/meet/jane',
        'Join from a video system or application: jane@acme.webex.com',
        'Join details added by hcal because the location contains @webex.',
        '--- hcal join details: end ---',
      ].join('\n'),
    )
  })

  it('renders each language', () => {
    const expected = {
      de: [
        'An der Besprechung teilnehmen',
        'Über die App oder einen Browser teilnehmen: https://acme.webex.com/meet/jane',
      ],
      ja: ['会議に参加', 'アプリまたはブラウザーから参加: https://acme.webex.com/meet/jane'],
      pl: ['Dołącz do spotkania', 'Dołącz z aplikacji lub przeglądarki: https://acme.webex.com/meet/jane'],
      fr: ['Rejoindre la réunion', 'Rejoindre depuis l’application ou un navigateur: https://acme.webex.com/meet/jane'],
      es: ['Unirse a la reunión', 'Unirse desde la aplicación o un navegador: https://acme.webex.com/meet/jane'],
    } as const
    for (const [language, [heading, link]] of Object.entries(expected)) {
      const lines = renderJoinBlock(ROOM, 'text', language as keyof typeof expected).split('\n')
      assert.equal(lines[1], heading)
      assert.equal(lines[2], link)
    }
  })

  it('renders an HTML block with sentinels, id, version and language', () => {
    const html = renderJoinBlock(ROOM, 'html', 'de')
    assert.ok(
      html.startsWith('<!-- hcal-join-block:begin --><div id="hcal-join-block" data-hcal-version="1" lang="de"'),
    )
    assert.ok(html.endsWith('</div><!-- hcal-join-block:end -->'))
    assert.ok(html.includes('<b>An der Besprechung teilnehmen</b>'))
    assert.ok(html.includes('<a href="sip:jane@acme.webex.com">jane@acme.webex.com</a>'))
  })

  it('escapes values in markup', () => {
    const html = renderJoinBlock({...ROOM, url: 'https://x.test/a?b=1&c="2"<', sip: 'a<b>@x.test'}, 'html', 'en')
    assert.ok(
      html.includes('<a href="https://x.test/a?b=1&amp;c=&quot;2&quot;<">https://x.test/a?b=1&amp;c="2"&lt;</a>'),
    )
    assert.ok(html.includes('<a href="sip:a<b>@x.test">a&lt;b&gt;@x.test</a>'))
  })
})

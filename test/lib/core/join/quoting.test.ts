import assert from 'node:assert/strict'
import {htmlLines} from '../../../../src/lib/core/join/html.js'
import {markQuoted, textLines} from '../../../../src/lib/core/join/quoting.js'

function quotedTexts(body: string): string[] {
  const lines = markQuoted(textLines(body))
  return lines.texts.filter((text, index) => lines.quoted[index] && text.trim() !== '')
}

describe('join detection: quoted earlier messages', () => {
  const separators = [
    '-----Original Appointment-----',
    '-----Original Message-----',
    '-----Ursprünglicher Termin-----',
    '-----Ursprüngliche Nachricht-----',
    "-----Rendez-vous d'origine-----",
    "-----Message d'origine-----",
    '-----Cita original-----',
    '-----Mensaje original-----',
    '-----Oryginalny termin-----',
    '-----Wiadomość oryginalna-----',
    '-----元の予定-----',
    '-----元のメッセージ-----',
  ]
  for (const separator of separators) {
    it(`quotes everything from "${separator}" on`, () => {
      assert.deepEqual(quotedTexts(`new text\n${separator}\nold link\n\nold footer`), [
        separator,
        'old link',
        'old footer',
      ])
    })
  }

  const headers: [string, string][] = [
    ['From: Jane <jane@acme.com>', 'Sent: Monday, January 5, 2026 9:00 AM'],
    ['*From:* Jane', '*Sent:* Monday'],
    ['Von: Max', 'Gesendet: Montag, 5. Januar 2026 09:00'],
    ['De : Jean', 'Envoyé : lundi 5 janvier 2026 09:00'],
    ['De: Juan', 'Enviado el: lunes, 5 de enero de 2026 9:00'],
    ['Od: Jan', 'Wysłano: poniedziałek, 5 stycznia 2026 09:00'],
    ['差出人: 山田 太郎', '送信日時: 2026年1月5日 9:00'],
  ]
  for (const [from, sent] of headers) {
    it(`quotes from a "${from.slice(0, 8)}" header followed by "${sent.slice(0, 10)}"`, () => {
      assert.deepEqual(quotedTexts(`new\n${from}\nTo: Team\n${sent}\nold`), [from, 'To: Team', sent, 'old'])
    })
  }

  it('does not take a lone From: line, or one whose Sent: line is too far away, for a header', () => {
    assert.deepEqual(quotedTexts('From: 10:00\nTo: 11:00\nRoom 4'), [])
    assert.deepEqual(quotedTexts('From: Jane\na\nb\nc\nSent: Monday'), [])
  })

  it('quotes from a Gmail-style attribution line, also when it wraps', () => {
    assert.deepEqual(quotedTexts('new\nOn Mon, Jan 5, 2026 at 9:00 AM Jane Doe <jane@acme.com> wrote:\nold'), [
      'On Mon, Jan 5, 2026 at 9:00 AM Jane Doe <jane@acme.com> wrote:',
      'old',
    ])
    assert.deepEqual(quotedTexts('new\nOn Mon, Jan 5, 2026 at 9:00 AM Jane Doe <\njane@acme.com> wrote:\nold'), [
      'jane@acme.com> wrote:',
      'old',
    ])
    assert.deepEqual(quotedTexts('neu\nAm Mo., 5. Jan. 2026 um 09:00 Uhr schrieb Max <max@acme.de>:\nalt'), [
      'Am Mo., 5. Jan. 2026 um 09:00 Uhr schrieb Max <max@acme.de>:',
      'alt',
    ])
    assert.deepEqual(quotedTexts('neu\nLe lun. 5 janv. 2026 à 09:00, Jean <jean@acme.fr> a écrit :\nancien'), [
      'Le lun. 5 janv. 2026 à 09:00, Jean <jean@acme.fr> a écrit :',
      'ancien',
    ])
    assert.deepEqual(quotedTexts('On the agenda:\nitems'), [])
  })

  it('reads a forwarded invitation: forwarding one to a room calendar is how rooms join other platforms', () => {
    assert.deepEqual(
      quotedTexts('FYI\n---------- Forwarded message ---------\nJoin Zoom Meeting\nhttps://zoom.us/j/1'),
      [],
    )
  })

  it('quotes only the > lines themselves', () => {
    assert.deepEqual(quotedTexts('> old\n  > older\nnew\n'), ['> old', '  > older'])
  })

  it('does not mistake invitation separators for quote markers', () => {
    const webex = '-- Do not delete or change any of the following text. --\nJoin'
    const teams = '________________________________________________________________________________\nJoin'
    assert.deepEqual(quotedTexts(webex), [])
    assert.deepEqual(quotedTexts(teams), [])
  })
})

describe('join detection: HTML rendering', () => {
  it('writes link targets before their text, decodes entities and skips styles, scripts and the head', () => {
    const lines = htmlLines(
      '<html><head><title>T</title><style>p{}</style></head><body><p>A&amp;B <a href="https://x.example/?a=1&amp;b=2">go</a></p>' +
        '<script>var x = "<p>no</p>"</script><div>caf&eacute;&nbsp;&#x1F600;</div></body></html>',
    )
    assert.deepEqual(lines.texts, ['A&B  https://x.example/?a=1&b=2 go', 'café\u00a0😀'])
  })

  it('shows noscript content, since mail clients run no scripts, and a body without a closed head', () => {
    assert.deepEqual(htmlLines('<noscript>https://meet.google.com/abc-defg-hij</noscript>').texts, [
      'https://meet.google.com/abc-defg-hij',
    ])
    assert.deepEqual(htmlLines('<head><meta charset="utf-8"><body><p>shown</p>').texts, ['shown'])
  })

  it('ends lines at block elements and line breaks, keeps inline elements together', () => {
    const lines = htmlLines(
      '<div>a<br>b<span>c</span><b>d</b></div><p>e</p><table><tr><td>f</td><td>g</td></tr></table>',
    )
    assert.deepEqual(lines.texts, ['a', 'bcd', 'e', 'f', 'g'])
  })

  it('marks blockquotes and Gmail quotes as quoted, and everything after Outlook reply headers', () => {
    const lines = htmlLines(
      '<p>new</p><blockquote><p>old</p></blockquote><p>after</p><div class="gmail_quote x"><div>q</div><p>q2</p></div><p>tail</p>' +
        '<div id="divRplyFwdMsg"><b>From:</b> J</div><p>rest</p>',
    )
    const quoted = lines.texts.filter((_, index) => lines.quoted[index])
    assert.deepEqual(quoted, ['old', 'q', 'q2', 'From: J', 'rest'])
    assert.deepEqual(
      lines.texts.filter((_, index) => !lines.quoted[index]),
      ['new', 'after', 'tail'],
    )
  })
})

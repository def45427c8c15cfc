import assert from 'node:assert/strict'
import {unwrapLink} from '../../../../src/lib/core/join/index.js'

const zoom = 'https://acme.zoom.us/j/85012345678?pwd=aBcDeF.1'
const encode = encodeURIComponent
const base64url = (text: string): string => Buffer.from(text, 'utf8').toString('base64url')

describe('join detection: link-protection wrappers', () => {
  it('unwraps Microsoft Safe Links in every cloud', () => {
    for (const host of [
      'nam12.safelinks.protection.outlook.com',
      'eur01.safelinks.protection.outlook.com',
      'gcc02.safelinks.protection.office365.us',
    ]) {
      assert.equal(
        unwrapLink(`https://${host}/?url=${encode(zoom)}&data=05%7C02%7Cj%40a.com&sdata=x%3D&reserved=0`),
        zoom,
      )
    }
  })

  it('unwraps the Teams Safe Links page and Google url?q= redirects', () => {
    const teams = `https://statics.teams.cdn.office.net/evergreen-assets/safelinks/1/atp-safelinks.html?url=${encode(zoom)}&locale=en-us`
    assert.equal(unwrapLink(teams), zoom)
    assert.equal(unwrapLink(`https://www.google.com/url?q=${encode(zoom)}&sa=D&source=calendar&usg=AOvVaw1`), zoom)
    assert.equal(
      unwrapLink(`https://www.google.com/url?sa=D&q=${zoom}&ust=1`),
      'https://acme.zoom.us/j/85012345678?pwd=aBcDeF.1',
    )
  })

  it('decodes Proofpoint v1 and v2 (- for %, _ for /)', () => {
    assert.equal(unwrapLink(`https://urldefense.proofpoint.com/v1/url?u=${encode(zoom)}&k=abc`), zoom)
    const v2 =
      'https://urldefense.proofpoint.com/v2/url?u=https-3A__acme.zoom.us_j_85012345678-3Fpwd-3DaBcDeF.1&d=DwMFaQ&c=x&r=y&m=z&s=w&e='
    assert.equal(unwrapLink(v2), zoom)
  })

  it('decodes Proofpoint v3 with single and run replacement tokens', () => {
    assert.equal(unwrapLink(`https://urldefense.com/v3/__${zoom}__;!!ACWV5N9M2RV99hQ!Kx1$`), zoom)
    // `*` takes one character from the payload, `**B` a run of three (A=2, B=3, ...), in order.
    const runs = `https://urldefense.com/v3/__https://example.com/a*b**Bc__;${base64url('?xyz')}!!tag!sig$`
    assert.equal(unwrapLink(runs), 'https://example.com/a?bxyzc')
    const multibyte = `https://urldefense.com/v3/__https://example.com/caf*/menu__;${base64url('é')}!!tag$`
    assert.equal(unwrapLink(multibyte), 'https://example.com/café/menu')
  })

  it('unwraps nested wrappers outermost first', () => {
    const v2 = 'https://urldefense.proofpoint.com/v2/url?u=https-3A__acme.zoom.us_j_85012345678-3Fpwd-3DaBcDeF.1&d=x&e='
    const safe = `https://nam02.safelinks.protection.outlook.com/?url=${encode(v2)}&data=05&reserved=0`
    const google = `https://www.google.com/url?q=${encode(safe)}&sa=D`
    assert.equal(unwrapLink(google), zoom)
    const v3 = `https://urldefense.com/v3/__${safe}__;!!x$`
    assert.equal(unwrapLink(v3), zoom)
  })

  it('leaves other URLs and malformed wrappers unchanged', () => {
    assert.equal(unwrapLink(zoom), zoom)
    const noParam = 'https://nam12.safelinks.protection.outlook.com/?data=05'
    assert.equal(unwrapLink(noParam), noParam)
    const notHttp = `https://www.google.com/url?q=${encode('javascript:alert(1)')}`
    assert.equal(unwrapLink(notHttp), notHttp)
    // More replacement tokens than payload characters: not decodable, so not guessed.
    const short = `https://urldefense.com/v3/__https://example.com/a**Zb__;${base64url('?')}!!x$`
    assert.equal(unwrapLink(short), short)
    // The bare Safe Links domain is Microsoft's, not a wrapper.
    const bare = `https://safelinks.protection.outlook.com/?url=${encode(zoom)}`
    assert.equal(unwrapLink(bare), bare)
  })
})

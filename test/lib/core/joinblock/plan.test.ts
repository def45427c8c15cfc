import assert from 'node:assert/strict'

import {isEchoOfOwnWrite, planJoinBlock} from '../../../../src/lib/core/joinblock/plan.js'
import type {CalendarEvent} from '../../../../src/lib/core/model.js'
import {acmeSettings, makeEvent} from '../../../fixtures/events/build.js'

const WEBEX = {keyword: '@webex'}
const NO_KEYWORD = {keyword: null}
const TEXT_BLOCK_EN = [
  '--- hcal join details: begin ---',
  'Join the meeting',
  'Join from the app or a browser: https://acme.webex.com/meet/jane',
  'Join from a video system or application: jane@acme.webex.com',
  'Join details added by hcal because the location contains @webex.',
  '--- hcal join details: end ---',
].join('\n')

/** The event as the calendar returns it after hcal wrote the plan. */
function written(event: CalendarEvent, plan: ReturnType<typeof planJoinBlock>): CalendarEvent {
  const next = {...event, body: plan.body}
  if (plan.marker) next.marker = plan.marker
  else delete next.marker
  return next
}

describe('planJoinBlock', () => {
  const settings = acmeSettings()

  it('inserts the organiser’s personal room, and a re-run changes nothing', () => {
    const event = makeEvent({location: 'Room 4 @webex', body: 'Agenda:\n- numbers  \n'})
    const plan = planJoinBlock(event, WEBEX, settings, 'en-GB')
    assert.equal(plan.action, 'insert')
    assert.equal(plan.body, `Agenda:\n- numbers  \n\n\n${TEXT_BLOCK_EN}`)
    assert.equal(plan.marker?.version, 1)
    assert.equal(plan.marker?.keyword, '@webex')
    assert.match(plan.marker?.hash ?? '', /^[0-9a-f]{32}$/)
    const again = planJoinBlock(written(event, plan), WEBEX, settings, 'en-GB')
    assert.equal(again.action, 'none')
    assert.equal(again.body, plan.body)
    assert.deepEqual(again.marker, plan.marker)
  })

  it('updates the block in place when the details change', () => {
    const event = makeEvent({location: '@webex', body: 'Agenda\r\nTail  '})
    const first = written(event, planJoinBlock(event, WEBEX, settings, 'en'))
    const moved = planJoinBlock(first, WEBEX, acmeSettings({site: 'acme-eu'}), 'en')
    assert.equal(moved.action, 'update')
    assert.ok(moved.body.startsWith('Agenda\r\nTail  \r\n\r\n--- hcal join details: begin ---\r\n'))
    assert.ok(moved.body.includes('https://acme-eu.webex.com/meet/jane\r\n'))
    assert.ok(!moved.body.includes('https://acme.webex.com'))
    assert.notEqual(moved.marker?.hash, first.marker?.hash)
  })

  it('rewrites the block when the organiser’s language changes', () => {
    const event = makeEvent({location: '@webex', body: 'x'})
    const first = written(event, planJoinBlock(event, WEBEX, settings, 'en'))
    const german = planJoinBlock(first, WEBEX, settings, 'de-AT')
    assert.equal(german.action, 'update')
    assert.ok(german.body.startsWith('x\n\n--- hcal join details: begin ---\nAn der Besprechung teilnehmen\n'))
  })

  const HEADINGS = {
    en: 'Join the meeting',
    de: 'An der Besprechung teilnehmen',
    ja: '会議に参加',
    pl: 'Dołącz do spotkania',
    fr: 'Rejoindre la réunion',
    es: 'Unirse a la reunión',
  }
  for (const [locale, heading] of Object.entries(HEADINGS)) {
    for (const bodyType of ['text', 'html'] as const) {
      it(`${locale}, ${bodyType}: inserts in the organiser’s language, re-runs to nothing, removes to the original`, () => {
        const original = bodyType === 'text' ? 'Agenda\r\n• 😀 \r\n' : '<html><body><p>Agenda 😀</p></body></html>'
        const event = makeEvent({location: '@webex', body: original, bodyType})
        const plan = planJoinBlock(event, WEBEX, settings, `${locale}-XX`)
        assert.equal(plan.action, 'insert')
        assert.ok(plan.body.includes(bodyType === 'text' ? `\r\n${heading}\r\n` : `<b>${heading}</b>`))
        assert.equal(planJoinBlock(written(event, plan), WEBEX, settings, locale).action, 'none')
        const removed = planJoinBlock({...written(event, plan), location: ''}, NO_KEYWORD, settings, locale)
        assert.equal(removed.body, original)
      })
    }
  }

  it('uses the profile default language when the organiser’s is unknown', () => {
    const plan = planJoinBlock(makeEvent({location: '@webex'}), WEBEX, acmeSettings({defaultLanguage: 'ja'}), null)
    assert.equal(plan.body.split('\n')[1], '会議に参加')
  })

  it('removes the block when the keyword goes, giving back the original body', () => {
    const original = 'Agenda 😀 𝒳\r\n\r\nSee you  '
    const event = makeEvent({location: '@webex', body: original})
    const withBlock = written(event, planJoinBlock(event, WEBEX, settings, 'en'))
    const plan = planJoinBlock({...withBlock, location: 'Room 4'}, NO_KEYWORD, settings, 'en')
    assert.equal(plan.action, 'remove')
    assert.equal(plan.body, original)
    assert.equal(plan.marker, null)
  })

  it('leaves a block it has no record of writing (pasted from another meeting)', () => {
    const body = `Copied:\n\n${TEXT_BLOCK_EN}`
    const plan = planJoinBlock(makeEvent({body}), NO_KEYWORD, settings, 'en')
    assert.equal(plan.action, 'none')
    assert.equal(plan.body, body)
  })

  it('writes only the organiser’s copy, and nothing into cancelled meetings', () => {
    const attendeeCopy = makeEvent({location: '@webex', mailbox: 'bob@acme.test', myResponse: 'accepted'})
    assert.equal(planJoinBlock(attendeeCopy, WEBEX, settings).action, 'none')
    assert.equal(planJoinBlock(makeEvent({location: '@webex', status: 'cancelled'}), WEBEX, settings).action, 'none')
  })

  it('lets the keyword win over a link already in the body, which stays untouched', () => {
    const body = '<p>Join Zoom: <a href="https://zoom.us/j/123?pwd=x">https://zoom.us/j/123?pwd=x</a></p>'
    const plan = planJoinBlock(makeEvent({location: '@webex', body, bodyType: 'html'}), WEBEX, settings, 'en')
    assert.equal(plan.action, 'insert')
    assert.ok(plan.body.startsWith(body))
    assert.ok(plan.body.includes('<a href="https://acme.webex.com/meet/jane">'))
  })

  it('honours :space and :myroom', () => {
    const space = planJoinBlock(makeEvent({location: '@webex:space', seriesId: 's-1'}), WEBEX, settings)
    assert.match(space.details?.url ?? '', /^https:\/\/acme\.webex\.com\/space\/[0-9a-f]{24}$/)
    assert.equal(space.details?.kind, 'space')
    const room = planJoinBlock(makeEvent({location: '@meet:myroom'}), {keyword: '@meet'}, settings)
    assert.equal(room.details?.url, 'https://acme.webex.com/meet/jane')
  })

  it('plans each occurrence of a series on its own: a keyword on one occurrence gives only that one a block', () => {
    const series = {seriesId: 'weekly-1', body: 'Weekly sync'}
    const plain = makeEvent({...series, id: 'occ-1', originalStart: '2026-12-01T10:00:00.000Z', location: 'Room 4'})
    const withKeyword = makeEvent({
      ...series,
      id: 'occ-2',
      originalStart: '2026-12-08T10:00:00.000Z',
      location: '@meet',
    })
    assert.equal(planJoinBlock(plain, NO_KEYWORD, settings).action, 'none')
    const plan = planJoinBlock(withKeyword, {keyword: '@meet'}, settings)
    assert.equal(plan.action, 'insert')
    const later = planJoinBlock({...withKeyword, id: 'occ-3'}, {keyword: '@meet'}, settings)
    assert.equal(later.details?.url, plan.details?.url, 'the space belongs to the series')
  })

  it('recognises its HTML block after Outlook re-serialised it (comments dropped, id prefixed)', () => {
    const event = makeEvent({location: '@webex', body: '<html><body><p>Hi</p></body></html>', bodyType: 'html'})
    const plan = planJoinBlock(event, WEBEX, settings, 'en')
    const block = plan.body.slice(plan.body.indexOf('<!--'), plan.body.indexOf('</body>'))
    const outlook = block
      .replace(/<!--[^>]*-->/g, '')
      .replace('id="hcal-join-block"', 'id="x_hcal-join-block" class="x_MsoNormal"')
      .replaceAll('<p style="margin:0">', '<p class="x_MsoNormal" style="margin:0in">')
    const echoed = {...event, body: plan.body.replace(block, outlook), ...(plan.marker ? {marker: plan.marker} : {})}
    const again = planJoinBlock(echoed, WEBEX, settings, 'en')
    assert.equal(again.action, 'none')
    assert.ok(isEchoOfOwnWrite(echoed))
  })

  it('changes nothing when the calendar converted the body’s line endings to CRLF', () => {
    const event = makeEvent({location: '@webex', body: 'Agenda\nItem'})
    const ours = written(event, planJoinBlock(event, WEBEX, settings, 'en'))
    const converted = {...ours, body: ours.body.replaceAll('\n', '\r\n')}
    assert.equal(planJoinBlock(converted, WEBEX, settings, 'en').action, 'none')
  })

  it('writes no HTML block next to a text block when a client turned the body into HTML', () => {
    const event = makeEvent({location: '@webex', body: 'Agenda'})
    const ours = written(event, planJoinBlock(event, WEBEX, settings, 'en'))
    const html = `<html><body>${ours.body.replaceAll('\n', '<br>')}</body></html>`
    const plan = planJoinBlock({...ours, body: html, bodyType: 'html'}, WEBEX, settings, 'en')
    assert.equal(plan.action, 'none')
    assert.equal(plan.body, html)
  })

  it('never writes a second block when a client flattened the first beyond recognition', () => {
    const event = makeEvent({location: '@webex', body: '<p>Hi</p>', bodyType: 'html'})
    const plan = planJoinBlock(event, WEBEX, settings, 'en')
    const flattened =
      '<p>Hi</p>Join the meeting<br>Join from the app or a browser: https://acme.webex.com/meet/jane<br>'
    const again = planJoinBlock(
      {...event, body: flattened, ...(plan.marker ? {marker: plan.marker} : {})},
      WEBEX,
      settings,
      'en',
    )
    assert.equal(again.action, 'none')
    assert.equal(again.body, flattened)
  })
})

describe('isEchoOfOwnWrite', () => {
  const settings = acmeSettings()
  const event = makeEvent({location: '@webex', body: 'Agenda'})
  const plan = planJoinBlock(event, WEBEX, settings, 'en')
  const ours = written(event, plan)

  it('is true for the version hcal wrote', () => {
    assert.ok(isEchoOfOwnWrite(ours))
  })

  it('is false once a person removed the keyword, removed the block, or when hcal never wrote', () => {
    assert.ok(!isEchoOfOwnWrite({...ours, location: 'Room 4'}))
    assert.ok(!isEchoOfOwnWrite({...ours, body: 'Agenda'}))
    assert.ok(!isEchoOfOwnWrite(event))
  })
})

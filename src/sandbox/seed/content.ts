import type {SeedMeeting, SeedRoom, SeedUser} from '../types.js'
import {joinUrl, wrapLink} from './join-links.js'
import type {Prng} from './prng.js'

/** How a meeting carries (or pretends to carry) its join details. */
export type JoinVariant =
  | 'keywordWebex'
  | 'keywordMeet'
  | 'keywordWebexSpace'
  | 'keywordMeetMyRoom'
  | 'roomNameKeyword'
  | 'emailTrap'
  | 'zoomInLocation'
  | 'goToInLocation'
  | 'teamsHtml'
  | 'webexHtml'
  | 'webexPersonalRoomText'
  | 'meetText'
  | 'safeLinksHtml'
  | 'googleRedirectHtml'
  | 'proofpointText'
  | 'quotedInvitation'
  | 'structuredConference'
  | 'noJoinDetails'

/** Weights: how many cards of each variant one shuffled deck holds. */
export const JOIN_VARIANT_WEIGHTS: readonly (readonly [JoinVariant, number])[] = [
  ['keywordWebex', 4],
  ['keywordMeet', 2],
  ['keywordWebexSpace', 1],
  ['keywordMeetMyRoom', 1],
  ['roomNameKeyword', 2],
  ['emailTrap', 1],
  ['zoomInLocation', 3],
  ['goToInLocation', 1],
  ['teamsHtml', 4],
  ['webexHtml', 4],
  ['webexPersonalRoomText', 2],
  ['meetText', 2],
  ['safeLinksHtml', 2],
  ['googleRedirectHtml', 1],
  ['proofpointText', 1],
  ['quotedInvitation', 2],
  ['structuredConference', 3],
  ['noJoinDetails', 5],
]

export type MeetingContent = Pick<SeedMeeting, 'location' | 'body' | 'bodyType' | 'conference'>

export interface ContentContext {
  prng: Prng
  /** Short organisation name used in the Webex site, e.g. 'acme'. */
  org: string
  provider: 'google' | 'microsoft' | 'exchange'
  users: readonly SeedUser[]
  rooms: readonly SeedRoom[]
}

const AGENDA = 'Agenda: status, risks, next steps.'
const OUTLOOK_HTML_HEAD =
  '<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head>' +
  '<body><div class="WordSection1"><p class="MsoNormal">'
const OUTLOOK_HTML_TAIL = '</div></body></html>'
const OUTLOOK_RULE =
  '<div style="width:100%;height:20px"><span style="white-space:nowrap;color:#5F5F5F;opacity:.36">' +
  '________________________________________________________________________________</span></div>'

function teamsBlock(href: string): string {
  return (
    `${OUTLOOK_RULE}<div class="me-email-text" style="color:#252424;font-family:'Segoe UI'">` +
    '<div style="margin-top:24px;margin-bottom:20px"><span style="font-size:24px;color:#252424">' +
    'Microsoft Teams meeting</span></div><div style="margin-bottom:20px"><div style="font-weight:bold">' +
    '<span style="font-size:14px;color:#252424">Join on your computer, mobile app or room device</span></div>' +
    `<a class="me-email-headline" href="${href}" target="_blank" rel="noreferrer noopener">` +
    'Click here to join the meeting</a></div></div>'
  )
}

function webexBlock(href: string, prng: Prng): string {
  const number = `${prng.int(2000, 2999)} ${prng.int(100, 999)} ${prng.int(1000, 9999)}`
  return (
    `<p>When it's time, join the Webex meeting here.</p><p><a href="${href}">Join meeting</a></p>` +
    `<p>Meeting number (access code): ${number}</p><p>Meeting password: ${prng.chars(10, 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789')}</p>`
  )
}

function html(inner: string): string {
  return `${OUTLOOK_HTML_HEAD}${AGENDA}</p>${inner}${OUTLOOK_HTML_TAIL}`
}

function text(location: string, body: string): MeetingContent {
  return {location, body, bodyType: 'text'}
}

function htmlContent(location: string, inner: string): MeetingContent {
  return {location, body: html(inner), bodyType: 'html'}
}

function localPart(email: string): string {
  return email.slice(0, email.indexOf('@'))
}

/** Builds one meeting's location and body for a variant (a fresh link each time). */
function build(variant: JoinVariant, c: ContentContext): MeetingContent {
  const {prng, org} = c
  switch (variant) {
    case 'keywordWebex':
      return text('@webex', AGENDA)
    case 'keywordMeet':
      return text('@meet', AGENDA)
    case 'keywordWebexSpace':
      return text('@webex:space', AGENDA)
    case 'keywordMeetMyRoom':
      return text('@meet:myroom', AGENDA)
    case 'roomNameKeyword': {
      const room = c.rooms.length > 0 ? prng.pick(c.rooms).displayName : `Room ${prng.int(1, 9)}`
      return text(`${room} @webex`, AGENDA)
    }
    case 'emailTrap':
      // An address on webex.com is not the @webex keyword.
      return text(`${prng.pick(['jane', 'support', 'events'])}@webex.com`, `Questions? Write to the address above.`)
    case 'zoomInLocation':
      return text(joinUrl.zoom(prng), `${AGENDA}\n\nJoin Zoom Meeting (link in the location).`)
    case 'goToInLocation': {
      const url = joinUrl.goTo(prng)
      return text(url, `Please join my meeting from your computer, tablet or smartphone.\n${url}`)
    }
    case 'teamsHtml':
      return htmlContent('Microsoft Teams Meeting', teamsBlock(joinUrl.teams(prng)))
    case 'webexHtml':
      return htmlContent('', webexBlock(joinUrl.webexMeeting(prng, org), prng))
    case 'webexPersonalRoomText': {
      const host = c.users.length > 0 ? localPart(prng.pick(c.users).email) : 'host'
      return text('Webex', `${AGENDA}\n\nJoin my personal room: ${joinUrl.webexPersonalRoom(org, host)}`)
    }
    case 'meetText': {
      const url = joinUrl.meet(prng)
      return text(
        '',
        `${AGENDA}\n\nJoin with Google Meet: ${url}\nJoin by phone: +1 234-567-8900 PIN: ${prng.int(100000, 999999)}#`,
      )
    }
    case 'safeLinksHtml': {
      const target = prng.chance(0.5) ? joinUrl.teams(prng) : joinUrl.zoom(prng)
      return htmlContent('', teamsBlock(wrapLink.safeLinks(prng, target)))
    }
    case 'googleRedirectHtml': {
      const href = wrapLink.google(prng, joinUrl.webexMeeting(prng, org))
      return {location: '', body: `${AGENDA}<br><br><a href="${href}">Join Webex meeting</a>`, bodyType: 'html'}
    }
    case 'proofpointText':
      return text('', `${AGENDA}\n\nJoin Zoom Meeting\n${wrapLink.proofpoint(prng, joinUrl.zoom(prng))}`)
    case 'quotedInvitation': {
      const current = joinUrl.webexMeeting(prng, org)
      const earlier = joinUrl.zoom(prng)
      return text(
        '',
        `Moved to Webex, see the new link.\n${current}\n\n-----Original Appointment-----\n` +
          `Subject: Planning\nWhen: as before\nWhere: Zoom\n\nJoin Zoom Meeting\n${earlier}`,
      )
    }
    case 'structuredConference':
      if (c.provider === 'google') {
        const url = joinUrl.meet(prng)
        return {location: '', body: AGENDA, bodyType: 'text', conference: {solution: 'hangoutsMeet', url}}
      }
      if (c.provider === 'microsoft') {
        const url = joinUrl.teams(prng)
        return {
          ...htmlContent('Microsoft Teams Meeting', teamsBlock(url)),
          conference: {solution: 'teamsForBusiness', url},
        }
      }
      // On-premises Exchange has no structured conference: the Teams add-in writes only the body.
      return htmlContent('Microsoft Teams Meeting', teamsBlock(joinUrl.teams(prng)))
    case 'noJoinDetails':
      return text(prng.pick(['', 'Cafeteria', 'Front desk', 'Building 2, 3rd floor']), AGENDA)
  }
}

/** Distinct contents kept per variant; later meetings reuse them so 200k meetings stay cheap in memory. */
const POOL_SIZE = 64

/** Hands out meeting contents per variant, building at most POOL_SIZE per variant and reusing them after. */
export class ContentPool {
  private readonly pools = new Map<JoinVariant, MeetingContent[]>()

  constructor(private readonly context: ContentContext) {}

  take(variant: JoinVariant): MeetingContent {
    let pool = this.pools.get(variant)
    if (!pool) {
      pool = []
      this.pools.set(variant, pool)
    }
    if (pool.length < POOL_SIZE) {
      const content = build(variant, this.context)
      pool.push(content)
      return content
    }
    return this.context.prng.pick(pool)
  }
}

import type {StructuredConference} from '../model.js'
import {CandidateList, chooseJoin, urlKey} from './candidates.js'
import {DEFAULT_KEYWORDS, findKeyword} from './keywords.js'
import {classifyParts} from './services.js'
import {markQuoted, textLines} from './quoting.js'
import {scanLine} from './scan.js'
import type {JoinCandidate, JoinDecision, JoinInput, JoinOptions, MeetingService, Lines} from './types.js'
import {unwrapToParts} from './unwrap.js'
import {isHostOrSub, normaliseDomain} from './url-parts.js'
import {isVideoLabelLine, knownVideoService} from './video.js'

/** Reads an HTML body into lines as a mail client renders it (html.ts, on htmlparser2). */
export type HtmlReader = (html: string) => Lines

interface Context {
  list: CandidateList
  extraJoinDomains: string[]
  videoDomains: string[]
  /** Raw URL -> unwrapped join URL and service (or null): invitations repeat their links. */
  urlCache: Map<string, FoundUrl | null>
}

/**
 * Decides how a meeting is joined from its location, body and structured conference data. Candidates are ordered
 * structured data first, then the location, then the body in document order, skipping quoted earlier messages;
 * the join target is the first of them. Runs in time linear in the input. An HTML body is read by `readHtml`, so
 * that a caller with text only (`hcal meetings parse` without --html) never loads the HTML parser.
 */
export function parseJoinWith(input: JoinInput, options: JoinOptions, readHtml?: HtmlReader): JoinDecision {
  if (input.bodyType === 'html' && !readHtml) throw new Error('parseJoinWith: an HTML body needs an HtmlReader')
  const context: Context = {
    list: new CandidateList(),
    extraJoinDomains: (options.extraJoinDomains ?? []).map(normaliseDomain).filter((domain) => domain !== ''),
    videoDomains: (options.videoDomains ?? []).map(normaliseDomain).filter((domain) => domain !== ''),
    urlCache: new Map(),
  }
  for (const conference of input.conference ?? []) addStructured(conference, context)
  collectLines(textLines(input.location), 'location', context)
  const bodyLines = input.bodyType === 'html' && readHtml ? readHtml(input.body) : textLines(input.body)
  collectLines(markQuoted(bodyLines), 'body', context)
  const candidates = context.list.items
  return {
    keyword: findKeyword(input.location, options.keywords ?? DEFAULT_KEYWORDS)?.keyword ?? null,
    join: chooseJoin(candidates),
    candidates,
  }
}

/** Conference solution names (Google conferenceSolution keys, Graph onlineMeetingProvider) hcal recognises. */
function serviceFromSolution(solution: string | undefined): MeetingService | null {
  const name = (solution ?? '').toLowerCase()
  if (name === 'hangoutsmeet') return 'meet'
  if (name.includes('teams') || name.startsWith('skypefor')) return 'teams'
  for (const service of ['webex', 'zoom', 'goto', 'jitsi', 'chime'] as const) {
    if (name.includes(service)) return service
  }
  return null
}

/** Structured data is authoritative: its URL counts even on a host hcal does not know. */
function addStructured(conference: StructuredConference, context: Context): void {
  let urlService: MeetingService | null = null
  const rawUrl = conference.url?.trim() ?? ''
  if (/^https?:\/\//i.test(rawUrl)) {
    const {url, parts} = unwrapToParts(rawUrl)
    urlService =
      (parts && classifyParts(parts, context.extraJoinDomains)) ?? serviceFromSolution(conference.solution) ?? 'other'
    context.list.addUrl(url, urlService, 'structured')
  }
  const sip = (conference.sip ?? '').trim().replace(/^sips?:/i, '')
  const at = sip.indexOf('@')
  if (at > 0 && at < sip.length - 1) {
    const service =
      urlService ?? knownVideoService(sip.slice(at + 1).toLowerCase()) ?? serviceFromSolution(conference.solution)
    context.list.addSip(sip, service ?? 'other', 'structured')
  }
}

function collectLines(lines: Lines, source: JoinCandidate['source'], context: Context): void {
  // A label line ("Join by video system") without an address introduces the next non-empty line. Labels are only
  // looked for when a line holds an address, so ordinary lines cost no label search.
  let previousText = ''
  let previousHadAddress = true
  for (let index = 0; index < lines.texts.length; index++) {
    const text = lines.texts[index] ?? ''
    if (context.list.full) return
    if (isBlank(text)) continue
    if (lines.quoted[index]) {
      previousHadAddress = true
      continue
    }
    let introduced: boolean | undefined
    let sawAddress = false
    scanLine(text, (finding) => {
      if (finding.kind === 'url') {
        const found = joinUrl(finding.url, context)
        if (found) context.list.addUrl(found.url, found.service, source, found.key)
      } else {
        sawAddress = true
        introduced ??= isVideoLabelLine(text) || (!previousHadAddress && isVideoLabelLine(previousText))
        const service = videoService(finding.address, finding.sipUri || introduced, context)
        if (service) context.list.addSip(finding.address, service, source)
      }
      return !context.list.full
    })
    previousText = text
    previousHadAddress = sawAddress
  }
}

function isBlank(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index)
    if (code !== 0x20 && code !== 0x09 && code !== 0xa0 && code !== 0x0d && code !== 0x0c && code !== 0x0b) return false
  }
  return true
}

interface FoundUrl {
  url: string
  service: MeetingService
  key: string
}

function joinUrl(rawUrl: string, context: Context): FoundUrl | null {
  const cached = context.urlCache.get(rawUrl)
  if (cached !== undefined) return cached
  const {url, parts} = unwrapToParts(rawUrl)
  const service = parts && classifyParts(parts, context.extraJoinDomains)
  const found = service ? {url, service, key: urlKey(url)} : null
  context.urlCache.set(rawUrl, found)
  return found
}

/**
 * The platform a found address joins, or null when it is an ordinary mail address. Known video domains and
 * profile video domains always count; other domains only as a `sip:` URI or on a video-system line.
 */
function videoService(address: string, introducedAsVideo: boolean, context: Context): MeetingService | null {
  const domain = address.slice(address.lastIndexOf('@') + 1)
  const known = knownVideoService(domain)
  if (known) return known
  if (introducedAsVideo || context.videoDomains.some((videoDomain) => isHostOrSub(domain, videoDomain))) return 'other'
  return null
}

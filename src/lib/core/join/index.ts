import type {StructuredConference} from '../model.js'
import {CandidateList, chooseJoin} from './candidates.js'
import {htmlLines} from './html.js'
import {DEFAULT_KEYWORDS, findKeyword} from './keywords.js'
import {classifyJoinUrl, classifyParts} from './providers.js'
import {markQuoted, textLines} from './quoting.js'
import {scanLine} from './scan.js'
import type {JoinCandidate, JoinDecision, JoinInput, JoinOptions, JoinProvider, TextLine} from './types.js'
import {unwrapLink} from './unwrap.js'
import {isHostOrSub, normaliseDomain, splitUrl} from './url-parts.js'
import {isVideoLabelLine, knownVideoProvider} from './video.js'

export type {JoinCandidate, JoinDecision, JoinInput, JoinOptions, JoinProvider, JoinTarget} from './types.js'
export type {KeywordHit, KeywordVariant} from './keywords.js'
export {DEFAULT_KEYWORDS, findKeyword, classifyJoinUrl, unwrapLink}

interface Context {
  list: CandidateList
  extraJoinDomains: string[]
  videoDomains: string[]
}

/**
 * Decides how a meeting is joined from its location, body and structured conference data. Candidates are ordered
 * structured data first, then the location, then the body in document order, skipping quoted earlier messages;
 * the join target is the first of them. Runs in time linear in the input.
 */
export function parseJoin(input: JoinInput, options: JoinOptions = {}): JoinDecision {
  const context: Context = {
    list: new CandidateList(),
    extraJoinDomains: (options.extraJoinDomains ?? []).map(normaliseDomain).filter((domain) => domain !== ''),
    videoDomains: (options.videoDomains ?? []).map(normaliseDomain).filter((domain) => domain !== ''),
  }
  for (const conference of input.conference ?? []) addStructured(conference, context)
  collectLines(textLines(input.location), 'location', context)
  const bodyLines = input.bodyType === 'html' ? htmlLines(input.body) : textLines(input.body)
  collectLines(markQuoted(bodyLines), 'body', context)
  const candidates = context.list.items
  return {
    keyword: findKeyword(input.location, options.keywords ?? DEFAULT_KEYWORDS)?.keyword ?? null,
    join: chooseJoin(candidates),
    candidates,
  }
}

/** Conference solution names (Google conferenceSolution keys, Graph onlineMeetingProvider) hcal recognises. */
function providerFromSolution(solution: string | undefined): JoinProvider | null {
  const name = (solution ?? '').toLowerCase()
  if (name === 'hangoutsmeet') return 'meet'
  if (name.includes('teams') || name.startsWith('skypefor')) return 'teams'
  for (const provider of ['webex', 'zoom', 'goto', 'jitsi', 'chime'] as const) {
    if (name.includes(provider)) return provider
  }
  return null
}

/** Structured data is authoritative: its URL counts even on a host hcal does not know. */
function addStructured(conference: StructuredConference, context: Context): void {
  let urlProvider: JoinProvider | null = null
  const rawUrl = conference.url?.trim() ?? ''
  if (/^https?:\/\//i.test(rawUrl)) {
    const url = unwrapLink(rawUrl)
    const parts = splitUrl(url)
    urlProvider =
      (parts && classifyParts(parts, context.extraJoinDomains)) ?? providerFromSolution(conference.solution) ?? 'other'
    context.list.addUrl(url, urlProvider, 'structured')
  }
  const sip = (conference.sip ?? '').trim().replace(/^sips?:/i, '')
  const at = sip.indexOf('@')
  if (at > 0 && at < sip.length - 1) {
    const provider =
      urlProvider ?? knownVideoProvider(sip.slice(at + 1).toLowerCase()) ?? providerFromSolution(conference.solution)
    context.list.addSip(sip, provider ?? 'other', 'structured')
  }
}

function collectLines(lines: readonly TextLine[], source: JoinCandidate['source'], context: Context): void {
  // A label line ("Join by video system") without an address arms the next non-empty line.
  let armed = false
  for (const line of lines) {
    if (context.list.full) return
    if (line.quoted) {
      armed = false
      continue
    }
    const onLabel = isVideoLabelLine(line.text)
    let sawAddress = false
    for (const finding of scanLine(line.text)) {
      if (finding.kind === 'url') {
        addTextUrl(finding.url, source, context)
      } else {
        sawAddress = true
        const provider = videoProvider(finding.address, finding.sipUri || onLabel || armed, context)
        if (provider) context.list.addSip(finding.address, provider, source)
      }
    }
    if (line.text.trim() !== '') armed = onLabel && !sawAddress
  }
}

function addTextUrl(rawUrl: string, source: JoinCandidate['source'], context: Context): void {
  const url = unwrapLink(rawUrl)
  const parts = splitUrl(url)
  const provider = parts && classifyParts(parts, context.extraJoinDomains)
  if (provider) context.list.addUrl(url, provider, source)
}

/**
 * The platform a found address joins, or null when it is an ordinary mail address. Known video domains and
 * profile video domains always count; other domains only as a `sip:` URI or on a video-system line.
 */
function videoProvider(address: string, introducedAsVideo: boolean, context: Context): JoinProvider | null {
  const domain = address.slice(address.lastIndexOf('@') + 1)
  const known = knownVideoProvider(domain)
  if (known) return known
  if (introducedAsVideo || context.videoDomains.some((videoDomain) => isHostOrSub(domain, videoDomain))) return 'other'
  return null
}

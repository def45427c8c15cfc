import type {JoinCandidate, MeetingService, JoinTarget} from './types.js'
import {splitUrl} from './url-parts.js'

/** A real invitation has a handful of join links; past this many the rest of the input is not read. */
const MAX_CANDIDATES = 64

/**
 * The identity of a URL for de-duplication: https, lower-case host, no fragment, no trailing slash, upper-case
 * percent escapes. The URL is already unwrapped.
 */
export function urlKey(url: string): string {
  const parts = splitUrl(url)
  if (!parts) return url
  let path = parts.path
  while (path.endsWith('/')) path = path.slice(0, -1)
  const query = parts.query === '' ? '' : `?${parts.query}`
  return `https://${parts.host}${path}${query}`.replace(/%[0-9a-f]{2}/gi, (escape) => escape.toUpperCase())
}

/** Collects candidates in precedence order, keeping the first of each distinct URL or video address. */
export class CandidateList {
  readonly items: JoinCandidate[] = []
  private readonly seen = new Set<string>()

  get full(): boolean {
    return this.items.length >= MAX_CANDIDATES
  }

  addUrl(url: string, service: MeetingService, source: JoinCandidate['source'], key = urlKey(url)): void {
    this.add(`url:${key}`, {url, service, source})
  }

  addSip(sip: string, service: MeetingService, source: JoinCandidate['source']): void {
    this.add(`sip:${sip.toLowerCase()}`, {sip, service, source})
  }

  private add(key: string, candidate: JoinCandidate): void {
    if (this.full || this.seen.has(key)) return
    this.seen.add(key)
    this.items.push(candidate)
  }
}

/** The last two labels of the candidate's host or address domain. */
function baseDomain(candidate: JoinCandidate): string {
  const host =
    candidate.url !== undefined ? (splitUrl(candidate.url)?.host ?? '') : ((candidate.sip ?? '').split('@')[1] ?? '')
  return host.split('.').slice(-2).join('.').toLowerCase()
}

/**
 * Whether two candidates belong to the same meeting: same known service (every template of a service lists its
 * URL and video address together), or, for `other` platforms, also the same base domain.
 */
function sameMeeting(a: JoinCandidate, b: JoinCandidate): boolean {
  if (a.service !== b.service) return false
  return a.service !== 'other' || baseDomain(a) === baseDomain(b)
}

/** The join target: the first candidate, completed with the first video address (or URL) of the same meeting. */
export function chooseJoin(candidates: readonly JoinCandidate[]): JoinTarget | null {
  const first = candidates[0]
  if (!first) return null
  const related = candidates.filter((candidate) => sameMeeting(first, candidate))
  return {
    url: first.url ?? related.find((candidate) => candidate.url !== undefined)?.url ?? null,
    sip: first.sip ?? related.find((candidate) => candidate.sip !== undefined)?.sip ?? null,
    service: first.service,
  }
}

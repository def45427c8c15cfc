import type {StructuredConference} from '../model.js'

export type MeetingService = 'webex' | 'zoom' | 'teams' | 'meet' | 'goto' | 'jitsi' | 'chime' | 'other'

/** One way to join found in the invitation: a meeting URL or a video (SIP) address, never both. */
export interface JoinCandidate {
  url?: string
  sip?: string
  service: MeetingService
  source: 'structured' | 'location' | 'body'
}

export interface JoinTarget {
  url: string | null
  sip: string | null
  service: MeetingService
}

export interface JoinDecision {
  /** The configured keyword found in the location, lower-case, without a `:space` / `:myroom` suffix. */
  keyword: string | null
  join: JoinTarget | null
  /** Every distinct join URL / video address, best first (structured, location, body in document order). */
  candidates: JoinCandidate[]
}

export interface JoinInput {
  location: string
  body: string
  bodyType: 'text' | 'html'
  conference?: StructuredConference[]
}

export interface JoinOptions {
  /** Location keywords; default `['@webex', '@meet']`. */
  keywords?: string[]
  /** Extra meeting domains (and their subdomains): any http(s) URL on them is a join link of service `other`. */
  extraJoinDomains?: string[]
  /** Extra video domains: any address on them (or their subdomains) is a video address. */
  videoDomains?: string[]
}

/** Body or location text split into lines; `quoted[i]` marks line i as part of an earlier, quoted message. */
export interface Lines {
  texts: string[]
  quoted: boolean[]
}

import {isHcalError} from '../../errors.js'
import {keywordJoinDetails} from '../joinblock/details.js'
import {findKeyword, parseJoin, type JoinDecision} from '../join/index.js'
import type {CalendarEvent} from '../model.js'
import type {MeetingSettings} from '../settings.js'
import {parseOptions} from './options.js'

export type JoinInfo = NonNullable<JoinDecision['join']>
export type JoinSource = 'keyword' | 'structured' | 'location' | 'body'

export interface ResolvedJoin {
  /** How the meeting is joined, or null when nothing joinable was found. */
  join: JoinInfo | null
  source: JoinSource | null
  keyword: string | null
  decision: JoinDecision
  /** Why keyword join details could not be rendered (a profile setting is missing), if so. */
  problem: string | null
}

/**
 * How people join this meeting. A configured keyword wins over any link in the body: the meeting is
 * joined with the details the keyword writes (rendered from the organiser, so an attendee's copy
 * agrees with the organiser's even before the block arrives). Otherwise the parser's decision stands.
 */
export function resolveJoin(event: CalendarEvent, settings: MeetingSettings): ResolvedJoin {
  const options = parseOptions(settings)
  const decision = parseJoin(
    {location: event.location, body: event.body, bodyType: event.bodyType, conference: event.conference},
    options,
  )
  const keyword = decision.keyword && settings.keywords[decision.keyword] ? decision.keyword : null
  if (keyword) {
    try {
      const variant = findKeyword(event.location, options.keywords)?.variant ?? null
      const details = keywordJoinDetails(event, keyword, variant, settings)
      const service = parseJoin({location: details.url, body: '', bodyType: 'text'}, options).join?.service ?? 'other'
      return {
        join: {url: details.url, sip: details.sip, service},
        source: 'keyword',
        keyword,
        decision,
        problem: null,
      }
    } catch (error) {
      if (!isHcalError(error)) throw error
      return {...fromDecision(decision), keyword, problem: error.message}
    }
  }
  return {...fromDecision(decision), keyword: null, problem: null}
}

function fromDecision(decision: JoinDecision): Pick<ResolvedJoin, 'join' | 'source' | 'decision'> {
  const join = decision.join
  if (!join) return {join: null, source: null, decision}
  const chosen = decision.candidates.find(
    (c: JoinDecision['candidates'][number]) =>
      (join.url !== null && c.url === join.url) || (join.sip !== null && c.sip === join.sip),
  )
  return {join, source: chosen?.source ?? decision.candidates[0]?.source ?? null, decision}
}

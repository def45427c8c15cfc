import {htmlLines} from './html.js'
import {parseJoinWith} from './parse.js'
import type {JoinDecision, JoinInput, JoinOptions} from './types.js'

export type {JoinCandidate, JoinDecision, JoinInput, JoinOptions, MeetingService, JoinTarget} from './types.js'
export type {KeywordHit, KeywordVariant} from './keywords.js'
export {DEFAULT_KEYWORDS, findKeyword} from './keywords.js'
export {classifyJoinUrl} from './services.js'
export {unwrapLink} from './unwrap.js'
export {parseJoinWith, type HtmlReader} from './parse.js'

/** How a meeting is joined (see parseJoinWith), reading HTML bodies with htmlparser2. */
export function parseJoin(input: JoinInput, options: JoinOptions = {}): JoinDecision {
  return parseJoinWith(input, options, htmlLines)
}

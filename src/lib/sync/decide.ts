/**
 * What the engine does with one meeting it read: core's decisions (keyword, join details, block plan), then,
 * where a block must change, a write carrying the concurrency token read with the event. A conflict means
 * someone edited it since: re-read and decide again on what they wrote, a bounded number of times, then report
 * it. Nothing is ever overwritten; only the organiser's copy is written (planJoinBlock decides that).
 */
import {type JoinBlockAction, isEchoOfOwnWrite, planJoinBlock} from '../core/joinblock/plan.js'
import {resolveJoin} from '../core/meetings/join.js'
import type {CalendarEvent} from '../core/model.js'
import type {MeetingSettings} from '../core/settings.js'
import {isHcalError} from '../errors.js'
import type {MailboxGrant} from '../ports/access.js'
import type {CalendarProvider} from '../ports/calendar.js'
import type {StoredMeeting} from '../store/types.js'
import type {PortCall} from './pacer.js'

/** Re-reads after a conflict before it is reported (the user keeps editing: let them). */
export const MAX_DECISIONS = 3

export type BlockOutcome = 'written' | 'updated' | 'removed' | 'unchanged'

/** One planned change of a dry run (the `plan` of `hcal sync --dry-run --json`). */
export interface PlanEntry {
  mailbox: string
  eventId: string
  action: 'write' | 'update' | 'remove'
  keyword: string | null
  /** Why, in one sentence (core's reason). */
  reason: string
}

export type Decision =
  /** Stored with this very version already (our own write echoing back, an unchanged meeting in a full read). */
  | {kind: 'same'}
  | {kind: 'store'; meeting: StoredMeeting; block: BlockOutcome | null; plan?: PlanEntry}
  /** Still conflicting after MAX_DECISIONS attempts: not written, not stored (a full read decides again). */
  | {kind: 'conflict'; eventId: string}
  /** Deleted while we were deciding. */
  | {kind: 'gone'; eventId: string}
  /** The profile cannot render its join details (e.g. no site): reported, not stored. */
  | {kind: 'problem'; eventId: string; problem: string}

export interface DecisionContext {
  provider: Pick<CalendarProvider, 'readEvent' | 'writeEvent'>
  grant: MailboxGrant
  call: PortCall
  settings: MeetingSettings
  dryRun: boolean
  /** The organiser's language (read once per mailbox, only when a block is planned). */
  locale(): Promise<string | undefined>
  /** The change token stored for an event id (undefined when not stored). */
  storedToken(eventId: string): string | undefined
}

const ACTION: Record<Exclude<JoinBlockAction, 'none'>, {plan: PlanEntry['action']; outcome: BlockOutcome}> = {
  insert: {plan: 'write', outcome: 'written'},
  update: {plan: 'update', outcome: 'updated'},
  remove: {plan: 'remove', outcome: 'removed'},
}

/** The meeting as the store keeps it: the event and how it is joined. */
export function toStored(event: CalendarEvent, settings: MeetingSettings): StoredMeeting {
  const resolved = resolveJoin(event, settings)
  return {...event, join: resolved.join, keyword: resolved.keyword}
}

function isOrganiserCopy(event: CalendarEvent): boolean {
  return event.mailbox.toLowerCase() === event.organizer.email.toLowerCase() && event.status !== 'cancelled'
}

export async function decide(event: CalendarEvent, context: DecisionContext): Promise<Decision> {
  if (context.storedToken(event.id) === event.changeToken) return {kind: 'same'}
  const keywords = Object.keys(context.settings.keywords)
  let current = event
  for (let attempt = 1; attempt <= MAX_DECISIONS; attempt++) {
    const meeting = toStored(current, context.settings)
    if (!isOrganiserCopy(current)) return {kind: 'store', meeting, block: null}
    // Our own write echoing back (marker, one block, the keyword it records): nothing to decide.
    if (isEchoOfOwnWrite(current, keywords)) return {kind: 'store', meeting, block: 'unchanged'}
    let plan
    try {
      const locale = meeting.keyword ? await context.locale() : undefined
      plan = planJoinBlock(current, {keyword: meeting.keyword}, context.settings, locale)
    } catch (error) {
      if (!isHcalError(error)) throw error
      return {kind: 'problem', eventId: current.id, problem: `${error.message} ${error.suggestions.join(' ')}`.trim()}
    }
    if (plan.action === 'none') return {kind: 'store', meeting, block: meeting.keyword ? 'unchanged' : null}
    const {plan: action, outcome} = ACTION[plan.action]
    const keyword = plan.details?.keyword ?? current.marker?.keyword ?? null
    if (context.dryRun) {
      const entry = {mailbox: current.mailbox, eventId: current.id, action, keyword, reason: plan.reason}
      return {kind: 'store', meeting, block: outcome, plan: entry}
    }
    const target = current
    const result = await context.call((signal) =>
      context.provider.writeEvent({
        grant: context.grant,
        eventId: target.id,
        changeToken: target.changeToken,
        patch: {body: {content: plan.body, type: target.bodyType}, marker: plan.marker},
        ...(signal ? {signal} : {}),
      }),
    )
    if (result.kind === 'written') {
      return {kind: 'store', meeting: toStored(result.event, context.settings), block: outcome}
    }
    const reread = await context.call((signal) =>
      context.provider.readEvent({grant: context.grant, eventId: target.id, ...(signal ? {signal} : {})}),
    )
    if (!reread) return {kind: 'gone', eventId: target.id}
    current = reread
  }
  return {kind: 'conflict', eventId: event.id}
}

import {resolveJoin} from '../meetings/join.js'
import type {CalendarEvent} from '../model.js'
import {evaluateTargets, joinWindow, type ObtpContext} from './targets.js'

export interface ObtpCheck {
  check: string
  passed: boolean
  detail: string
}

export interface ObtpExplanation {
  eventId: string
  checks: ObtpCheck[]
  verdict: {joinButton: boolean; summary: string}
}

export interface ExplainOptions extends ObtpContext {
  /** Explain for this user or room only. */
  target?: string
}

const SOURCE_WORDS = {
  keyword: 'the keyword in the location (join details from the profile templates)',
  structured: 'the conference data the calendar system stores',
  location: 'the location',
  body: 'the body',
} as const

/**
 * Why a meeting does or does not get a Join button: the meeting-level checks in order (the chain stops
 * at the first that fails, since later ones cannot change the answer), then one check per target.
 */
export function explainObtp(event: CalendarEvent, options: ExplainOptions): ObtpExplanation {
  const checks: ObtpCheck[] = []
  const stop = (summary: string): ObtpExplanation => ({
    eventId: event.id,
    checks,
    verdict: {joinButton: false, summary},
  })

  const cancelled = event.status === 'cancelled'
  checks.push({check: 'status', passed: !cancelled, detail: `The meeting is ${event.status}.`})
  if (cancelled) return stop('No Join button: the meeting is cancelled.')

  checks.push({
    check: 'all-day',
    passed: !event.allDay,
    detail: event.allDay ? 'All-day events never get a Join button.' : 'The meeting has a start and end time.',
  })
  if (event.allDay) return stop('No Join button: it is an all-day event.')

  const resolved = resolveJoin(event, options.settings)
  if (resolved.keyword) {
    checks.push({
      check: 'keyword',
      passed: resolved.problem === null,
      detail:
        resolved.problem ??
        `${resolved.keyword} in the location${event.seriesId ? ' of this occurrence' : ''}; it wins over any link in the body.`,
    })
  }
  const join = resolved.join
  if (!join) {
    const roomCopy = options.rooms.some((r) => r.email.toLowerCase() === event.mailbox.toLowerCase())
    const hint =
      roomCopy && event.body.trim() === ''
        ? ` The room's copy has an empty body: the room mailbox may be deleting it. Run: Set-CalendarProcessing ${event.mailbox} -DeleteComments $false -DeleteSubject $false -ProcessExternalMeetingMessages $true (applies to new invitations).`
        : ''
    checks.push({
      check: 'join-address',
      passed: false,
      detail: `No keyword, meeting URL or video address in the conference data, location or body.${hint}`,
    })
    return stop('No Join button: nothing to join with.')
  }
  const address = [join.url, join.sip && `sip:${join.sip}`].filter(Boolean).join(' and ')
  checks.push({
    check: 'join-address',
    passed: true,
    detail: `${join.service} meeting, ${address}, from ${resolved.source ? SOURCE_WORDS[resolved.source] : 'the invitation'}.`,
  })

  const window = joinWindow(event, options.leadMinutes ?? options.settings.obtp.leadMinutes)
  const at = options.at === undefined ? undefined : Date.parse(options.at)
  const ended = at !== undefined && at >= Date.parse(window.showUntil)
  checks.push({
    check: 'timing',
    passed: !ended,
    detail: ended
      ? `The meeting ended at ${window.showUntil}, before ${options.at}.`
      : `The Join button shows from ${window.showFrom} until ${window.showUntil}.`,
  })
  if (ended) return stop('No Join button: the meeting is over.')

  const wanted = options.target?.toLowerCase()
  const verdicts = evaluateTargets(
    event,
    join,
    options,
    new Map([[event.mailbox.toLowerCase(), event.myResponse]]),
  ).filter((t) => wanted === undefined || t.email.toLowerCase() === wanted)
  if (wanted !== undefined && verdicts.length === 0) {
    checks.push({
      check: `target ${options.target}`,
      passed: false,
      detail: 'Not the organiser, an invitee or a booked room.',
    })
    return stop(`No Join button for ${options.target}: not invited.`)
  }
  for (const t of verdicts) {
    checks.push({
      check: `${t.kind} ${t.email}`,
      passed: t.pushed,
      detail: t.pushed ? `Gets ${t.address} (${t.reason}).` : `No button: ${t.reason}.`,
    })
  }
  const pushed = verdicts.filter((t) => t.pushed)
  if (pushed.length === 0) return stop('No Join button: no active user or room device among the participants.')
  return {
    eventId: event.id,
    checks,
    verdict: {
      joinButton: true,
      summary: `Join button for ${pushed.map((t) => t.email).join(', ')} from ${window.showFrom}.`,
    },
  }
}

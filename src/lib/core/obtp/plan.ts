import {isPrivate} from '../meetings/list.js'
import {resolveJoin, type JoinInfo, type JoinSource} from '../meetings/join.js'
import type {CalendarEvent, ResponseStatus} from '../model.js'
import {evaluateTargets, joinWindow, type ObtpContext} from './targets.js'

export interface ObtpPush {
  email: string
  kind: 'user' | 'room'
  response: ResponseStatus
  address: string
}

export interface ObtpPlanEntry {
  meetingId: string
  title: string | null
  start: string
  end: string
  /** When the Join button appears (start minus the lead) and when it goes (the end). */
  showFrom: string
  showUntil: string
  join: JoinInfo
  source: JoinSource | null
  targets: ObtpPush[]
}

export interface ObtpPlanOptions extends ObtpContext {
  /** Only pushes to this user or room. */
  only?: string
}

/**
 * Who gets a Join button for which meeting, when, with which address. The copies of one meeting read
 * from several mailboxes are merged (same organiser, times and join address), each mailbox's own copy
 * giving its owner's response. Cancelled, all-day and unjoinable meetings get no button.
 */
export function planObtp(events: readonly CalendarEvent[], options: ObtpPlanOptions): ObtpPlanEntry[] {
  const lead = options.leadMinutes ?? options.settings.obtp.leadMinutes
  const at = options.at === undefined ? undefined : Date.parse(options.at)
  const only = options.only?.toLowerCase()
  const meetings = new Map<
    string,
    {event: CalendarEvent; join: JoinInfo; source: JoinSource | null; responses: Map<string, ResponseStatus>}
  >()
  for (const event of events) {
    if (event.status === 'cancelled' || event.allDay) continue
    const resolved = resolveJoin(event, options.settings)
    if (!resolved.join) continue
    const key = [
      event.organizer.email.toLowerCase(),
      event.start,
      event.end,
      resolved.join.url ?? resolved.join.sip,
    ].join('|')
    const meeting = meetings.get(key) ?? {event, join: resolved.join, source: resolved.source, responses: new Map()}
    meeting.responses.set(event.mailbox.toLowerCase(), event.myResponse)
    // The organiser's copy is the authoritative one for the attendee list.
    if (event.mailbox.toLowerCase() === event.organizer.email.toLowerCase()) meeting.event = event
    meetings.set(key, meeting)
  }
  const entries: ObtpPlanEntry[] = []
  for (const {event, join, source, responses} of meetings.values()) {
    const window = joinWindow(event, lead)
    if (at !== undefined && !(Date.parse(window.showFrom) <= at && at < Date.parse(window.showUntil))) continue
    const targets = evaluateTargets(event, join, options, responses)
      .filter((t) => t.pushed && t.address !== null && (only === undefined || t.email.toLowerCase() === only))
      .map((t) => ({email: t.email, kind: t.kind, response: t.response, address: t.address ?? ''}))
    if (targets.length === 0) continue
    entries.push({
      meetingId: event.id,
      title: isPrivate(event) ? null : event.title,
      start: event.start,
      end: event.end,
      ...window,
      join,
      source,
      targets,
    })
  }
  return entries.sort((a, b) => Date.parse(a.start) - Date.parse(b.start) || a.meetingId.localeCompare(b.meetingId))
}

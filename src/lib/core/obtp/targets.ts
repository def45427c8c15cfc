import type {CalendarEvent, ResponseStatus} from '../model.js'
import type {JoinInfo} from '../meetings/join.js'
import type {MeetingSettings} from '../settings.js'

/** A room (workspace) hcal knows: its mailbox, whether it is enabled, and its device's video address. */
export interface ObtpRoom {
  email: string
  deviceSip?: string
  active: boolean
}

export interface ObtpContext {
  settings: MeetingSettings
  isActiveUser(email: string): boolean
  rooms: readonly ObtpRoom[]
  /** Overrides settings.obtp.leadMinutes. */
  leadMinutes?: number
  /** Overrides settings.obtp.tentative. */
  tentative?: 'push' | 'skip'
  /** ISO instant: only Join buttons showing at that moment. */
  at?: string
}

export interface TargetVerdict {
  email: string
  kind: 'user' | 'room'
  response: ResponseStatus
  pushed: boolean
  /** The address the target's button dials, when pushed. */
  address: string | null
  reason: string
}

/**
 * Who could get a Join button for this meeting and why (not). `responses` carries what each mailbox's
 * own copy says about its owner's response, which beats the organiser's view of the attendee list.
 */
export function evaluateTargets(
  event: CalendarEvent,
  join: JoinInfo,
  ctx: ObtpContext,
  responses: ReadonlyMap<string, ResponseStatus> = new Map(),
): TargetVerdict[] {
  const tentative = ctx.tentative ?? ctx.settings.obtp.tentative
  const rooms = new Map(ctx.rooms.map((r) => [r.email.toLowerCase(), r]))
  const people = new Map<string, {email: string; response: ResponseStatus; isRoom: boolean}>()
  const organiser = event.organizer.email.toLowerCase()
  people.set(organiser, {email: event.organizer.email, response: 'organizer', isRoom: rooms.has(organiser)})
  for (const attendee of event.attendees) {
    const key = attendee.email.toLowerCase()
    if (key === organiser) continue
    people.set(key, {email: attendee.email, response: attendee.response, isRoom: attendee.isRoom || rooms.has(key)})
  }
  return [...people.entries()].map(([key, person]) => {
    const own = responses.get(key)
    const response = own && own !== 'organizer' ? own : person.response
    const base = {email: person.email, response}
    const refuse = (reason: string): TargetVerdict => ({
      ...base,
      kind: person.isRoom ? 'room' : 'user',
      pushed: false,
      address: null,
      reason,
    })
    if (response === 'declined') return refuse('declined the meeting')
    if (response === 'tentative' && tentative === 'skip')
      return refuse('accepted tentatively, and tentative meetings are set to "skip"')
    if (person.isRoom) {
      const room = rooms.get(key)
      if (!room) return refuse('room is not enabled in hcal')
      if (!room.active) return refuse('room is not active')
      if (!room.deviceSip) return refuse('room has no device registered')
      const address = join.sip ?? join.url
      return {
        ...base,
        kind: 'room',
        pushed: true,
        address,
        reason: join.sip ? 'device gets the video address' : 'device gets the meeting URL',
      }
    }
    if (!ctx.isActiveUser(person.email)) return refuse('not an active hcal user')
    const address = join.url ?? join.sip
    return {
      ...base,
      kind: 'user',
      pushed: true,
      address,
      reason: join.url ? 'app gets the meeting URL' : 'app gets the video address',
    }
  })
}

export function joinWindow(
  event: Pick<CalendarEvent, 'start' | 'end'>,
  leadMinutes: number,
): {showFrom: string; showUntil: string} {
  return {showFrom: new Date(Date.parse(event.start) - leadMinutes * 60_000).toISOString(), showUntil: event.end}
}

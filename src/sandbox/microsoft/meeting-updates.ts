/**
 * What Exchange Online's calendar processing does when an organiser saves a meeting that has attendees (Graph
 * PATCH or DELETE, or the user in Outlook): the update goes to every attendee, and each attendee mailbox of
 * the tenant applies it to its copy, found by the meeting's iCalUId (an instance by its original start too).
 * The copy takes the organiser's subject, body, location, times and cancellation; what is the attendee's own
 * stays (response, showAs, categories, extended properties such as hcal's marker). A deleted meeting reaches
 * them as a cancellation: the copy is kept, `isCancelled`, its subject prefixed "Canceled: ".
 */
import type {Mailbox, StoredEvent} from './model.js'

/** What an attendee's copy takes from the organiser's saved meeting. */
const SHARED = ['subject', 'bodyType', 'body', 'location', 'start', 'end', 'isAllDay', 'isCancelled'] as const

export const CANCELED_PREFIX = 'Canceled: '

export interface AttendeeCopy {
  mailbox: Mailbox
  copy: StoredEvent
}

export interface CopyStore {
  resolve(address: string): Mailbox | undefined
}

/** True when the organiser's save changed something attendees see (a marker-only write sends no update). */
export function changesAttendeesSee(before: Pick<StoredEvent, (typeof SHARED)[number]>, after: StoredEvent): boolean {
  return SHARED.some((field) => before[field] !== after[field])
}

export function sharedContent(event: StoredEvent): Pick<StoredEvent, (typeof SHARED)[number]> {
  return {
    subject: event.subject,
    bodyType: event.bodyType,
    body: event.body,
    location: event.location,
    start: event.start,
    end: event.end,
    isAllDay: event.isAllDay,
    isCancelled: event.isCancelled,
  }
}

/** The copies of an organiser's item in the other mailboxes of the tenant that it names as attendees. */
export function attendeeCopies(store: CopyStore, organiser: Mailbox, event: StoredEvent): AttendeeCopy[] {
  if (!event.isOrganizer) return []
  const copies: AttendeeCopy[] = []
  const visited = new Set([organiser.address.toLowerCase()])
  for (const attendee of event.attendees) {
    const address = attendee.address.toLowerCase()
    if (visited.has(address)) continue
    visited.add(address)
    const mailbox = store.resolve(address)
    if (!mailbox) continue
    for (const candidate of mailbox.events.values()) {
      if (candidate.iCalUId === event.iCalUId && candidate.originalStart === event.originalStart) {
        copies.push({mailbox, copy: candidate})
      }
    }
  }
  return copies
}

/** The organiser's update applied to an attendee's copy (its own state kept). */
export function applyMeetingUpdate(copy: StoredEvent, organisers: StoredEvent): void {
  for (const field of SHARED) (copy as unknown as Record<string, unknown>)[field] = organisers[field]
  if (organisers.isCancelled && !copy.subject.startsWith(CANCELED_PREFIX)) {
    copy.subject = `${CANCELED_PREFIX}${copy.subject}`
  }
  copy.attendees = organisers.attendees
  copy.isOnlineMeeting = organisers.isOnlineMeeting
  copy.onlineMeetingProvider = organisers.onlineMeetingProvider
  copy.joinUrl = organisers.joinUrl
}

/** A cancellation applied to an attendee's copy. */
export function applyCancellation(copy: StoredEvent): void {
  copy.isCancelled = true
  if (!copy.subject.startsWith(CANCELED_PREFIX)) copy.subject = `${CANCELED_PREFIX}${copy.subject}`
}

/**
 * What Exchange's calendar processing does with an organiser's saved meeting (UpdateItem sent to attendees, or
 * the user in Outlook, which always sends the update): each attendee mailbox of the organisation applies it to
 * its copy (same UID). The copy takes the organiser's subject, body, location, times and cancellation, or the
 * one occurrence that changed; the attendee's own state stays (response, free/busy, extended properties such as
 * hcal's marker). A deleted meeting reaches them as a cancellation: the copy stays, IsCancelled, "Canceled: ".
 * The Microsoft emulator applies the same rules (its README, "Meeting updates").
 */
import type {ExItem, OccurrenceOverride} from './model.js'
import type {ExchangeStore} from './store.js'

export const CANCELED_PREFIX = 'Canceled: '

const SHARED = ['subject', 'location', 'body', 'bodyType', 'start', 'end', 'isCancelled'] as const

type Shared = Pick<ExItem, (typeof SHARED)[number]>

export function sharedContent(item: ExItem): Shared {
  return {
    subject: item.subject,
    location: item.location,
    body: item.body,
    bodyType: item.bodyType,
    start: item.start,
    end: item.end,
    isCancelled: item.isCancelled,
  }
}

function cancelledSubject(subject: string): string {
  return subject.startsWith(CANCELED_PREFIX) ? subject : `${CANCELED_PREFIX}${subject}`
}

function isOrganisers(item: ExItem): boolean {
  return item.myResponse === 'Organizer'
}

/** The organiser's change of the whole meeting, when attendees see one (a marker-only save sends nothing). */
export function sendMeetingUpdate(store: ExchangeStore, item: ExItem, before: Shared): void {
  if (!isOrganisers(item) || SHARED.every((field) => before[field] === item[field])) return
  for (const copy of store.copiesOf(item)) {
    Object.assign(copy.item, sharedContent(item))
    if (item.isCancelled) copy.item.subject = cancelledSubject(item.subject)
    store.touch(copy.mailbox, copy.item)
  }
}

/** The organiser's change of one occurrence (by index): the same occurrence of each copy takes it. */
export function sendOccurrenceUpdate(store: ExchangeStore, item: ExItem, index: number): void {
  const override = item.recurrence?.overrides.get(index)
  if (!isOrganisers(item) || !override) return
  for (const copy of store.copiesOf(item)) {
    const recurrence = copy.item.recurrence
    if (!recurrence) continue
    const theirs: OccurrenceOverride = recurrence.overrides.get(index) ?? {version: 0}
    const shared = {
      cancelled: override.cancelled,
      startShiftMinutes: override.startShiftMinutes,
      durationMinutes: override.durationMinutes,
      subject: override.subject,
      location: override.location,
      body: override.body,
    }
    recurrence.overrides.set(index, {...theirs, ...shared, version: theirs.version + 1})
    store.touch(copy.mailbox, copy.item)
  }
}

/** The organiser deleted the meeting: each copy is cancelled and kept. */
export function sendCancellation(store: ExchangeStore, item: ExItem): void {
  if (!isOrganisers(item)) return
  for (const copy of store.copiesOf(item)) {
    if (copy.item.isCancelled) continue
    copy.item.isCancelled = true
    copy.item.subject = cancelledSubject(copy.item.subject)
    store.touch(copy.mailbox, copy.item)
  }
}

import {controlOk, describeSyncEndToEnd, type TruthEvent} from '../../helpers/sync-e2e.js'
import type {UsersLab} from '../../helpers/users-lab.js'

interface GraphEvent {
  id: string
  type?: string
  isCancelled?: boolean
  location?: {displayName?: string}
  body?: {content?: string}
  organizer?: {emailAddress?: {address?: string}}
  start?: {dateTime?: string; timeZone?: string}
}

const mailboxPath = (email: string) => `/_sandbox/microsoft/mailboxes/${encodeURIComponent(email)}/events`

/** Graph's dateTime carries no offset: the emulator's ground truth gives it in UTC. */
function instant(start: GraphEvent['start']): number {
  const text = start?.dateTime ?? ''
  return Date.parse(/Z|[+-]\d\d:\d\d$/.test(text) ? text : `${text}Z`)
}

function truth(event: GraphEvent): TruthEvent {
  return {
    id: event.id,
    location: event.location?.displayName ?? '',
    body: event.body?.content ?? '',
    organiser: event.organizer?.emailAddress?.address?.toLowerCase() ?? '',
    start: instant(event.start),
    recurring: event.type !== undefined && event.type !== 'singleInstance',
    cancelled: event.isCancelled === true,
  }
}

describeSyncEndToEnd({
  id: 'microsoft',
  async eventsOf(lab: UsersLab, email: string) {
    return (await controlOk<{value: GraphEvent[]}>(lab, 'GET', mailboxPath(email))).value.map(truth)
  },
  async create(lab, email, meeting) {
    const created = await controlOk<GraphEvent>(lab, 'POST', mailboxPath(email), {
      subject: meeting.title,
      location: {displayName: meeting.location},
      body: {contentType: 'text', content: meeting.body},
      start: {dateTime: meeting.start.toISOString().replace('Z', ''), timeZone: 'UTC'},
      end: {dateTime: meeting.end.toISOString().replace('Z', ''), timeZone: 'UTC'},
    })
    return created.id
  },
  async setLocation(lab, email, id, location) {
    await controlOk(lab, 'PATCH', `${mailboxPath(email)}/${id}`, {location: {displayName: location}})
  },
  async invalidateCursor(lab, email) {
    await controlOk(lab, 'POST', '/_sandbox/microsoft/delta/invalidate', {mailbox: email})
  },
  // The Microsoft emulator does not yet update attendees' copies when the organiser's event changes.
  attendeeCopiesFollow: false,
  isCalendarOperation: (operation) => operation.startsWith('events.') || operation.startsWith('calendarView.'),
})

import {bodyTypeOf} from '../../../src/lib/providers/google/calendar/wire.js'
import {controlOk, type MeetingEdit, type NewMeeting, type TruthEvent} from '../../helpers/sync-e2e.js'
import {describeSyncEndToEnd} from '../../helpers/sync-e2e-suite.js'
import type {UsersLab} from '../../helpers/users-lab.js'

interface GoogleEvent {
  id: string
  status?: string
  location?: string
  description?: string
  recurrence?: string[]
  recurringEventId?: string
  organizer?: {email?: string}
  start?: {dateTime?: string; date?: string}
}

const eventsPath = (email: string) => `/_sandbox/google/calendars/${encodeURIComponent(email)}/events`

const startOf = (event: GoogleEvent) => Date.parse(event.start?.dateTime ?? event.start?.date ?? '')

function truth(event: GoogleEvent): TruthEvent {
  const body = event.description ?? ''
  return {
    id: event.id,
    location: event.location ?? '',
    body,
    bodyType: bodyTypeOf(body),
    organiser: event.organizer?.email?.toLowerCase() ?? '',
    start: startOf(event),
    recurring: Boolean(event.recurrence || event.recurringEventId),
    ...(event.recurrence ? {seriesId: event.id} : {}),
    cancelled: event.status === 'cancelled',
  }
}

function newEvent(meeting: NewMeeting): Record<string, unknown> {
  return {
    title: meeting.title,
    location: meeting.location,
    body: meeting.body,
    start: meeting.start.toISOString(),
    end: meeting.end.toISOString(),
  }
}

/** The control API's neutral fields for an edit. */
function patchOf(edit: MeetingEdit): Record<string, unknown> {
  return {
    ...(edit.location !== undefined ? {location: edit.location} : {}),
    ...(edit.body !== undefined ? {body: edit.body} : {}),
    ...(edit.start ? {start: edit.start.toISOString()} : {}),
    ...(edit.end ? {end: edit.end.toISOString()} : {}),
  }
}

async function create(lab: UsersLab, email: string, body: Record<string, unknown>): Promise<string> {
  return (await controlOk<GoogleEvent>(lab, 'POST', eventsPath(email), body)).id
}

describeSyncEndToEnd({
  id: 'google',
  async eventsOf(lab, email) {
    return (await controlOk<{events: GoogleEvent[]}>(lab, 'GET', eventsPath(email))).events.map(truth)
  },
  create: (lab, email, meeting) => create(lab, email, newEvent(meeting)),
  createSeries: (lab, email, meeting, count) =>
    create(lab, email, {...newEvent(meeting), recurrence: [`RRULE:FREQ=DAILY;COUNT=${count}`]}),
  async occurrencesOf(lab, email, seriesId) {
    const {events} = await controlOk<{events: GoogleEvent[]}>(lab, 'GET', `${eventsPath(email)}/${seriesId}/instances`)
    return events
      .filter((event) => event.status !== 'cancelled')
      .map((event) => ({
        key: event.id,
        start: startOf(event),
        location: event.location ?? '',
        body: event.description ?? '',
      }))
  },
  async editOccurrence(lab, email, _seriesId, key, edit) {
    await controlOk(lab, 'PATCH', `${eventsPath(email)}/${key}`, patchOf(edit))
  },
  async edit(lab, email, id, edit) {
    await controlOk(lab, 'PATCH', `${eventsPath(email)}/${id}`, patchOf(edit))
  },
  async race(lab, email, id, edit) {
    await controlOk(lab, 'POST', `${eventsPath(email)}/${id}/race`, patchOf(edit))
  },
  async cancel(lab, email, id) {
    await controlOk(lab, 'DELETE', `${eventsPath(email)}/${id}`)
  },
  async invalidateCursor(lab, email) {
    await controlOk(lab, 'POST', `/_sandbox/google/calendars/${encodeURIComponent(email)}/invalidate-sync-tokens`)
  },
  // One event shared by every calendar that holds it: attendees see the organiser's copy.
  attendeeCopiesFollow: true,
  isCalendarOperation: (operation) => operation.startsWith('events.'),
  shortTokenLifetimeSeconds: 2,
})

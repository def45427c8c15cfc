import {controlOk, type MeetingEdit, type NewMeeting, type TruthEvent} from '../../helpers/sync-e2e.js'
import {describeSyncEndToEnd} from '../../helpers/sync-e2e-suite.js'
import type {UsersLab} from '../../helpers/users-lab.js'

interface GraphEvent {
  id: string
  type?: string
  seriesMasterId?: string | null
  isCancelled?: boolean
  location?: {displayName?: string}
  body?: {content?: string; contentType?: string}
  organizer?: {emailAddress?: {address?: string}}
  start?: {dateTime?: string; timeZone?: string}
}

const mailboxPath = (email: string) => `/_sandbox/microsoft/mailboxes/${encodeURIComponent(email)}/events`

/** Graph's dateTime carries no offset: the emulator's ground truth gives it in UTC. */
function instant(start: GraphEvent['start']): number {
  const text = start?.dateTime ?? ''
  return Date.parse(/Z|[+-]\d\d:\d\d$/.test(text) ? text : `${text}Z`)
}

const wallClock = (at: Date) => ({dateTime: at.toISOString().replace('Z', ''), timeZone: 'UTC'})

function truth(event: GraphEvent): TruthEvent {
  return {
    id: event.id,
    location: event.location?.displayName ?? '',
    body: event.body?.content ?? '',
    bodyType: event.body?.contentType === 'html' ? 'html' : 'text',
    organiser: event.organizer?.emailAddress?.address?.toLowerCase() ?? '',
    start: instant(event.start),
    recurring: event.type !== undefined && event.type !== 'singleInstance',
    ...(event.type === 'seriesMaster' ? {seriesId: event.id} : {}),
    cancelled: event.isCancelled === true,
  }
}

async function groundTruth(lab: UsersLab, email: string): Promise<GraphEvent[]> {
  return (await controlOk<{value: GraphEvent[]}>(lab, 'GET', mailboxPath(email))).value
}

function newEvent(meeting: NewMeeting): Record<string, unknown> {
  return {
    subject: meeting.title,
    location: {displayName: meeting.location},
    body: {contentType: 'text', content: meeting.body},
    start: wallClock(meeting.start),
    end: wallClock(meeting.end),
  }
}

/** A Graph PATCH body for the edit; a new body keeps the event's content type. */
async function patchOf(lab: UsersLab, email: string, id: string, edit: MeetingEdit): Promise<Record<string, unknown>> {
  const current = (await groundTruth(lab, email)).find((e) => e.id === id)
  return {
    ...(edit.location !== undefined ? {location: {displayName: edit.location}} : {}),
    ...(edit.body !== undefined ? {body: {contentType: current?.body?.contentType ?? 'text', content: edit.body}} : {}),
    ...(edit.start ? {start: wallClock(edit.start)} : {}),
    ...(edit.end ? {end: wallClock(edit.end)} : {}),
  }
}

describeSyncEndToEnd({
  id: 'microsoft',
  async eventsOf(lab, email) {
    return (await groundTruth(lab, email)).map(truth)
  },
  async create(lab, email, meeting) {
    return (await controlOk<GraphEvent>(lab, 'POST', mailboxPath(email), newEvent(meeting))).id
  },
  async createSeries(lab, email, meeting, count) {
    const created = await controlOk<GraphEvent>(lab, 'POST', mailboxPath(email), {
      ...newEvent(meeting),
      recurrence: {
        pattern: {type: 'daily', interval: 1},
        range: {type: 'numbered', startDate: meeting.start.toISOString().slice(0, 10), numberOfOccurrences: count},
      },
    })
    return created.id
  },
  async occurrencesOf(lab, email, seriesId) {
    return (await groundTruth(lab, email))
      .filter((e) => e.seriesMasterId === seriesId && e.isCancelled !== true)
      .map((e) => ({
        key: e.id,
        start: instant(e.start),
        location: e.location?.displayName ?? '',
        body: e.body?.content ?? '',
      }))
      .sort((x, y) => x.start - y.start)
  },
  async editOccurrence(lab, email, _seriesId, key, edit) {
    await controlOk(lab, 'PATCH', `${mailboxPath(email)}/${key}`, await patchOf(lab, email, key, edit))
  },
  async edit(lab, email, id, edit) {
    await controlOk(lab, 'PATCH', `${mailboxPath(email)}/${id}`, await patchOf(lab, email, id, edit))
  },
  async race(lab, email, id, edit) {
    await controlOk(lab, 'POST', `${mailboxPath(email)}/${id}/race`, await patchOf(lab, email, id, edit))
  },
  async cancel(lab, email, id) {
    await controlOk(lab, 'DELETE', `${mailboxPath(email)}/${id}`)
  },
  async invalidateCursor(lab, email) {
    await controlOk(lab, 'POST', '/_sandbox/microsoft/delta/invalidate', {mailbox: email})
  },
  attendeeCopiesFollow: true,
  isCalendarOperation: (operation) => operation.startsWith('events.') || operation.startsWith('calendarView.'),
  shortTokenLifetimeSeconds: 2,
})

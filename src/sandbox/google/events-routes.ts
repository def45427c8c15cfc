/** Calendar v3 events.* routes (list, get, instances, insert, update, patch, delete, quickAdd, watch). */
import type {FastifyInstance, FastifyReply, FastifyRequest} from 'fastify'

import type {ApiScope, Caller, RouteMeta} from './api-scope.js'
import type {ChannelRegistry} from './channels.js'
import {apiErrors} from './errors.js'
import {applyEventBody, applyEventBodyAtomically, validateClientEventId} from './event-input.js'
import {listEvents, listInstances} from './list.js'
import type {Query} from './list-query.js'
import {blankMeeting, type Calendar, type CalendarEntry} from './model.js'
import {cancelOccurrence, type Located, locate, patchOccurrence} from './occurrences.js'
import {occurrences} from './recurrence.js'
import {etagString, renderEvent, renderOccurrence} from './render.js'
import {METHOD_SCOPES} from './scopes.js'
import type {CalendarStore} from './store.js'

type Params = {calendarId: string; eventId: string}
type Request = FastifyRequest<{Params: Params; Querystring: Query; Body: Record<string, unknown> | undefined}>

const meta = (operation: string, rpc: string, scopes: readonly string[]): RouteMeta => ({
  operation,
  scopes,
  rpcMethod: `calendar.v3.Events.${rpc}`,
  api: 'calendar',
})

function checkIfMatch(request: FastifyRequest, entry: CalendarEntry): void {
  const ifMatch = request.headers['if-match']
  if (ifMatch === undefined || ifMatch === '*') return
  const current = etagString(entry.etag)
  if (
    !String(ifMatch)
      .split(/\s*,\s*/)
      .includes(current)
  )
    throw apiErrors.conditionNotMet()
}

/** `timeZone` on list: dateTimes are written in that zone instead of the calendar's. */
function viewIn(calendar: Calendar, timeZone: Query[string]): Calendar {
  if (typeof timeZone !== 'string' || timeZone === calendar.timeZone) return calendar
  try {
    new Intl.DateTimeFormat('en-US', {timeZone})
  } catch {
    throw apiErrors.invalid('Invalid time zone definition.')
  }
  return {...calendar, timeZone}
}

const SEND_UPDATES: ReadonlySet<string> = new Set(['all', 'externalOnly', 'none'])

/** Guest notifications are not emulated, but the parameter is validated as Google does. */
function checkSendUpdates(query: Query): void {
  const value = query.sendUpdates
  if (value !== undefined && (typeof value !== 'string' || !SEND_UPDATES.has(value))) {
    throw apiErrors.invalid('Invalid value for: sendUpdates')
  }
}

function conferenceVersion(query: Query): number {
  const value = query.conferenceDataVersion
  if (value === undefined) return 0
  const n = Number(value)
  if (n !== 0 && n !== 1) throw apiErrors.invalid('Invalid value for: conferenceDataVersion')
  return n
}

export function registerEventRoutes(
  app: FastifyInstance,
  deps: {api: ApiScope; store: CalendarStore; channels: ChannelRegistry; origin: () => string},
): void {
  const {api, store, channels} = deps
  const base = '/calendar/v3/calendars/:calendarId/events'

  const render = (calendar: Calendar, located: Located) => {
    if (located.originalStartMs === undefined) return renderEvent(calendar, located.entry, deps.origin())
    const occurrence = occurrences(located.entry.meeting).find((o) => o.originalStartMs === located.originalStartMs)
    if (!occurrence) throw apiErrors.notFound()
    return renderOccurrence(calendar, located.entry, occurrence, deps.origin())
  }

  const reply = (response: FastifyReply, entry: CalendarEntry, body: unknown) =>
    response.header('etag', etagString(entry.etag)).send(body)

  app.get(base, async (request: Request) => {
    const caller = api.authorize(request, meta('events.list', 'List', METHOD_SCOPES.calendarRead))
    const calendar = api.calendar(request, caller, request.params.calendarId, 'read')
    const page = listEvents(viewIn(calendar, request.query.timeZone), request.query, deps.origin())
    return {
      kind: 'calendar#events',
      etag: etagString(calendar.seq),
      summary: calendar.owner,
      description: '',
      updated: new Date().toISOString(),
      timeZone: calendar.timeZone,
      accessRole: calendar.owner === caller.subject ? 'owner' : 'reader',
      defaultReminders: calendar.owner === caller.subject ? [{method: 'popup', minutes: 10}] : [],
      ...(page.nextPageToken ? {nextPageToken: page.nextPageToken} : {}),
      ...(page.nextSyncToken ? {nextSyncToken: page.nextSyncToken} : {}),
      items: page.items,
    }
  })

  app.get(`${base}/:eventId`, async (request: Request, response) => {
    const caller = api.authorize(request, meta('events.get', 'Get', METHOD_SCOPES.calendarRead))
    const calendar = api.calendar(request, caller, request.params.calendarId, 'read')
    const located = locate(calendar, request.params.eventId)
    if (request.headers['if-none-match'] === etagString(located.entry.etag)) return response.code(304).send()
    return reply(response, located.entry, render(calendar, located))
  })

  app.get(`${base}/:eventId/instances`, async (request: Request) => {
    const caller = api.authorize(request, meta('events.instances', 'Instances', METHOD_SCOPES.calendarRead))
    const calendar = api.calendar(request, caller, request.params.calendarId, 'read')
    const entry = calendar.entries.get(request.params.eventId)
    if (!entry) throw apiErrors.notFound()
    if (entry.deleted) throw apiErrors.deleted()
    const page = listInstances(calendar, entry, request.query, deps.origin())
    return {
      kind: 'calendar#events',
      etag: etagString(entry.etag),
      summary: calendar.owner,
      updated: new Date(entry.updatedMs).toISOString(),
      timeZone: calendar.timeZone,
      accessRole: calendar.owner === caller.subject ? 'owner' : 'reader',
      defaultReminders: [],
      ...(page.nextPageToken ? {nextPageToken: page.nextPageToken} : {}),
      items: page.items,
    }
  })

  const insert = (calendar: Calendar, body: Record<string, unknown>, query: Query): CalendarEntry => {
    const id = validateClientEventId(body.id) ?? store.newEventId()
    if (calendar.entries.has(id)) throw apiErrors.duplicate()
    const now = Date.now()
    const meeting = blankMeeting(calendar, id, typeof body.iCalUID === 'string' ? body.iCalUID : undefined, now)
    const draftEntry: CalendarEntry = {meeting, changeSeq: 0, etag: 0, updatedMs: now, deleted: false, shared: false}
    applyEventBody(meeting, draftEntry, body, {mode: 'insert', conferenceDataVersion: conferenceVersion(query)})
    store.syncAttendeeCopies(meeting, [], now)
    const entry = calendar.entries.get(id)
    if (!entry) throw apiErrors.backendError(500)
    if (draftEntry.privateProperties) entry.privateProperties = draftEntry.privateProperties
    return entry
  }

  app.post(base, async (request: Request, response) => {
    const caller = api.authorize(request, meta('events.insert', 'Insert', METHOD_SCOPES.calendarWrite))
    checkSendUpdates(request.query)
    const calendar = api.calendar(request, caller, request.params.calendarId, 'write')
    const entry = insert(calendar, request.body ?? {}, request.query)
    return reply(response, entry, renderEvent(calendar, entry, deps.origin()))
  })

  app.post(`${base}/quickAdd`, async (request: Request, response) => {
    const caller = api.authorize(request, meta('events.quickAdd', 'QuickAdd', METHOD_SCOPES.calendarWrite))
    const calendar = api.calendar(request, caller, request.params.calendarId, 'write')
    const text = typeof request.query.text === 'string' ? request.query.text.trim() : ''
    if (!text) throw apiErrors.required('text')
    const entry = insert(calendar, quickAddBody(text, calendar.timeZone), {})
    return reply(response, entry, renderEvent(calendar, entry, deps.origin()))
  })

  app.post(`${base}/watch`, async (request: Request) => {
    const caller = api.authorize(request, meta('events.watch', 'Watch', METHOD_SCOPES.calendarRead))
    const calendar = api.calendar(request, caller, request.params.calendarId, 'read')
    const resourceUri = `${deps.origin()}/calendar/v3/calendars/${encodeURIComponent(calendar.owner)}/events?alt=json`
    const channel = channels.create(calendar.owner, resourceUri, request.body ?? {})
    return {
      kind: 'api#channel',
      id: channel.id,
      resourceId: channel.resourceId,
      resourceUri: channel.resourceUri,
      ...(channel.token !== undefined ? {token: channel.token} : {}),
      expiration: String(channel.expiration),
    }
  })

  const write = (mode: 'update' | 'patch') => async (request: Request, response: FastifyReply) => {
    const rpc = mode === 'patch' ? 'Patch' : 'Update'
    const caller: Caller = api.authorize(request, meta(`events.${mode}`, rpc, METHOD_SCOPES.calendarWrite))
    checkSendUpdates(request.query)
    const calendar = api.calendar(request, caller, request.params.calendarId, 'write')
    // A user's edit armed by the control API lands now, between the client's read and this write.
    store.races.land(`${calendar.owner}/${request.params.eventId}`)
    const found = locate(calendar, request.params.eventId)
    const located = {...found, entry: store.own(calendar, found.entry)}
    const {entry, originalStartMs} = located
    if (entry.deleted) throw apiErrors.deleted()
    checkIfMatch(request, entry)
    const body = request.body ?? {}
    const meeting = entry.meeting
    if (originalStartMs !== undefined) {
      patchOccurrence(store, entry, originalStartMs, body)
    } else {
      const previous = applyEventBodyAtomically(meeting, entry, body, {
        mode,
        conferenceDataVersion: conferenceVersion(request.query),
      })
      store.syncAttendeeCopies(meeting, previous)
      store.touchMeeting(meeting)
    }
    return reply(response, entry, render(calendar, located))
  }
  app.patch(`${base}/:eventId`, write('patch'))
  app.put(`${base}/:eventId`, write('update'))

  app.delete(`${base}/:eventId`, async (request: Request, response) => {
    const caller = api.authorize(request, meta('events.delete', 'Delete', METHOD_SCOPES.calendarWrite))
    checkSendUpdates(request.query)
    const calendar = api.calendar(request, caller, request.params.calendarId, 'write')
    const {entry, originalStartMs} = locate(calendar, request.params.eventId)
    const meeting = entry.meeting
    if (entry.deleted || (meeting.status === 'cancelled' && meeting.organizer === calendar.owner))
      throw apiErrors.deleted()
    checkIfMatch(request, entry)
    if (originalStartMs !== undefined) {
      cancelOccurrence(store, entry, originalStartMs)
    } else {
      store.deleteFrom(calendar, entry)
    }
    return response.code(204).send()
  })
}

/** quickAdd's parser, reduced: "<title> [tomorrow] [at <h>[:mm][am|pm]]", one hour long. */
export function quickAddBody(text: string, timeZone: string, now = new Date()): Record<string, unknown> {
  let summary = text
  const start = new Date(now)
  start.setUTCMinutes(0, 0, 0)
  start.setUTCHours(start.getUTCHours() + 1)
  if (/\btomorrow\b/i.test(summary)) {
    start.setUTCDate(start.getUTCDate() + 1)
    summary = summary.replace(/\s*\btomorrow\b/i, '')
  }
  const at = /\s*\bat\s+(\d{1,2})(?::(\d{2}))?\s*(am|pm)?\b/i.exec(summary)
  if (at) {
    let hour = Number(at[1]) % 24
    if (at[3]?.toLowerCase() === 'pm' && hour < 12) hour += 12
    if (at[3]?.toLowerCase() === 'am' && hour === 12) hour = 0
    start.setUTCHours(hour, Number(at[2] ?? 0), 0, 0)
    summary = summary.replace(at[0], '')
  }
  const end = new Date(start.getTime() + 3_600_000)
  const wall = (date: Date) => date.toISOString().slice(0, 19)
  return {
    summary: summary.trim() || text,
    start: {dateTime: wall(start), timeZone},
    end: {dateTime: wall(end), timeZone},
  }
}

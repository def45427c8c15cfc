/**
 * /_sandbox/google/...: act as an end user (create, edit, delete meetings; set the vacation responder),
 * read ground truth, set delegation policy, invalidate sync tokens, expire channels. The host guards every
 * /_sandbox/ route with its control token.
 */
import type {FastifyInstance, FastifyReply, FastifyRequest} from 'fastify'

import type {ChannelRegistry} from './channels.js'
import {GoogleApiError} from './errors.js'
import {applyEventBody, applyEventBodyAtomically} from './event-input.js'
import type {DelegationRegistry, ServiceAccount} from './identity.js'
import {blankMeeting, type Calendar} from './model.js'
import {cancelOccurrence, type Located, locate, patchOccurrence} from './occurrences.js'
import {occurrences} from './recurrence.js'
import {renderEvent, renderOccurrence} from './render.js'
import {KNOWN_SCOPES} from './scopes.js'
import type {CalendarStore} from './store.js'

const PREFIX = '/_sandbox/google'
const NEUTRAL_FIELDS = new Set(['title', 'body', 'start', 'end', 'allDay', 'attendees', 'timeZone'])

/** The event or occurrence an id names, or undefined (the control API answers its own 404). */
function locateEvent(calendar: Calendar, id: string): Located | undefined {
  try {
    return locate(calendar, id)
  } catch (error) {
    if (error instanceof GoogleApiError) return undefined
    throw error
  }
}

export function controlError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.code(status).send({error: {code, message}})
}

type Neutral = Record<string, unknown>

/** Provider-neutral fields (title, body, start, end, attendees...) to a Calendar event body; Google fields pass through. */
export function neutralToEventBody(input: Neutral, timeZone: string): Record<string, unknown> {
  const body: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(input)) if (!NEUTRAL_FIELDS.has(key)) body[key] = value
  if (input.title !== undefined) body.summary = input.title
  if (input.body !== undefined) body.description = input.body
  const zone = typeof input.timeZone === 'string' ? input.timeZone : timeZone
  const time = (value: unknown) =>
    input.allDay === true ? {date: String(value).slice(0, 10)} : {dateTime: String(value), timeZone: zone}
  if (input.start !== undefined) body.start = time(input.start)
  if (input.end !== undefined) body.end = time(input.end)
  if (Array.isArray(input.attendees)) {
    body.attendees = input.attendees.map((attendee: unknown) => {
      if (typeof attendee === 'string') return {email: attendee}
      const given = attendee as {email?: string; name?: string; response?: string; isRoom?: boolean}
      return {
        email: given.email,
        ...(given.name ? {displayName: given.name} : {}),
        ...(given.response ? {responseStatus: given.response} : {}),
        ...(given.isRoom ? {resource: true} : {}),
      }
    })
  }
  return body
}

export function registerControlRoutes(
  app: FastifyInstance,
  deps: {
    store: CalendarStore
    channels: ChannelRegistry
    delegation: DelegationRegistry
    account: ServiceAccount
    origin: () => string
  },
): void {
  const {store, channels, delegation} = deps
  type CalendarRequest = FastifyRequest<{
    Params: {email: string; id: string}
    Body: Neutral | undefined
    Querystring: {showDeleted?: string}
  }>

  const calendarOf = (request: CalendarRequest, reply: FastifyReply): Calendar | undefined => {
    const calendar = store.calendars.get(request.params.email.toLowerCase())
    if (!calendar) controlError(reply, 404, 'calendar_not_found', `No calendar ${request.params.email} in the sandbox.`)
    return calendar
  }

  const apply = (reply: FastifyReply, run: () => unknown) => {
    try {
      return run()
    } catch (error) {
      if (error instanceof GoogleApiError) return controlError(reply, error.code, 'invalid_event', error.message)
      throw error
    }
  }

  app.get(`${PREFIX}/calendars/:email/events`, async (request: CalendarRequest, reply) => {
    const calendar = calendarOf(request, reply)
    if (!calendar) return reply
    const showDeleted = request.query.showDeleted === 'true'
    const events = [...calendar.entries.values()]
      .filter((entry) => showDeleted || !entry.deleted)
      .map((entry) => renderEvent(calendar, entry, deps.origin()))
    return {calendar: calendar.owner, timeZone: calendar.timeZone, events}
  })

  // Ground truth of one series: each occurrence as the API's instances list renders it (exceptions included).
  app.get(`${PREFIX}/calendars/:email/events/:id/instances`, async (request: CalendarRequest, reply) => {
    const calendar = calendarOf(request, reply)
    if (!calendar) return reply
    const entry = calendar.entries.get(request.params.id)
    if (!entry || entry.deleted || !entry.meeting.recurrence)
      return controlError(reply, 404, 'event_not_found', `No series ${request.params.id}.`)
    const events = occurrences(entry.meeting).map((each) => renderOccurrence(calendar, entry, each, deps.origin()))
    return {calendar: calendar.owner, events}
  })

  app.post(`${PREFIX}/calendars/:email/events`, async (request: CalendarRequest, reply) => {
    const calendar = calendarOf(request, reply)
    if (!calendar) return reply
    return apply(reply, () => {
      const now = Date.now()
      const id = store.newEventId()
      const meeting = blankMeeting(calendar, id, undefined, now)
      applyEventBody(meeting, undefined, neutralToEventBody(request.body ?? {}, calendar.timeZone), {
        mode: 'insert',
        conferenceDataVersion: 1,
      })
      store.syncAttendeeCopies(meeting, [], now)
      const entry = calendar.entries.get(id)
      return reply.code(201).send(entry ? renderEvent(calendar, entry, deps.origin()) : {id})
    })
  })

  /** The end user's edit of an event (an instance id: that occurrence only, which becomes an exception). */
  const endUserEdit = (calendar: Calendar, found: Located, body: Record<string, unknown>) => {
    const entry = store.own(calendar, found.entry)
    const originalStartMs = found.originalStartMs
    if (originalStartMs !== undefined) {
      patchOccurrence(store, entry, originalStartMs, body)
      const occurrence = occurrences(entry.meeting).find((each) => each.originalStartMs === originalStartMs)
      return occurrence ? renderOccurrence(calendar, entry, occurrence, deps.origin()) : {}
    }
    const previous = applyEventBodyAtomically(entry.meeting, entry, body, {mode: 'patch', conferenceDataVersion: 1})
    store.syncAttendeeCopies(entry.meeting, previous)
    store.touchMeeting(entry.meeting)
    return renderEvent(calendar, entry, deps.origin())
  }

  app.patch(`${PREFIX}/calendars/:email/events/:id`, async (request: CalendarRequest, reply) => {
    const calendar = calendarOf(request, reply)
    if (!calendar) return reply
    const found = locateEvent(calendar, request.params.id)
    if (!found || found.entry.deleted)
      return controlError(reply, 404, 'event_not_found', `No event ${request.params.id}.`)
    return apply(reply, () => endUserEdit(calendar, found, neutralToEventBody(request.body ?? {}, calendar.timeZone)))
  })

  // Arms the same edit to land when the next API write (patch, update) of this event arrives, before its
  // If-Match is checked: the user saved between the client's read and its write. Converted now, applied then.
  app.post(`${PREFIX}/calendars/:email/events/:id/race`, async (request: CalendarRequest, reply) => {
    const calendar = calendarOf(request, reply)
    if (!calendar) return reply
    const id = request.params.id
    const found = locateEvent(calendar, id)
    if (!found || found.entry.deleted) return controlError(reply, 404, 'event_not_found', `No event ${id}.`)
    return apply(reply, () => {
      const body = neutralToEventBody(request.body ?? {}, calendar.timeZone)
      store.races.arm(`${calendar.owner}/${id}`, () => {
        const now = locateEvent(calendar, id)
        if (now && !now.entry.deleted) endUserEdit(calendar, now, body)
      })
      return reply.code(202).send({armed: true})
    })
  })

  // Bad data no API write can produce (an event without a start, a zone Google's clients do not know), as
  // legacy imports leave it: laid over what the API returns for the meeting, in every calendar holding it.
  app.put(`${PREFIX}/calendars/:email/events/:id/wire`, async (request: CalendarRequest, reply) => {
    const calendar = calendarOf(request, reply)
    if (!calendar) return reply
    const entry = calendar.entries.get(request.params.id)
    if (!entry || entry.deleted) return controlError(reply, 404, 'event_not_found', `No event ${request.params.id}.`)
    const body = request.body
    if (!body || typeof body !== 'object' || Array.isArray(body))
      return controlError(reply, 400, 'invalid_wire', 'The body must be an object of event fields (null removes one).')
    if (Object.keys(body).length > 0) entry.meeting.wireOverrides = {...body}
    else delete entry.meeting.wireOverrides
    store.touchMeeting(entry.meeting)
    return renderEvent(calendar, calendar.entries.get(request.params.id) ?? entry, deps.origin())
  })

  app.delete(`${PREFIX}/calendars/:email/events/:id`, async (request: CalendarRequest, reply) => {
    const calendar = calendarOf(request, reply)
    if (!calendar) return reply
    const found = locateEvent(calendar, request.params.id)
    if (!found || found.entry.deleted)
      return controlError(reply, 404, 'event_not_found', `No event ${request.params.id}.`)
    const originalStartMs = found.originalStartMs
    return apply(reply, () => {
      if (originalStartMs === undefined) store.deleteFrom(calendar, found.entry)
      else cancelOccurrence(store, store.own(calendar, found.entry), originalStartMs)
      return reply.code(204).send()
    })
  })

  app.delete(`${PREFIX}/calendars/:email`, async (request: CalendarRequest, reply) => {
    const calendar = store.removeCalendar(request.params.email.toLowerCase())
    if (!calendar) return controlError(reply, 404, 'calendar_not_found', `No calendar ${request.params.email}.`)
    channels.gone(calendar.owner)
    return reply.code(204).send()
  })

  app.post(`${PREFIX}/calendars/:email/invalidate-sync-tokens`, async (request: CalendarRequest, reply) => {
    const calendar = calendarOf(request, reply)
    if (!calendar) return reply
    store.invalidateSyncTokens(calendar)
    return {calendar: calendar.owner, syncEpoch: calendar.syncEpoch}
  })

  app.put(`${PREFIX}/users/:email/vacation`, async (request: CalendarRequest, reply) => {
    const calendar = calendarOf(request, reply)
    if (!calendar || calendar.isRoom)
      return calendar ? controlError(reply, 400, 'not_a_user', 'Rooms have no mailbox settings.') : reply
    const body = request.body ?? {}
    const ms = (value: unknown) =>
      value === undefined || value === null
        ? undefined
        : String(typeof value === 'number' ? value : Date.parse(String(value)))
    const startTime = ms(body.startTime ?? body.start)
    const endTime = ms(body.endTime ?? body.end)
    calendar.vacation = {
      enableAutoReply: Boolean(body.enableAutoReply ?? body.enabled ?? false),
      responseSubject: String(body.responseSubject ?? ''),
      responseBodyPlainText: String(body.responseBodyPlainText ?? body.message ?? ''),
      ...(typeof body.responseBodyHtml === 'string' ? {responseBodyHtml: body.responseBodyHtml} : {}),
      restrictToContacts: Boolean(body.restrictToContacts ?? false),
      restrictToDomain: Boolean(body.restrictToDomain ?? false),
      ...(startTime ? {startTime} : {}),
      ...(endTime ? {endTime} : {}),
    }
    return calendar.vacation
  })

  app.get(`${PREFIX}/delegation`, async () => ({
    clientId: deps.account.clientId,
    scopes: delegation.get(deps.account.clientId),
  }))

  app.put(
    `${PREFIX}/delegation`,
    async (request: FastifyRequest<{Body: {clientId?: unknown; scopes?: unknown} | undefined}>, reply) => {
      const body = request.body ?? {}
      const clientId = body.clientId ?? deps.account.clientId
      if (typeof clientId !== 'string' || !/^\d+$/.test(clientId))
        return controlError(reply, 400, 'invalid_client_id', 'clientId must be a numeric client ID.')
      if (
        !Array.isArray(body.scopes) ||
        body.scopes.some((scope) => typeof scope !== 'string' || !KNOWN_SCOPES.has(scope))
      ) {
        return controlError(reply, 400, 'invalid_scopes', 'scopes must be a list of OAuth scope URLs.')
      }
      delegation.set(clientId, body.scopes as string[])
      return {clientId, scopes: delegation.get(clientId)}
    },
  )

  app.get(`${PREFIX}/channels`, async () => ({
    channels: channels.list().map((channel) => ({
      id: channel.id,
      resourceId: channel.resourceId,
      calendar: channel.calendar,
      address: channel.address,
      expiration: channel.expiration,
      messageNumber: channel.messageNumber,
    })),
  }))

  app.post(`${PREFIX}/channels/expire`, async (request: FastifyRequest<{Body: {calendar?: unknown} | undefined}>) => {
    const calendar = typeof request.body?.calendar === 'string' ? request.body.calendar.toLowerCase() : undefined
    return {expired: channels.expire(calendar)}
  })
}

/** Graph v1.0 calendar event routes: list, get, create, update (change-key concurrency), delete, instances, calendarView. */
import type {FastifyInstance, FastifyReply, FastifyRequest} from 'fastify'

import {applyEventBody, GraphInputError} from './event-input.js'
import type {GraphGate} from './graph-auth.js'
import {sendGraphError} from './graph-errors.js'
import {linkWith, nonNegativeInt, preferredPageSize, renderOptions, type Query} from './graph-query.js'
import {assignEdit, cloneEvent, type Mailbox, type StoredEvent} from './model.js'
import {disableOnlineMeetingWithoutBlob} from './online-meeting.js'
import {shapeEvent} from './render.js'
import {setOperation} from './request-log.js'
import {viewItems, type MicrosoftStore} from './store.js'
import {parseQueryInstant} from './time.js'

type UserRequest = FastifyRequest<{Params: {user: string}; Querystring: Query}>
type ItemRequest = FastifyRequest<{Params: {user: string; id: string}; Querystring: Query}>

const DEFAULT_PAGE = 10
const MAX_PAGE = 1000

export function handleInputError(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  if (error instanceof GraphInputError) return sendGraphError(request, reply, error.status, error.code, error.message)
  throw error
}

function notFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendGraphError(request, reply, 404, 'ErrorItemNotFound', 'The specified object was not found in the store.')
}

/**
 * If-Match against the item's current change key. Graph's event PATCH reference documents no If-Match, but
 * Outlook compares the change key and answers a stale one with 412 ErrorIrresolvableConflict (observed in
 * the field, see perf-reliability-anchors §4); the emulator does exactly that, and `*` or no header always
 * writes. DELETE honours it the same way.
 */
export function ifMatchFails(request: FastifyRequest, event: StoredEvent): boolean {
  const header = request.headers['if-match']
  if (header === undefined || header === '*') return false
  const wanted = header.replace(/^W\//, '').replace(/^"|"$/g, '')
  return wanted !== event.changeKey
}

export function sendConflict(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendGraphError(
    request,
    reply,
    412,
    'ErrorIrresolvableConflict',
    'The change key passed in the request does not match the current change key for the item.',
  )
}

function requireWindow(query: Query): {start: number; end: number} {
  const start = parseQueryInstant(query.startDateTime ?? query.StartDateTime)
  const end = parseQueryInstant(query.endDateTime ?? query.EndDateTime)
  if (start === undefined || end === undefined) {
    throw new GraphInputError(
      'ErrorInvalidParameter',
      'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.',
    )
  }
  return {start, end}
}

export function registerEventRoutes(
  app: FastifyInstance,
  origin: string,
  gate: GraphGate,
  store: MicrosoftStore,
): void {
  const page = (request: UserRequest | ItemRequest, reply: FastifyReply, items: StoredEvent[], context: string) => {
    const options = renderOptions(request.query)
    const preferred = preferredPageSize(request)
    const top = Math.min(nonNegativeInt(request.query.$top, '$top', preferred ?? DEFAULT_PAGE), MAX_PAGE)
    const skip = nonNegativeInt(request.query.$skip, '$skip', 0)
    const slice = items.slice(skip, skip + top)
    if (preferred !== undefined) reply.header('Preference-Applied', `odata.maxpagesize=${preferred}`)
    return {
      '@odata.context': `${origin}/v1.0/$metadata#users('${encodeURIComponent(request.params.user)}')/${context}`,
      value: slice.map((event) => shapeEvent(event, options)),
      ...(skip + top < items.length
        ? {'@odata.nextLink': linkWith(origin, request, {$top: String(top), $skip: String(skip + top)})}
        : {}),
    }
  }

  /** $filter and $orderby are valid in Graph but not evaluated here: 501 rather than wrong data. */
  const rejectFilter = (request: UserRequest, reply: FastifyReply): boolean => {
    const option = (['$filter', '$orderby'] as const).find((name) => request.query[name] !== undefined)
    if (option === undefined) return false
    sendGraphError(request, reply, 501, 'NotImplemented', `The sandbox does not evaluate ${option} on events.`)
    return true
  }

  const list = async (request: UserRequest, reply: FastifyReply) => {
    setOperation(request, 'events.list')
    const mailbox = await gate.mailbox(request, reply, request.params.user, 'Calendars.Read')
    if (!mailbox || rejectFilter(request, reply)) return reply
    try {
      const items = [...mailbox.events.values()]
        .filter((e) => e.type === 'singleInstance' || e.type === 'seriesMaster')
        .sort((a, b) => b.createdAt - a.createdAt || a.id.localeCompare(b.id))
      return page(request, reply, items, 'events')
    } catch (error) {
      return handleInputError(request, reply, error)
    }
  }

  const get = async (request: ItemRequest, reply: FastifyReply) => {
    setOperation(request, 'events.get')
    const mailbox = await gate.mailbox(request, reply, request.params.user, 'Calendars.Read')
    if (!mailbox) return reply
    const event = mailbox.events.get(request.params.id)
    if (!event) return notFound(request, reply)
    try {
      return shapeEvent(event, renderOptions(request.query))
    } catch (error) {
      return handleInputError(request, reply, error)
    }
  }

  const create = async (request: UserRequest, reply: FastifyReply) => {
    setOperation(request, 'events.create')
    const mailbox = await gate.mailbox(request, reply, request.params.user, 'Calendars.ReadWrite')
    if (!mailbox) return reply
    const now = Date.now()
    const event = newEvent(store.newId(), mailbox, now)
    try {
      applyEventBody(event, request.body)
    } catch (error) {
      return handleInputError(request, reply, error)
    }
    store.insert(mailbox, event)
    return reply.code(201).send(shapeEvent(event, {}))
  }

  const update = async (request: ItemRequest, reply: FastifyReply) => {
    setOperation(request, 'events.update')
    const mailbox = await gate.mailbox(request, reply, request.params.user, 'Calendars.ReadWrite')
    if (!mailbox) return reply
    // A user's edit armed by the control API lands now, between the client's read and this write.
    store.races.land(`${mailbox.id}/${request.params.id}`)
    const event = mailbox.events.get(request.params.id)
    if (!event) return notFound(request, reply)
    if (ifMatchFails(request, event)) return sendConflict(request, reply)
    // Validate on a copy first so a rejected body changes nothing.
    const draft = cloneEvent(event)
    try {
      applyEventBody(draft, request.body)
    } catch (error) {
      return handleInputError(request, reply, error)
    }
    disableOnlineMeetingWithoutBlob(event, draft, (request.body as {body?: unknown}).body !== undefined)
    store.update(mailbox, event, (target) => assignEdit(target, draft))
    return shapeEvent(event, {})
  }

  const remove = async (request: ItemRequest, reply: FastifyReply) => {
    setOperation(request, 'events.delete')
    const mailbox = await gate.mailbox(request, reply, request.params.user, 'Calendars.ReadWrite')
    if (!mailbox) return reply
    const event = mailbox.events.get(request.params.id)
    if (!event) return notFound(request, reply)
    if (ifMatchFails(request, event)) return sendConflict(request, reply)
    store.remove(mailbox, event)
    return reply.code(204).send()
  }

  const view = async (request: UserRequest, reply: FastifyReply) => {
    setOperation(request, 'calendarView.list')
    const mailbox = await gate.mailbox(request, reply, request.params.user, 'Calendars.Read')
    if (!mailbox || rejectFilter(request, reply)) return reply
    try {
      const {start, end} = requireWindow(request.query)
      return page(request, reply, viewItems(mailbox, start, end), 'calendarView')
    } catch (error) {
      return handleInputError(request, reply, error)
    }
  }

  const instances = async (request: ItemRequest, reply: FastifyReply) => {
    setOperation(request, 'events.instances')
    const mailbox = await gate.mailbox(request, reply, request.params.user, 'Calendars.Read')
    if (!mailbox) return reply
    const master = mailbox.events.get(request.params.id)
    if (!master) return notFound(request, reply)
    try {
      const {start, end} = requireWindow(request.query)
      const items = master.type === 'seriesMaster' ? store.instancesOf(mailbox, master.id) : []
      const inWindow = items.filter((e) => e.start < end && e.end > start)
      return page(request, reply, inWindow, 'events')
    } catch (error) {
      return handleInputError(request, reply, error)
    }
  }

  for (const prefix of ['/users/:user/events', '/users/:user/calendar/events']) {
    app.get(prefix, list)
    app.post(prefix, create)
    app.get(`${prefix}/:id`, get)
    app.patch(`${prefix}/:id`, update)
    app.delete(`${prefix}/:id`, remove)
    app.get(`${prefix}/:id/instances`, instances)
  }
  app.get('/users/:user/calendarView', view)
  app.get('/users/:user/calendar/calendarView', view)
}

export function newEvent(id: string, mailbox: Mailbox, now: number): StoredEvent {
  return cloneEvent({
    id,
    iCalUId: `040000008200E00074C5B7101A82E008${id.slice(4, 36).replace(/[^0-9A-Za-z]/g, '0')}`,
    changeKey: '',
    createdAt: now,
    modifiedAt: now,
    seq: 0,
    type: 'singleInstance',
    subject: '',
    bodyType: 'text',
    body: '',
    location: '',
    start: now,
    end: now + 1_800_000,
    isAllDay: false,
    isCancelled: false,
    sensitivity: 'normal',
    showAs: 'busy',
    organizer: {address: mailbox.address, name: mailbox.displayName},
    attendees: [],
    isOrganizer: true,
    responseStatus: 'organizer',
    isOnlineMeeting: false,
    onlineMeetingProvider: 'unknown',
  })
}

/**
 * `calendarView/delta`: an initial sync pages through the window (`$skiptoken`), the last page carries a
 * `$deltatoken` deltaLink; a later call returns what changed since, with `@removed` for deletions and for
 * items that left the window. Sync states live server-side, can be invalidated, and are forgotten oldest
 * first beyond a cap (Outlook's "older delta tokens are deleted"); a missing state answers 410.
 */
import {randomBytes} from 'node:crypto'

import type {FastifyInstance, FastifyReply, FastifyRequest} from 'fastify'

import type {GraphGate} from './graph-auth.js'
import {sendGraphError} from './graph-errors.js'
import {preferredPageSize, type Query} from './graph-query.js'
import type {Mailbox} from './model.js'
import {renderEvent} from './render.js'
import {setOperation} from './request-log.js'
import {overlaps, viewItems} from './store.js'
import {parseQueryInstant} from './time.js'

const DEFAULT_PAGE = 10
const MAX_STATES = 20_000
const UNSUPPORTED = ['$select', '$expand', '$filter', '$orderby', '$search', '$top']

interface SyncState {
  mailbox: string
  start: number
  end: number
  seq: number
}

interface PendingPages extends SyncState {
  /** Ids still to send, with whether they are known deletions. */
  entries: {id: string; removed: boolean}[]
  offset: number
  pageSize: number
}

export class DeltaStates {
  private readonly states = new Map<string, SyncState>()
  private readonly pages = new Map<string, PendingPages>()

  /** `maxStates` per kind (sync states, pending pages); the oldest is forgotten beyond it. */
  constructor(private readonly maxStates = MAX_STATES) {}

  private remember<T>(map: Map<string, T>, value: T): string {
    const token = randomBytes(24).toString('base64url')
    map.set(token, value)
    if (map.size > this.maxStates) {
      const oldest = map.keys().next().value
      if (oldest !== undefined) map.delete(oldest)
    }
    return token
  }

  newState(state: SyncState): string {
    return this.remember(this.states, state)
  }

  newPages(pages: PendingPages): string {
    return this.remember(this.pages, pages)
  }

  state(token: string): SyncState | undefined {
    return this.states.get(token)
  }

  /** The pending pages of `token` if they belong to `mailbox` (used once: the next page has a new token). */
  takePages(token: string, mailbox: string): PendingPages | undefined {
    const pages = this.pages.get(token)
    if (pages?.mailbox !== mailbox) return undefined
    this.pages.delete(token)
    return pages
  }

  /** Forgets every sync state (of one mailbox, or all): the next delta call with them gets 410. */
  invalidate(mailbox?: string): number {
    let dropped = 0
    for (const map of [this.states, this.pages] as Map<string, SyncState>[]) {
      for (const [token, state] of map) {
        if (mailbox === undefined || state.mailbox === mailbox) {
          map.delete(token)
          dropped++
        }
      }
    }
    return dropped
  }
}

function changesSince(mailbox: Mailbox, state: SyncState): {id: string; removed: boolean}[] {
  const entries = new Map<string, boolean>()
  for (const item of mailbox.events.values()) {
    if (item.type === 'seriesMaster' || item.seq <= state.seq) continue
    entries.set(item.id, !overlaps(item, state.start, state.end))
  }
  for (const tombstone of mailbox.tombstones) {
    if (tombstone.seq > state.seq && !mailbox.events.has(tombstone.id)) entries.set(tombstone.id, true)
  }
  return [...entries].map(([id, removed]) => ({id, removed}))
}

export function registerDeltaRoutes(app: FastifyInstance, origin: string, gate: GraphGate, states: DeltaStates): void {
  const gone = (request: FastifyRequest, reply: FastifyReply) =>
    sendGraphError(
      request,
      reply,
      410,
      'syncStateNotFound',
      'The sync state generation is not found. Restart the synchronization without a state token.',
    )

  const delta = async (request: FastifyRequest<{Params: {user: string}; Querystring: Query}>, reply: FastifyReply) => {
    setOperation(request, 'calendarView.delta')
    const mailbox = await gate.mailbox(request, reply, request.params.user, 'Calendars.Read')
    if (!mailbox) return reply
    const query = request.query
    const unsupported = UNSUPPORTED.filter((name) => query[name] !== undefined)
    if (unsupported.length) {
      return sendGraphError(
        request,
        reply,
        400,
        'ErrorInvalidUrlQuery',
        `The following parameters are not supported with change tracking over the 'CalendarView' resource: '${UNSUPPORTED.join(', ')}'.`,
      )
    }
    let pending: PendingPages | undefined
    if (query.$skiptoken !== undefined) {
      pending = states.takePages(query.$skiptoken, mailbox.address)
      if (!pending) return gone(request, reply)
    } else {
      const pageSize = preferredPageSize(request) ?? DEFAULT_PAGE
      if (query.$deltatoken !== undefined) {
        const state = states.state(query.$deltatoken)
        if (!state || state.mailbox !== mailbox.address) return gone(request, reply)
        pending = {...state, seq: mailbox.seq, entries: changesSince(mailbox, state), offset: 0, pageSize}
      } else {
        const start = parseQueryInstant(query.startDateTime)
        const end = parseQueryInstant(query.endDateTime)
        if (start === undefined || end === undefined) {
          return sendGraphError(
            request,
            reply,
            400,
            'ErrorInvalidParameter',
            'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.',
          )
        }
        const entries = viewItems(mailbox, start, end).map((item) => ({id: item.id, removed: false}))
        pending = {mailbox: mailbox.address, start, end, seq: mailbox.seq, entries, offset: 0, pageSize}
      }
    }
    const slice = pending.entries.slice(pending.offset, pending.offset + pending.pageSize)
    const value = slice.map(({id, removed}) => {
      const item = mailbox.events.get(id)
      if (removed || !item) return {'@odata.type': '#microsoft.graph.event', id, '@removed': {reason: 'deleted'}}
      return {'@odata.type': '#microsoft.graph.event', ...renderEvent(item)}
    })
    pending.offset += slice.length
    const base = `${origin}/v1.0/users/${encodeURIComponent(request.params.user)}/calendarView/delta`
    const link =
      pending.offset < pending.entries.length
        ? {'@odata.nextLink': `${base}?$skiptoken=${states.newPages(pending)}`}
        : {
            '@odata.deltaLink': `${base}?$deltatoken=${states.newState({mailbox: pending.mailbox, start: pending.start, end: pending.end, seq: pending.seq})}`,
          }
    reply.header('Preference-Applied', `odata.maxpagesize=${pending.pageSize}`)
    return {'@odata.context': `${origin}/v1.0/$metadata#Collection(event)`, ...link, value}
  }

  app.get('/users/:user/calendarView/delta', delta)
  app.get('/users/:user/calendar/calendarView/delta', delta)
}

/**
 * An in-memory calendar behind the CalendarProvider port, for the engine's unit tests: a change log with
 * numbered cursors, pages, expiring cursors, conditional writes and a hook to edit an event between our read
 * and our write. The end-to-end tests run the real adapters against the sandbox; this only drives the port.
 */
import {mailboxFor} from '../../../src/lib/access/gate.js'
import type {CalendarEvent} from '../../../src/lib/core/model.js'
import type {
  CalendarProvider,
  EventChange,
  EventRef,
  ListChangesRequest,
  ListChangesResult,
  MailboxSettings,
  OutOfOffice,
  WriteRequest,
  WriteResult,
} from '../../../src/lib/ports/calendar.js'
import {syncCursor} from '../../../src/lib/ports/calendar.js'
import type {ChangeFeedScope} from '../../../src/lib/ports/capabilities.js'
import {ProviderFailure} from '../../../src/lib/ports/failures.js'
import {GOOGLE_CAPABILITIES} from '../../../src/lib/providers/google/capabilities.js'

export function event(mailbox: string, id: string, overrides: Partial<CalendarEvent> = {}): CalendarEvent {
  return {
    id,
    provider: 'google',
    mailbox,
    title: `Meeting ${id}`,
    location: '@webex',
    body: 'Agenda: numbers.',
    bodyType: 'text',
    start: '2026-12-04T10:00:00.000Z',
    end: '2026-12-04T11:00:00.000Z',
    allDay: false,
    organizer: {email: mailbox},
    attendees: [],
    status: 'confirmed',
    myResponse: 'organizer',
    sensitivity: 'normal',
    conference: [],
    changeToken: 'v0',
    ...overrides,
  }
}

export interface Calls {
  list: ListChangesRequest[]
  writes: WriteRequest[]
  reads: number
  settings: number
  outOfOffice: number
}

export class FakeCalendar implements CalendarProvider {
  readonly id = 'google' as const
  readonly capabilities
  readonly events = new Map<string, CalendarEvent>()
  readonly calls: Calls = {list: [], writes: [], reads: 0, settings: 0, outOfOffice: 0}
  /** Cursors the provider has forgotten. */
  readonly expired = new Set<string>()
  /** Runs before a write is checked (a user editing the meeting at that moment). */
  beforeWrite: ((request: WriteRequest) => void) | undefined
  /** Thrown by listChanges on the call with this number (1-based), once. */
  failListOn: number | undefined
  outOfOffice: OutOfOffice = {state: 'off'}
  /** A write to an occurrence gives every occurrence of its series a new version (as a series' exception does). */
  seriesShareVersion = false
  private log: {id: string; deleted: boolean}[] = []
  private version = 0

  constructor(
    feed: ChangeFeedScope = 'calendar',
    private readonly pageSize = 2,
  ) {
    this.capabilities = {...GOOGLE_CAPABILITIES, changeFeed: feed}
  }

  /** A user's change: the event as given, a new version, logged. */
  put(value: CalendarEvent): CalendarEvent {
    const stored = {...value, changeToken: `v${++this.version}`}
    this.events.set(value.id, stored)
    this.log.push({id: value.id, deleted: false})
    return stored
  }

  remove(id: string): void {
    this.events.delete(id)
    this.log.push({id, deleted: true})
  }

  async listChanges(request: ListChangesRequest): Promise<ListChangesResult> {
    mailboxFor(request.grant)
    this.calls.list.push(request)
    if (this.failListOn === this.calls.list.length) {
      this.failListOn = undefined
      throw new ProviderFailure({provider: 'google', kind: 'fatal', message: 'injected'})
    }
    if (request.cursor && this.expired.has(request.cursor)) {
      return {kind: 'cursorExpired', failure: {provider: 'google', kind: 'cursorExpired', message: 'gone'}}
    }
    let changes: EventChange[]
    if (request.cursor) {
      const since = Number(request.cursor.slice(1))
      const latest = new Map<string, boolean>()
      for (const entry of this.log.slice(since)) latest.set(entry.id, entry.deleted)
      changes = [...latest].map(([id, deleted]) => {
        const current = this.events.get(id)
        return deleted || !current ? {type: 'removed', eventId: id} : {type: 'upsert', event: current}
      })
    } else {
      const from = Date.parse(request.window.start)
      const to = Date.parse(request.window.end)
      changes = [...this.events.values()]
        .filter((e) => Date.parse(e.end) > from && Date.parse(e.start) < to)
        .map((e) => ({type: 'upsert', event: e}))
    }
    const offset = Number(request.page ?? 0)
    const slice = changes.slice(offset, offset + this.pageSize)
    const more = offset + this.pageSize < changes.length
    return {
      kind: 'page',
      changes: slice,
      ...(more ? {nextPage: String(offset + this.pageSize)} : {}),
      ...(!more && request.cursorNeeded !== false ? {cursor: syncCursor(`c${this.log.length}`)} : {}),
    }
  }

  async readEvent(ref: EventRef): Promise<CalendarEvent | undefined> {
    mailboxFor(ref.grant)
    this.calls.reads++
    return this.events.get(ref.eventId)
  }

  async writeEvent(request: WriteRequest): Promise<WriteResult> {
    mailboxFor(request.grant)
    this.calls.writes.push(request)
    this.beforeWrite?.(request)
    const current = this.events.get(request.eventId)
    if (!current || current.changeToken !== request.changeToken) {
      return {kind: 'conflict', failure: {provider: 'google', kind: 'conflict', message: 'precondition failed'}}
    }
    const {body, marker} = request.patch
    const next = {...current, ...(body ? {body: body.content} : {})}
    if (marker === null) delete next.marker
    else if (marker) next.marker = marker
    const written = this.put(next)
    if (this.seriesShareVersion && current.seriesId) {
      for (const sibling of [...this.events.values()]) {
        if (sibling.seriesId === current.seriesId && sibling.id !== current.id) this.put(sibling)
      }
    }
    return {kind: 'written', event: written}
  }

  async readMailboxSettings(): Promise<MailboxSettings> {
    this.calls.settings++
    return {language: 'de-DE', timeZone: 'Europe/Berlin'}
  }

  async readOutOfOffice(): Promise<OutOfOffice> {
    this.calls.outOfOffice++
    return this.outOfOffice
  }

  async close(): Promise<void> {}
}

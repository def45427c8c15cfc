/**
 * `listChanges` over Graph: calendarView delta for rounds with a cursor, a plain calendarView for a slice
 * read without one.
 * - A round starts with `/users/{id}/calendarView/delta?startDateTime&endDateTime` (`Prefer:
 *   odata.maxpagesize` from the capabilities), pages with `@odata.nextLink` (handed out as `nextPage`),
 *   and ends with `@odata.deltaLink` on its last page (handed out as the cursor). A later round GETs that
 *   link and pages the same way. The window is encoded in the link: it is fixed for the round, and the engine
 *   starts a new round when its window moves (capabilities.changeFeed 'window').
 * - Any 410 on a delta or page link (syncStateNotFound, resyncRequired, syncStateInvalid, or the bare 410 a
 *   maintenance answers) means the round is gone: `cursorExpired`, read the window again.
 * - A response can name an event more than once: the last mention within the page wins.
 * - Occurrences come expanded: a series edit yields each of its occurrences in the window as an upsert and
 *   each vanished one as `@removed` (which is also how Graph reports an event leaving the window), so a
 *   series costs its window's occurrences, never years of them; masters never appear in a calendarView.
 * - The marker needs a read of its own (see markers.ts).
 */
import {mailboxFor} from '../../../access/gate.js'
import type {CalendarEvent} from '../../../core/model.js'
import type {EventChange, ListChangesRequest, ListChangesResult} from '../../../ports/calendar.js'
import {syncCursor} from '../../../ports/calendar.js'
import type {ProviderCapabilities} from '../../../ports/capabilities.js'
import {isProviderFailure} from '../../../ports/failures.js'
import {readMarkers} from './markers.js'
import {MARKER_EXPAND} from './marker.js'
import type {GraphSession} from './session.js'
import {type GraphEvent, mapGraphEvent, PREFER_UTC} from './wire.js'

interface GraphPage {
  value?: GraphEvent[]
  '@odata.nextLink'?: string
  '@odata.deltaLink'?: string
}

/** The path of a mailbox, as every Graph call names it. */
export function userPath(mailbox: string): string {
  return `/users/${encodeURIComponent(mailbox)}`
}

/** The page's events, each id once (its last mention wins), in the order of those last mentions. */
export function lastMentions(value: GraphEvent[]): GraphEvent[] {
  const byId = new Map<string, GraphEvent>()
  for (const item of value) {
    if (!item.id) continue
    byId.delete(item.id)
    byId.set(item.id, item)
  }
  return [...byId.values()]
}

function toChange(item: GraphEvent, mailbox: string): EventChange | undefined {
  const id = item.id ?? ''
  if (item['@removed']) return {type: 'removed', eventId: id}
  if (item.type === 'seriesMaster') return undefined
  const mapped = mapGraphEvent(item, mailbox)
  return mapped.ok ? {type: 'upsert', event: mapped.event} : {type: 'unreadable', eventId: id, problem: mapped.problem}
}

/** An organiser's copy hcal may write to, which is what carries hcal's marker. */
function mayCarryMarker(event: CalendarEvent, item: GraphEvent): boolean {
  if (event.status === 'cancelled') return false
  return item.isOrganizer === true || event.organizer.email === event.mailbox
}

const FOREIGN_LINK: ListChangesResult = {
  kind: 'cursorExpired',
  failure: {
    provider: 'microsoft',
    kind: 'cursorExpired',
    message: 'The stored Graph link points at another endpoint than the profile’s; reading the window again.',
  },
}

export class ChangeReader {
  constructor(
    private readonly session: GraphSession,
    private readonly capabilities: ProviderCapabilities,
  ) {}

  /** A link to another origin than the profile's Graph (the profile changed since): it would carry no token. */
  private foreign(link: string): boolean {
    return !link.startsWith(`${this.session.graphOrigin()}/`)
  }

  /** The page size the engine asked for, within what Graph accepts. */
  private pageSize(request: ListChangesRequest): number {
    const {pageSize, maxPageSize} = this.capabilities.limits
    return Math.max(1, Math.min(request.pageSize ?? pageSize, maxPageSize))
  }

  async listChanges(request: ListChangesRequest): Promise<ListChangesResult> {
    const mailbox = mailboxFor(request.grant)
    if (!request.cursor && request.cursorNeeded === false) return this.listWindow(request, mailbox)
    const link = request.page ?? request.cursor
    if (link !== undefined && this.foreign(link)) return FOREIGN_LINK
    let page: GraphPage
    try {
      page = await this.session.send<GraphPage>(
        'calendar',
        request.signal,
        (graph) =>
          (link
            ? graph.api(link)
            : graph
                .api(`${userPath(mailbox)}/calendarView/delta`)
                .query({startDateTime: request.window.start, endDateTime: request.window.end})
          ).header('Prefer', `odata.maxpagesize=${this.pageSize(request)}, ${PREFER_UTC}`),
        (graphRequest) => graphRequest.get(),
      )
    } catch (error) {
      if (isProviderFailure(error) && error.failure.status === 410) {
        return {kind: 'cursorExpired', failure: {...error.failure, kind: 'cursorExpired'}}
      }
      throw error
    }
    const items = lastMentions(page.value ?? [])
    const changes = await this.withMarkers(items, mailbox, request.signal)
    const next = page['@odata.nextLink']
    const delta = page['@odata.deltaLink']
    return {
      kind: 'page',
      changes,
      ...(next ? {nextPage: next} : {}),
      ...(!next && delta ? {cursor: syncCursor(delta)} : {}),
    }
  }

  /** The changes of a delta page, organiser copies completed with their marker. */
  private async withMarkers(items: GraphEvent[], mailbox: string, signal?: AbortSignal): Promise<EventChange[]> {
    const changes: EventChange[] = []
    const targets: CalendarEvent[] = []
    for (const item of items) {
      const change = toChange(item, mailbox)
      if (!change) continue
      changes.push(change)
      if (change.type === 'upsert' && mayCarryMarker(change.event, item)) targets.push(change.event)
    }
    const {markers, gone} = await readMarkers(this.session, userPath(mailbox), targets, signal)
    return changes.map((change) => {
      if (change.type !== 'upsert') return change
      const {event} = change
      if (gone.has(event.id)) return {type: 'removed', eventId: event.id}
      const marker = markers.get(event.id)
      return marker ? {type: 'upsert', event: {...event, marker}} : change
    })
  }

  /** A slice of the window without a cursor: the plain calendarView, the marker expanded in the same request. */
  private async listWindow(request: ListChangesRequest, mailbox: string): Promise<ListChangesResult> {
    const link = request.page
    if (link !== undefined && this.foreign(link)) return FOREIGN_LINK
    const page = await this.session.send<GraphPage>(
      'calendar',
      request.signal,
      (graph) =>
        (link
          ? graph.api(link)
          : graph
              .api(`${userPath(mailbox)}/calendarView`)
              .query({startDateTime: request.window.start, endDateTime: request.window.end})
              .expand(MARKER_EXPAND)
              .top(this.pageSize(request))
        ).header('Prefer', PREFER_UTC),
      (graphRequest) => graphRequest.get(),
    )
    const changes = lastMentions(page.value ?? []).flatMap((item) => toChange(item, mailbox) ?? [])
    const next = page['@odata.nextLink']
    return {kind: 'page', changes, ...(next ? {nextPage: next} : {})}
  }
}

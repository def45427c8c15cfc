/**
 * listChanges over events.list.
 *
 * Series are never expanded by events.list here (`singleEvents=false`, the same on the windowed first read
 * and on every syncToken read, as Google requires): an incremental feed with `singleEvents=true` returns every
 * instance of a touched series, hundreds out to years ahead. Instead each recurring master listed (first read)
 * or changed (incremental) is expanded with events.instances bounded by the request's window into one
 * `series` change, so an edited series costs its window's occurrences, one request for a typical window.
 * Exceptions (`recurringEventId` set) come as upserts, cancelled items as removals.
 *
 * Request counts per mailbox: a first read is ceil(events/pageSize) list requests plus one instances request
 * per series in the window; a round with nothing changed is exactly one list request (the syncToken page,
 * empty, with the next token); a slice read (`cursorNeeded: false`) is one `singleEvents=true` list chain over
 * the slice, occurrences already expanded, no cursor.
 */
import type {calendar_v3} from '@googleapis/calendar'

import type {
  EventChange,
  ListChangesRequest,
  ListChangesResult,
  SyncCursor,
  TimeWindow,
} from '../../../ports/calendar.js'
import {syncCursor} from '../../../ports/calendar.js'
import {isProviderFailure} from '../../../ports/failures.js'
import {GOOGLE_CAPABILITIES} from '../capabilities.js'
import type {Mailboxes, Target} from './mailboxes.js'
import {type GoogleEvent, type MapContext, toCalendarEvent, UnreadableEvent} from './wire.js'

type Events = calendar_v3.Schema$Events

function pageSizeOf(request: ListChangesRequest): number {
  const {pageSize, maxPageSize} = GOOGLE_CAPABILITIES.limits
  return Math.max(1, Math.min(request.pageSize ?? pageSize, maxPageSize))
}

/** One item as a change: removed when cancelled, else an upsert, or unreadable with the reason. */
function itemChange(item: GoogleEvent, context: MapContext): EventChange {
  if (item.status === 'cancelled') return {type: 'removed', eventId: item.id ?? ''}
  try {
    return {type: 'upsert', event: toCalendarEvent(item, context)}
  } catch (error) {
    if (!(error instanceof UnreadableEvent)) throw error
    return {type: 'unreadable', eventId: item.id ?? '', problem: `Event ${item.id ?? '(no id)'}: ${error.message}.`}
  }
}

export function createListChanges(mailboxes: Mailboxes) {
  /** Every occurrence of a series within the window (all pages): one `series` change, or removed if it is gone. */
  async function expandSeries(
    target: Target,
    master: GoogleEvent,
    window: TimeWindow,
    pageSize: number,
    signal: AbortSignal | undefined,
  ): Promise<EventChange[]> {
    const seriesId = master.id ?? ''
    const occurrences = []
    const unreadable: EventChange[] = []
    let pageToken: string | undefined
    do {
      const page: Events | undefined = await mailboxes
        .call(target, async () => {
          const response = await target.clients.calendar.events.instances(
            {
              calendarId: target.calendarId,
              eventId: seriesId,
              timeMin: window.start,
              timeMax: window.end,
              maxResults: pageSize,
              ...(pageToken ? {pageToken} : {}),
              ...target.params,
            },
            {signal},
          )
          return response.data
        })
        .catch((error: unknown) => {
          // Deleted between the list and this call: the next round's feed reports the deletion too.
          if (isProviderFailure(error) && error.failure.kind === 'notFound') return undefined
          throw error
        })
      if (!page) return [{type: 'removed', eventId: seriesId}]
      const context = {mailbox: target.mailbox, ...(page.timeZone ? {calendarTimeZone: page.timeZone} : {})}
      for (const item of page.items ?? []) {
        const change = itemChange(item, context)
        if (change.type === 'upsert') occurrences.push(change.event)
        else if (change.type === 'unreadable') unreadable.push(change)
      }
      pageToken = page.nextPageToken ?? undefined
    } while (pageToken)
    return [{type: 'series', seriesId, occurrences}, ...unreadable]
  }

  return async function listChanges(request: ListChangesRequest): Promise<ListChangesResult> {
    const target = await mailboxes.target(request.grant)
    const pageSize = pageSizeOf(request)
    const slice = request.cursorNeeded === false && !request.cursor
    const query: calendar_v3.Params$Resource$Events$List = {
      calendarId: target.calendarId,
      maxResults: pageSize,
      singleEvents: slice,
      ...(request.cursor ? {syncToken: request.cursor} : {timeMin: request.window.start, timeMax: request.window.end}),
      ...(request.page ? {pageToken: request.page} : {}),
      ...target.params,
    }
    let page: Events
    try {
      page = await mailboxes.call(target, async () => {
        return (await target.clients.calendar.events.list(query, {signal: request.signal})).data
      })
    } catch (error) {
      if (request.cursor && isProviderFailure(error) && error.failure.kind === 'cursorExpired') {
        return {kind: 'cursorExpired', failure: error.failure}
      }
      throw error
    }
    const context: MapContext = {mailbox: target.mailbox, ...(page.timeZone ? {calendarTimeZone: page.timeZone} : {})}
    const items = page.items ?? []
    const isSeries = (item: GoogleEvent) => !slice && Boolean(item.recurrence) && item.status !== 'cancelled'
    // A series expanded on this page already carries its exceptions (and leaves out its cancelled ones).
    const expanded = new Set(items.filter(isSeries).map((item) => item.id))
    const changes: EventChange[] = []
    for (const item of items) {
      if (isSeries(item)) changes.push(...(await expandSeries(target, item, request.window, pageSize, request.signal)))
      else if (!item.recurringEventId || !expanded.has(item.recurringEventId)) changes.push(itemChange(item, context))
    }
    const cursor: SyncCursor | undefined =
      !slice && page.nextSyncToken && !page.nextPageToken ? syncCursor(page.nextSyncToken) : undefined
    return {
      kind: 'page',
      changes,
      ...(page.nextPageToken ? {nextPage: page.nextPageToken} : {}),
      ...(cursor ? {cursor} : {}),
    }
  }
}

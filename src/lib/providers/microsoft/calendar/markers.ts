/**
 * Brings hcal's marker to the events of a delta page. Graph's calendarView delta takes no `$expand` (nor
 * `$select`), so the extended property that holds the marker never comes with it. Reading it costs the
 * least this way:
 * - only organiser copies that are not cancelled need it (hcal writes only those; attendees' copies never
 *   carry its marker, and core plans nothing for them);
 * - one calendarView over the span of those events, `$select=id` with the marker expanded, up to 1,000
 *   events a page: one request for a page of changes, where GETs (or a $batch of them) would cost one
 *   request per event, each counted against the mailbox's 4 in flight and 10,000 per 10 minutes;
 * - an event the calendarView did not show (it moved or went away since the delta page was read) is read
 *   on its own; one that no longer exists is reported removed.
 * A second run with nothing changed reads no page with events, so it costs no request here.
 */
import type {HcalMarker} from '../../../core/model.js'
import {isProviderFailure} from '../../../ports/failures.js'
import {isoInstant} from './graph-time.js'
import {type ExtendedProperty, MARKER_EXPAND, readMarker} from './marker.js'
import type {GraphSession} from './session.js'

/** What the calendarView answers per page at most (Graph's largest `$top` for events). */
const SWEEP_PAGE = 1000
/** Margin around the span, so an event touching its edges (or lasting no time) is inside it. */
const MARGIN_MS = 60_000

interface MarkerPage {
  value?: {id?: string; singleValueExtendedProperties?: ExtendedProperty[]}[]
  '@odata.nextLink'?: string
}

export interface MarkerTarget {
  id: string
  start: string
  end: string
}

export interface MarkerResult {
  markers: Map<string, HcalMarker | undefined>
  /** Events that no longer exist: report them removed. */
  gone: Set<string>
}

export async function readMarkers(
  session: GraphSession,
  user: string,
  targets: MarkerTarget[],
  signal: AbortSignal | undefined,
): Promise<MarkerResult> {
  const markers = new Map<string, HcalMarker | undefined>()
  const gone = new Set<string>()
  if (targets.length === 0) return {markers, gone}
  const wanted = new Set(targets.map((target) => target.id))
  const from = Math.min(...targets.map((target) => Date.parse(target.start))) - MARGIN_MS
  const to = Math.max(...targets.map((target) => Date.parse(target.end))) + MARGIN_MS
  let next: string | undefined
  do {
    const link = next
    const page = await session.send<MarkerPage>(
      'calendar',
      signal,
      (graph) =>
        link
          ? graph.api(link)
          : graph
              .api(`${user}/calendarView`)
              .query({startDateTime: isoInstant(from), endDateTime: isoInstant(to)})
              .select('id')
              .expand(MARKER_EXPAND)
              .top(SWEEP_PAGE),
      (request) => request.get(),
    )
    for (const item of page.value ?? []) {
      if (item.id && wanted.has(item.id)) markers.set(item.id, readMarker(item.singleValueExtendedProperties))
    }
    next = page['@odata.nextLink']
  } while (next)

  for (const id of wanted) {
    if (markers.has(id)) continue
    try {
      const item = await session.send<{singleValueExtendedProperties?: ExtendedProperty[]}>(
        'calendar',
        signal,
        (graph) =>
          graph
            .api(`${user}/events/${encodeURIComponent(id)}`)
            .select('id')
            .expand(MARKER_EXPAND),
        (request) => request.get(),
      )
      markers.set(id, readMarker(item.singleValueExtendedProperties))
    } catch (error) {
      if (isProviderFailure(error) && error.failure.kind === 'notFound' && error.failure.target === 'item') gone.add(id)
      else throw error
    }
  }
  return {markers, gone}
}

/**
 * events.list and events.instances over one calendar: time window, series expansion, deleted items,
 * ordering, paging, and sync tokens (nextSyncToken only on the last page; an incremental call returns what
 * changed after the token, deletions included; invalidated tokens -> 410 fullSyncRequired).
 */
import {apiErrors, GoogleApiError} from './errors.js'
import {
  bool,
  decode,
  encode,
  instant,
  many,
  maxResults,
  one,
  ownerTag,
  type PageState,
  type Query,
  querySignature,
  type SyncState,
} from './list-query.js'
import type {Calendar, CalendarEntry} from './model.js'
import {occurrences, type Occurrence} from './recurrence.js'
import {renderCancelled, renderEvent, renderOccurrence} from './render.js'

const FORBIDDEN_WITH_SYNC_TOKEN = [
  'iCalUID',
  'orderBy',
  'privateExtendedProperty',
  'q',
  'sharedExtendedProperty',
  'timeMin',
  'timeMax',
  'updatedMin',
]
// ---------------------------------------------------------------------------------------------------

interface Selection {
  singleEvents: boolean
  showDeleted: boolean
  timeMin?: number
  timeMax?: number
  incrementalAfter?: number
  updatedMin?: number
  filter: (entry: CalendarEntry) => boolean
}

interface Item {
  sortStart: number
  sortUpdated: number
  key: string
  render: () => Record<string, unknown>
}

function overlaps(start: number, end: number, selection: Selection): boolean {
  if (selection.timeMin !== undefined && end <= selection.timeMin) return false
  if (selection.timeMax !== undefined && start >= selection.timeMax) return false
  return true
}

function collect(calendar: Calendar, selection: Selection, origin: string): Item[] {
  const items: Item[] = []
  for (const entry of calendar.entries.values()) {
    if (selection.incrementalAfter !== undefined && entry.changeSeq <= selection.incrementalAfter) continue
    if (selection.updatedMin !== undefined && entry.updatedMs < selection.updatedMin) continue
    if (!selection.filter(entry)) continue
    collectEntry(calendar, entry, selection, origin, items)
  }
  return items
}

function collectEntry(
  calendar: Calendar,
  entry: CalendarEntry,
  selection: Selection,
  origin: string,
  items: Item[],
): void {
  const meeting = entry.meeting
  const gone = entry.deleted || meeting.status === 'cancelled'
  const deletionsVisible =
    selection.showDeleted || selection.incrementalAfter !== undefined || selection.updatedMin !== undefined
  const push = (sortStart: number, key: string, render: () => Record<string, unknown>) =>
    items.push({sortStart, sortUpdated: entry.updatedMs, key, render})

  const inWindow = selection.incrementalAfter !== undefined || overlaps(meeting.startMs, meeting.endMs, selection)
  if (!meeting.recurrence) {
    if (gone) {
      if (deletionsVisible && inWindow) push(meeting.startMs, meeting.id, () => renderCancelled(calendar, entry))
      return
    }
    if (overlaps(meeting.startMs, meeting.endMs, selection))
      push(meeting.startMs, meeting.id, () => renderEvent(calendar, entry, origin))
    return
  }
  const all = occurrences(meeting)
  const occurrenceItem = (occurrence: Occurrence) =>
    push(occurrence.startMs, `${meeting.id}_${occurrence.originalStartMs}`, () =>
      renderOccurrence(calendar, entry, occurrence, origin),
    )
  if (selection.singleEvents) {
    for (const occurrence of all) {
      const cancelled = gone || occurrence.override?.cancelled === true
      if (cancelled && !deletionsVisible) continue
      if (cancelled && gone && selection.incrementalAfter === undefined) continue
      if (!cancelled && !overlaps(occurrence.startMs, occurrence.endMs, selection)) continue
      occurrenceItem(occurrence)
    }
    return
  }
  if (gone) {
    if (deletionsVisible) push(meeting.startMs, meeting.id, () => renderCancelled(calendar, entry))
    return
  }
  if (all.some((occurrence) => overlaps(occurrence.startMs, occurrence.endMs, selection))) {
    push(meeting.startMs, meeting.id, () => renderEvent(calendar, entry, origin))
  }
  // Exceptions are listed beside their series: edited ones as events, cancelled ones as stubs.
  for (const occurrence of all) {
    if (!occurrence.override) continue
    if (occurrence.override.cancelled || overlaps(occurrence.startMs, occurrence.endMs, selection))
      occurrenceItem(occurrence)
  }
}

function propertyFilter(values: string[], pick: (entry: CalendarEntry) => Record<string, string> | undefined) {
  const pairs = values.map((value) => {
    const at = value.indexOf('=')
    if (at <= 0) throw apiErrors.invalid('Invalid extended property constraint.')
    return [value.slice(0, at), value.slice(at + 1)] as const
  })
  return (entry: CalendarEntry) => {
    if (pairs.length === 0) return true
    const properties = pick(entry)
    return properties !== undefined && pairs.every(([key, value]) => properties[key] === value)
  }
}

function textFilter(q: string | undefined) {
  if (!q) return () => true
  const needle = q.toLowerCase()
  return (entry: CalendarEntry) => {
    const m = entry.meeting
    return [m.summary, m.description, m.location, m.organizer, ...m.attendees.map((a) => a.email)].some((text) =>
      text.toLowerCase().includes(needle),
    )
  }
}

export interface ListPage {
  items: Record<string, unknown>[]
  nextPageToken?: string
  nextSyncToken?: string
}

export function listEvents(calendar: Calendar, query: Query, origin: string): ListPage {
  const syncToken = one(query, 'syncToken')
  const singleEvents = bool(query, 'singleEvents') ?? false
  const showDeleted = bool(query, 'showDeleted')
  const orderBy = one(query, 'orderBy')
  const limit = maxResults(query)

  let incrementalAfter: number | undefined
  if (syncToken !== undefined) {
    const forbidden = FORBIDDEN_WITH_SYNC_TOKEN.filter((name) => query[name] !== undefined)
    if (showDeleted === false) forbidden.push('showDeleted')
    if (forbidden.length > 0) {
      throw new GoogleApiError(400, `Sync token cannot be used with the query parameters: ${forbidden.join(', ')}.`, [
        {
          domain: 'global',
          reason: 'invalid',
          message: 'Invalid Value',
          locationType: 'parameter',
          location: 'syncToken',
        },
      ])
    }
    const state = decode<SyncState>(syncToken)
    if (!state || typeof state.seq !== 'number') throw apiErrors.invalid('Invalid sync token value.')
    if (state.owner !== ownerTag(calendar.owner) || state.epoch !== calendar.syncEpoch || state.seq > calendar.seq) {
      throw apiErrors.fullSyncRequired()
    }
    incrementalAfter = state.seq
  }
  if (orderBy !== undefined && orderBy !== 'startTime' && orderBy !== 'updated')
    throw apiErrors.invalid('Invalid value for: orderBy')
  if (orderBy === 'startTime' && !singleEvents) {
    throw apiErrors.badRequest('The requested ordering is not available for the particular query.')
  }
  const timeMin = instant(query, 'timeMin')
  const timeMax = instant(query, 'timeMax')
  if (timeMin !== undefined && timeMax !== undefined && timeMax <= timeMin) {
    throw apiErrors.timeRangeEmpty()
  }
  const updatedMin = instant(query, 'updatedMin')
  const iCalUID = one(query, 'iCalUID')
  const privateFilter = propertyFilter(many(query, 'privateExtendedProperty'), (entry) => entry.privateProperties)
  const sharedFilter = propertyFilter(many(query, 'sharedExtendedProperty'), (entry) => entry.meeting.sharedProperties)
  const text = textFilter(one(query, 'q'))

  const signature = querySignature(query)
  const pageToken = one(query, 'pageToken')
  let page: PageState = {offset: 0, seq: calendar.seq, query: signature}
  if (pageToken !== undefined) {
    const state = decode<PageState>(pageToken)
    if (!state || state.query !== signature || typeof state.offset !== 'number')
      throw apiErrors.invalid('Invalid page token value.')
    page = state
  }

  const selection: Selection = {
    singleEvents,
    showDeleted: showDeleted ?? false,
    ...(timeMin !== undefined ? {timeMin} : {}),
    ...(timeMax !== undefined ? {timeMax} : {}),
    ...(incrementalAfter !== undefined ? {incrementalAfter} : {}),
    ...(updatedMin !== undefined ? {updatedMin} : {}),
    filter: (entry) =>
      (iCalUID === undefined || entry.meeting.iCalUID === iCalUID) &&
      privateFilter(entry) &&
      sharedFilter(entry) &&
      text(entry),
  }
  const items = collect(calendar, selection, origin)
  if (orderBy === 'startTime') items.sort((a, b) => a.sortStart - b.sortStart || (a.key < b.key ? -1 : 1))
  else if (orderBy === 'updated') items.sort((a, b) => a.sortUpdated - b.sortUpdated || (a.key < b.key ? -1 : 1))
  else items.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))

  const slice = items.slice(page.offset, page.offset + limit)
  const result: ListPage = {items: slice.map((item) => item.render())}
  if (page.offset + limit < items.length) {
    result.nextPageToken = encode({...page, offset: page.offset + limit})
  } else {
    result.nextSyncToken = encode({
      owner: ownerTag(calendar.owner),
      epoch: calendar.syncEpoch,
      seq: page.seq,
    } satisfies SyncState)
  }
  return result
}

export function listInstances(calendar: Calendar, entry: CalendarEntry, query: Query, origin: string): ListPage {
  const limit = maxResults(query)
  const showDeleted = bool(query, 'showDeleted') ?? false
  const timeMin = instant(query, 'timeMin')
  const timeMax = instant(query, 'timeMax')
  const originalStart = instant(query, 'originalStart')
  const meeting = entry.meeting
  if (!meeting.recurrence) return {items: [renderEvent(calendar, entry, origin)]}
  const selection = {timeMin, timeMax} as Selection
  const all = occurrences(meeting).filter((occurrence) => {
    if (originalStart !== undefined && occurrence.originalStartMs !== originalStart) return false
    if (occurrence.override?.cancelled && !showDeleted) return false
    return overlaps(occurrence.startMs, occurrence.endMs, selection)
  })
  const pageToken = one(query, 'pageToken')
  const offset = pageToken !== undefined ? (decode<PageState>(pageToken)?.offset ?? Number.NaN) : 0
  if (Number.isNaN(offset)) throw apiErrors.invalid('Invalid page token value.')
  const slice = all.slice(offset, offset + limit)
  const result: ListPage = {items: slice.map((occurrence) => renderOccurrence(calendar, entry, occurrence, origin))}
  if (offset + limit < all.length) result.nextPageToken = encode({offset: offset + limit, seq: calendar.seq, query: ''})
  return result
}

/**
 * listChanges over EWS. SyncFolderItems has no calendar logic (a series is one item; occurrences exist only
 * in a CalendarView), so the change feed is the folder's and the window comes from CalendarView:
 *
 * - Full read (no cursor): first a SyncState covering "now" (SyncFolderItems from empty, ids only, 512 a call,
 *   until IncludesLastItemInRange), then the window's CalendarView slices, each with its GetItem batches. The
 *   state is taken before the view, so a change made while the view is read is in the next round (perhaps
 *   twice, never lost). The cursor is on the last page. With `cursorNeeded: false`, only the view.
 * - Incremental (cursor = SyncState): one SyncFolderItems; created/updated items read with GetItem; a single
 *   item is an upsert (removed when it left the window), a recurring master a `series` with its occurrences in
 *   the window (one CalendarView over the window for every changed master at once), a delete `removed`.
 *   Nothing changed costs exactly that one request.
 *
 * A page is this module's continuation: base64url JSON, opaque to the engine.
 */
import {ChangeType, type ItemChange, SyncFolderItemsScope} from 'ews-javascript-api'

import type {CalendarEvent} from '../../../core/model.js'
import {type EventChange, type ListChangesRequest, type ListChangesResult, syncCursor} from '../../../ports/calendar.js'
import {isProviderFailure, ProviderFailure} from '../../../ports/failures.js'
import {idShape} from './properties.js'
import type {EwsCall, Sessions} from './session.js'
import {calendarFolder, readItems, seriesOf, type Tuning, viewAll, viewSlice} from './view.js'

/** SyncFolderItems' MaxChangesReturned ceiling. */
export const SYNC_BATCH = 512

type Continuation =
  /** Building the SyncState (`state` so far, `stateDone` once complete), then reading the window from `from`. */
  | {k: 'full'; state?: string; stateDone: boolean; from: number}
  /** Following an incremental round past a batch of 512. */
  | {k: 'inc'; state: string}

function encode(continuation: Continuation): string {
  return Buffer.from(JSON.stringify(continuation)).toString('base64url')
}

function decode(page: string): Continuation {
  try {
    const value = JSON.parse(Buffer.from(page, 'base64url').toString('utf8')) as Continuation
    if (value.k === 'full' || value.k === 'inc') return value
  } catch {
    // fall through
  }
  throw new ProviderFailure(
    {provider: 'exchange', kind: 'fatal', message: 'The page token is not one this adapter issued.'},
    {code: 'EXCHANGE_PAGE_INVALID'},
  )
}

interface Window {
  start: number
  end: number
}

function windowOf(request: ListChangesRequest): Window {
  const start = Date.parse(request.window.start)
  const end = Date.parse(request.window.end)
  if (!Number.isFinite(start) || !Number.isFinite(end) || end < start) {
    throw new ProviderFailure(
      {
        provider: 'exchange',
        kind: 'fatal',
        message: `Not a time window: ${request.window.start} .. ${request.window.end}.`,
      },
      {code: 'EXCHANGE_WINDOW_INVALID'},
    )
  }
  return {start, end}
}

async function syncBatch(call: EwsCall, state: string | undefined) {
  return call.run(() =>
    call.service.SyncFolderItems(
      calendarFolder(call.mailbox),
      idShape(),
      null as never,
      SYNC_BATCH,
      SyncFolderItemsScope.NormalItems,
      state ?? (null as never),
    ),
  )
}

async function fullPage(
  call: EwsCall,
  window: Window,
  continuation: Extract<Continuation, {k: 'full'}>,
  tuning: Tuning,
): Promise<ListChangesResult> {
  const next = {...continuation}
  if (!next.stateDone) {
    const batch = await syncBatch(call, next.state)
    next.state = batch.SyncState
    next.stateDone = !batch.MoreChangesAvailable
    if (!next.stateDone) return {kind: 'page', changes: [], nextPage: encode(next)}
  }
  const slice = await viewSlice(call, next.from, window.end, tuning)
  const ids = slice.rows.map((row) => row.id)
  const read = await readItems(call, ids, seriesOf(slice.rows), tuning)
  if (slice.resumeAt !== undefined) {
    return {kind: 'page', changes: read.changes, nextPage: encode({...next, from: slice.resumeAt})}
  }
  return {kind: 'page', changes: read.changes, ...(next.state ? {cursor: syncCursor(next.state)} : {})}
}

function overlaps(event: CalendarEvent, window: Window): boolean {
  return Date.parse(event.start) < window.end && Date.parse(event.end) > window.start
}

/** Created or updated item ids and deleted ids of one SyncFolderItems batch (each id once, last change wins). */
function splitChanges(changes: readonly ItemChange[]): {changed: string[]; deleted: string[]} {
  const last = new Map<string, ChangeType>()
  for (const change of changes) {
    if (change.ChangeType === ChangeType.ReadFlagChange) continue
    last.set(change.ItemId.UniqueId, change.ChangeType)
  }
  const changed: string[] = []
  const deleted: string[] = []
  for (const [id, type] of last) (type === ChangeType.Delete ? deleted : changed).push(id)
  return {changed, deleted}
}

async function incrementalPage(
  call: EwsCall,
  window: Window,
  state: string,
  tuning: Tuning,
): Promise<ListChangesResult> {
  const batch = await syncBatch(call, state)
  const {changed, deleted} = splitChanges(batch.GetEnumerator())
  const changes: EventChange[] = deleted.map((eventId) => ({type: 'removed', eventId}))
  if (changed.length > 0) {
    const read = await readItems(call, changed, new Map(), tuning)
    for (const eventId of read.gone) changes.push({type: 'removed', eventId})
    for (const change of read.changes) {
      // A single item that left the window is gone from the window's point of view.
      if (change.type === 'upsert' && !overlaps(change.event, window))
        changes.push({type: 'removed', eventId: change.event.id})
      else changes.push(change)
    }
    if (read.masters.size > 0) changes.push(...(await seriesChanges(call, window, read.masters, tuning)))
  }
  const cursor = syncCursor(batch.SyncState)
  return batch.MoreChangesAvailable
    ? {kind: 'page', changes, nextPage: encode({k: 'inc', state: batch.SyncState})}
    : {kind: 'page', changes, cursor}
}

/** Each changed series with its occurrences in the window: one view over the window, then GetItem. */
async function seriesChanges(
  call: EwsCall,
  window: Window,
  masters: ReadonlyMap<string, {Id: {UniqueId: string}}>,
  tuning: Tuning,
): Promise<EventChange[]> {
  const rows = (await viewAll(call, window.start, window.end, tuning)).filter(
    (row) => masters.has(row.uid) && seriesOf([row]).size > 0,
  )
  const masterIds = new Map([...masters].map(([uid, master]) => [uid, master.Id.UniqueId]))
  const read = rows.length
    ? await readItems(
        call,
        rows.map((row) => row.id),
        new Map(),
        tuning,
        masterIds,
      )
    : {changes: [] as EventChange[]}
  const occurrences = new Map<string, CalendarEvent[]>([...masterIds.values()].map((id) => [id, []]))
  const other: EventChange[] = []
  for (const change of read.changes) {
    const seriesId = change.type === 'upsert' ? change.event.seriesId : undefined
    const list = seriesId === undefined ? undefined : occurrences.get(seriesId)
    if (list && change.type === 'upsert') list.push(change.event)
    else other.push(change)
  }
  return [
    ...[...occurrences].map(([seriesId, list]): EventChange => ({type: 'series', seriesId, occurrences: list})),
    ...other,
  ]
}

export async function listChanges(
  sessions: Sessions,
  request: ListChangesRequest,
  tuning: Tuning,
): Promise<ListChangesResult> {
  const window = windowOf(request)
  const call = await sessions.open(request.grant, 'calendar', request.signal)
  const continuation: Continuation = request.page
    ? decode(request.page)
    : request.cursor
      ? {k: 'inc', state: request.cursor}
      : {k: 'full', stateDone: request.cursorNeeded === false, from: window.start}
  try {
    return continuation.k === 'full'
      ? await fullPage(call, window, continuation, tuning)
      : await incrementalPage(call, window, continuation.state, tuning)
  } catch (error) {
    if (isProviderFailure(error) && error.failure.kind === 'cursorExpired')
      return {kind: 'cursorExpired', failure: error.failure}
    throw error
  }
}

/**
 * Applying one page of changes to the store: synchronous, inside one transaction, in the page's order (a
 * feed may carry the same meeting twice; the later entry wins). The round's last page also commits the cursor
 * with the window it covers, the sweep of a full read and the drop of meetings that left the window, so a
 * cursor is never stored without the changes it covers, and a crash before that commit repeats the round.
 */
import {buildMeetingsList} from '../core/meetings/list.js'
import type {MeetingSettings} from '../core/settings.js'
import type {SyncCursor, TimeWindow} from '../ports/calendar.js'
import type {EventSink} from '../ports/publish.js'
import type {StateStore} from '../store/index.js'
import type {StoredMeeting} from '../store/types.js'

export type StoreOp =
  | {op: 'upsert'; meeting: StoredMeeting}
  /** Deleted or cancelled; a series master's id removes its occurrences too. */
  | {op: 'remove'; eventId: string}
  /** Changed but now outside the window: its stored copy (only it) goes. */
  | {op: 'leave'; eventId: string}
  /** A series' occurrences in the window are exactly `keep` (their upserts follow): the others go. */
  | {op: 'replaceSeries'; seriesId: string; keep: readonly string[]}

export interface RoundEnd {
  /** The new cursor; undefined forgets the stored one (the next run reads the window in full). */
  cursor: SyncCursor | undefined
  /** A full read: the ids it saw; every other stored meeting of the mailbox is gone. */
  seen?: ReadonlySet<string>
}

export interface PageCommit {
  store: StateStore
  mailbox: string
  /** The store key of the cursor (one per mailbox and feed). */
  cursorKind: string
  ops: readonly StoreOp[]
  /** The window the round reads (meetings outside it leave the store at the round's end). */
  window: TimeWindow
  /** Set on the round's last page. */
  end?: RoundEnd
  settings: MeetingSettings
  sink?: EventSink
}

/** Applies the page (and, on the last page, ends the round) atomically; returns the ids removed. */
export function commitPage(page: PageCommit): {removed: string[]; upserted: number} {
  const {store, mailbox} = page
  return store.transaction(() => {
    const removed = new Set<string>()
    const changed = new Map<string, StoredMeeting>()
    const gone = (ids: Iterable<string>) => {
      for (const id of ids) {
        removed.add(id)
        changed.delete(id)
      }
    }
    for (const op of page.ops) {
      switch (op.op) {
        case 'upsert':
          store.meetings.upsert(op.meeting)
          removed.delete(op.meeting.id)
          changed.set(op.meeting.id, op.meeting)
          break
        case 'remove':
          gone(store.meetings.deleteWithOccurrences(mailbox, op.eventId))
          break
        case 'leave':
          if (store.meetings.delete(mailbox, op.eventId)) gone([op.eventId])
          break
        case 'replaceSeries': {
          const keep = new Set(op.keep)
          const stale = store.meetings.idsOfSeries(mailbox, op.seriesId).filter((id) => !keep.has(id))
          for (const id of stale) store.meetings.delete(mailbox, id)
          gone(stale)
          break
        }
      }
    }
    if (page.end) endRound(page, page.end, gone)
    if (page.sink && (changed.size > 0 || removed.size > 0)) {
      const entries = buildMeetingsList([...changed.values()], {
        settings: page.settings,
        mailbox,
        from: page.window.start,
        to: page.window.end,
      })
      page.sink.enqueue([{type: 'meetings.changed', mailbox, changed: entries, removed: [...removed].sort()}])
    }
    return {removed: [...removed], upserted: changed.size}
  })
}

function endRound(page: PageCommit, end: RoundEnd, gone: (ids: Iterable<string>) => void): void {
  const {store, mailbox} = page
  if (end.seen) {
    const seen = end.seen
    const unseen = store.meetings.idsForMailbox(mailbox).filter((id) => !seen.has(id))
    for (const id of unseen) store.meetings.delete(mailbox, id)
    gone(unseen)
  }
  const outside = new Set(store.meetings.idsForMailbox(mailbox))
  store.meetings.deleteOutside(mailbox, page.window.start, page.window.end)
  for (const id of store.meetings.idsForMailbox(mailbox)) outside.delete(id)
  gone(outside)
  if (end.cursor === undefined) store.cursors.delete(mailbox, page.cursorKind)
  else store.cursors.set(mailbox, page.cursorKind, end.cursor, page.window)
}

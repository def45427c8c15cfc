/**
 * The sync window: 7 days back to 31 days ahead (core's WINDOW constants), anchored at UTC midnight so it
 * moves once a day, not on every run: a cursor stored with its window stays valid all day, and the slice a
 * moved window newly covers is one day wide.
 */
import {WINDOW_DAYS_AHEAD, WINDOW_DAYS_BACK} from '../core/meetings/list.js'
import type {TimeWindow} from '../ports/calendar.js'

const DAY_MS = 86_400_000

/** [midnight UTC of today - 7 days, midnight UTC of today + 31 days). */
export function syncWindow(now: Date = new Date()): TimeWindow {
  const midnight = Math.floor(now.getTime() / DAY_MS) * DAY_MS
  return {
    start: new Date(midnight - WINDOW_DAYS_BACK * DAY_MS).toISOString(),
    end: new Date(midnight + WINDOW_DAYS_AHEAD * DAY_MS).toISOString(),
  }
}

export function sameWindow(a: TimeWindow, b: TimeWindow): boolean {
  return Date.parse(a.start) === Date.parse(b.start) && Date.parse(a.end) === Date.parse(b.end)
}

/** True when [start, end) of the event overlaps the window (an event ending as the window opens does not). */
export function overlaps(event: {start: string; end: string}, window: TimeWindow): boolean {
  const start = Date.parse(event.start)
  // A zero-length event (start = end) still belongs where it starts.
  const end = Math.max(Date.parse(event.end), start + 1)
  return end > Date.parse(window.start) && start < Date.parse(window.end)
}

/**
 * The part of `current` a round over `covered` did not read because the window's end moved forward since:
 * [max(covered.end, current.start), current.end), or undefined when nothing new is covered.
 */
export function newlyCovered(covered: TimeWindow, current: TimeWindow): TimeWindow | undefined {
  const start = Math.max(Date.parse(covered.end), Date.parse(current.start))
  const end = Date.parse(current.end)
  return start < end ? {start: new Date(start).toISOString(), end: current.end} : undefined
}

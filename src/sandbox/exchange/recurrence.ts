/** Expands a recurring master into its occurrences and exceptions, as CalendarView does. */
import type {ExItem} from './model.js'

const DAY_MS = 86_400_000

export interface Occurrence {
  index: number
  start: number
  end: number
  /** Original start (before an exception moved it). */
  originalStart: number
  isException: boolean
}

export function occurrenceStart(master: ExItem, index: number): number {
  const recurrence = master.recurrence
  if (!recurrence) return master.start
  const step = (recurrence.freq === 'DAILY' ? 1 : 7) * recurrence.interval * DAY_MS
  return master.start + index * step
}

/** Every occurrence that is not deleted, in index order. */
export function expand(master: ExItem): Occurrence[] {
  const recurrence = master.recurrence
  if (!recurrence) return []
  const duration = master.end - master.start
  const result: Occurrence[] = []
  for (let index = 0; index < recurrence.count; index++) {
    const override = recurrence.overrides.get(index)
    if (override?.cancelled) continue
    const originalStart = occurrenceStart(master, index)
    const start = originalStart + (override?.startShiftMinutes ?? 0) * 60_000
    const length = override?.durationMinutes === undefined ? duration : override.durationMinutes * 60_000
    result.push({index, start, end: start + length, originalStart, isException: override !== undefined})
  }
  return result
}

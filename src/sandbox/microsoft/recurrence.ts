/** Expands Graph daily/weekly recurrence patterns into occurrence start instants. */
import type {Recurrence} from './model.js'

const DAY_MS = 86_400_000
/** Open-ended series are materialised this far (Outlook computes them lazily; the emulator stores them). */
const NO_END_LIMIT = 520
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday']

export function isSupportedRecurrence(value: unknown): value is Recurrence {
  if (!value || typeof value !== 'object') return false
  const {pattern, range} = value as Partial<Recurrence>
  if (!pattern || !range) return false
  if (pattern.type !== 'daily' && pattern.type !== 'weekly') return false
  if (!['numbered', 'endDate', 'noEnd'].includes(range.type)) return false
  if (range.type === 'numbered' && !(Number(range.numberOfOccurrences) > 0)) return false
  if (range.type === 'endDate' && typeof range.endDate !== 'string') return false
  if (pattern.daysOfWeek && !pattern.daysOfWeek.every((d) => WEEKDAYS.includes(d.toLowerCase()))) return false
  return true
}

/** Occurrence starts for a series whose first instance starts at `firstStart`. */
export function expandStarts(recurrence: Recurrence, firstStart: number): number[] {
  const {pattern, range} = recurrence
  const interval = Math.max(1, pattern.interval || 1)
  const limit = range.type === 'numbered' ? Math.min(range.numberOfOccurrences ?? 1, 999) : NO_END_LIMIT
  const endLimit = range.type === 'endDate' && range.endDate ? Date.parse(`${range.endDate}T23:59:59Z`) : Infinity
  const starts: number[] = []
  if (pattern.type === 'daily') {
    for (let i = 0; starts.length < limit; i++) {
      const start = firstStart + i * interval * DAY_MS
      if (start > endLimit) break
      starts.push(start)
    }
    return starts
  }
  const firstDay = new Date(firstStart).getUTCDay()
  const days = (pattern.daysOfWeek?.length ? pattern.daysOfWeek : [WEEKDAYS[firstDay] ?? 'monday'])
    .map((d) => WEEKDAYS.indexOf(d.toLowerCase()))
    .sort((a, b) => a - b)
  const weekStart = firstStart - firstDay * DAY_MS
  for (let week = 0; starts.length < limit && week < NO_END_LIMIT * 7; week += interval) {
    for (const day of days) {
      const start = weekStart + (week * 7 + day) * DAY_MS
      if (start < firstStart) continue
      if (start > endLimit || starts.length >= limit) return starts
      starts.push(start)
    }
  }
  return starts
}

/** Expands Graph daily/weekly recurrence patterns into occurrence start instants. */
import type {Recurrence} from './model.js'

const DAY_MS = 86_400_000
/** Open-ended series are materialised this far (Outlook computes them lazily; the emulator stores them). */
const NO_END_LIMIT = 520
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday']

const GRAPH_ONLY_PATTERNS = new Set(['absoluteMonthly', 'relativeMonthly', 'absoluteYearly', 'relativeYearly'])
const DATE = /^\d{4}-\d{2}-\d{2}$/

/**
 * Why Graph would refuse a patternedRecurrence (a message), 'unsupported' for a valid monthly or yearly
 * pattern the sandbox does not expand, or undefined when the emulator can store and expand it.
 */
export function recurrenceProblem(value: unknown): string | 'unsupported' | undefined {
  if (!value || typeof value !== 'object') return 'recurrence must be a patternedRecurrence object.'
  const {pattern, range} = value as Partial<Recurrence>
  if (!pattern || typeof pattern !== 'object') return 'recurrence.pattern is required.'
  if (!range || typeof range !== 'object') return 'recurrence.range is required.'
  if (GRAPH_ONLY_PATTERNS.has(pattern.type)) return 'unsupported'
  if (pattern.type !== 'daily' && pattern.type !== 'weekly') {
    return `Requested value '${String(pattern.type)}' was not found.`
  }
  if (pattern.interval !== undefined && !(Number.isInteger(pattern.interval) && pattern.interval >= 1)) {
    return 'recurrence.pattern.interval must be a whole number of at least 1.'
  }
  const days = pattern.daysOfWeek
  if (days !== undefined && !(Array.isArray(days) && days.every((d) => WEEKDAYS.includes(String(d).toLowerCase())))) {
    return 'recurrence.pattern.daysOfWeek must name days of the week.'
  }
  if (pattern.type === 'weekly' && !days?.length) return 'A weekly pattern needs at least one day in daysOfWeek.'
  if (!['numbered', 'endDate', 'noEnd'].includes(range.type)) {
    return `Requested value '${String(range.type)}' was not found.`
  }
  if (typeof range.startDate !== 'string' || !DATE.test(range.startDate)) {
    return 'recurrence.range.startDate must be a date (yyyy-MM-dd).'
  }
  if (
    range.type === 'numbered' &&
    !(Number.isInteger(range.numberOfOccurrences) && Number(range.numberOfOccurrences) > 0)
  ) {
    return 'A numbered range needs numberOfOccurrences of at least 1.'
  }
  if (range.type === 'endDate') {
    if (typeof range.endDate !== 'string' || !DATE.test(range.endDate)) {
      return 'An endDate range needs endDate (yyyy-MM-dd).'
    }
    if (range.endDate < range.startDate) return 'recurrence.range.endDate is before its startDate.'
  }
  return undefined
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

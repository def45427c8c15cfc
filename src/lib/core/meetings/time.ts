import {UsageError} from '../../errors.js'

/**
 * Reads an ISO 8601 date or date-time flag as an instant ("2026-12-01" is midnight UTC). Dates that do
 * not exist are refused rather than rolled over: JavaScript reads 2026-02-30 as 2 March.
 */
export function parseInstantFlag(value: string, flag: string): string {
  const trimmed = value.trim()
  const date = /^(\d{4})-(\d{2})-(\d{2})(T|$)/.exec(trimmed)
  const ms = date ? Date.parse(trimmed) : Number.NaN
  if (Number.isNaN(ms)) {
    throw new UsageError('INVALID_TIME', `--${flag} "${value}" is not an ISO 8601 date or date-time.`, {
      suggestions: [`Pass --${flag} like 2026-12-01 or 2026-12-01T09:55:00Z.`],
    })
  }
  const [year, month, day] = [Number(date?.[1]), Number(date?.[2]), Number(date?.[3])]
  if (!isCalendarDate(year, month, day)) {
    throw new UsageError(
      'INVALID_TIME',
      `--${flag} "${value}": ${date?.[0].slice(0, 10)} is not a date in the calendar.`,
      {
        suggestions: [`Pass --${flag} a day that exists in that month, like ${year}-${date?.[2]}-01.`],
      },
    )
  }
  return new Date(ms).toISOString()
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  const probe = new Date(Date.UTC(year, month - 1, day))
  return probe.getUTCFullYear() === year && probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day
}

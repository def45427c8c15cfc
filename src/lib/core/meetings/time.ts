import {UsageError} from '../../errors.js'

/** Reads an ISO 8601 date or date-time flag as an instant ("2026-12-01" is midnight UTC). */
export function parseInstantFlag(value: string, flag: string): string {
  const trimmed = value.trim()
  const ms = /^\d{4}-\d{2}-\d{2}(T|$)/.test(trimmed) ? Date.parse(trimmed) : Number.NaN
  if (Number.isNaN(ms)) {
    throw new UsageError('INVALID_TIME', `--${flag} "${value}" is not an ISO 8601 date or date-time.`, {
      suggestions: [`Pass --${flag} like 2026-12-01 or 2026-12-01T09:55:00Z.`],
    })
  }
  return new Date(ms).toISOString()
}

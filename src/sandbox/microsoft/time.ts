/**
 * Graph's dateTimeTimeZone values: a wall-clock `dateTime` without offset plus a `timeZone` name (IANA or
 * Windows). The emulator stores instants (ms since epoch) and renders them in UTC, as Graph does when no
 * `Prefer: outlook.timezone` header is sent.
 */

/** Windows zone names Outlook commonly returns, mapped to IANA (a small subset; others are rejected). */
const WINDOWS_ZONES: Record<string, string> = {
  UTC: 'UTC',
  'Coordinated Universal Time': 'UTC',
  'GMT Standard Time': 'Europe/London',
  'W. Europe Standard Time': 'Europe/Berlin',
  'Central European Standard Time': 'Europe/Warsaw',
  'Romance Standard Time': 'Europe/Paris',
  'Pacific Standard Time': 'America/Los_Angeles',
  'Mountain Standard Time': 'America/Denver',
  'Central Standard Time': 'America/Chicago',
  'Eastern Standard Time': 'America/New_York',
  'Tokyo Standard Time': 'Asia/Tokyo',
  'India Standard Time': 'Asia/Kolkata',
  'AUS Eastern Standard Time': 'Australia/Sydney',
}

export function ianaZone(name: string): string | undefined {
  const mapped = WINDOWS_ZONES[name] ?? name
  try {
    new Intl.DateTimeFormat('en-US', {timeZone: mapped})
    return mapped
  } catch {
    return undefined
  }
}

const WALL_CLOCK = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?$/

function zoneOffsetMs(zone: string, instant: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant))
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0)
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'))
  return asUtc - Math.floor(instant / 1000) * 1000
}

/** Converts {dateTime, timeZone} to an instant; undefined when either part is invalid. */
export function parseDateTimeTimeZone(value: unknown): number | undefined {
  if (!value || typeof value !== 'object') return undefined
  const {dateTime, timeZone} = value as {dateTime?: unknown; timeZone?: unknown}
  if (typeof dateTime !== 'string') return undefined
  const zone = ianaZone(typeof timeZone === 'string' && timeZone !== '' ? timeZone : 'UTC')
  const match = WALL_CLOCK.exec(dateTime.replace(/Z$/, ''))
  if (!zone || !match) return undefined
  const [, y, mo, d, h, mi, s] = match
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0))
  // Two passes settle the offset across DST transitions.
  const first = wall - zoneOffsetMs(zone, wall)
  return wall - zoneOffsetMs(zone, first)
}

/** Graph's UTC rendering: seven fractional digits, no offset. */
export function formatGraphDateTime(instant: number): {dateTime: string; timeZone: string} {
  return {dateTime: new Date(instant).toISOString().replace(/\.(\d{3})Z$/, '.$1' + '0000'), timeZone: 'UTC'}
}

/** Parses calendarView's startDateTime/endDateTime query values (ISO 8601, offset optional = UTC). */
export function parseQueryInstant(value: unknown): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined
  const withZone = /[zZ]|[+-]\d{2}:?\d{2}$/.test(value) ? value : `${value}Z`
  const instant = Date.parse(withZone)
  return Number.isNaN(instant) ? undefined : instant
}

/**
 * Graph's `dateTimeTimeZone` ({dateTime: wall clock, timeZone}) as an instant. hcal asks for UTC
 * (`Prefer: outlook.timezone="UTC"`), so answers normally say UTC; an IANA zone is converted too, in case a
 * server or a proxy ignores the preference. Anything else is an unknown zone: the event is unreadable.
 */
export interface GraphDateTime {
  dateTime?: string
  timeZone?: string
}

const UTC_NAMES = new Set(['utc', 'etc/utc', 'gmt', 'etc/gmt', 'z', 'coordinated universal time'])
const WALL_CLOCK = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?$/

/** Thrown with a sentence naming what is wrong; the mapping turns it into an `unreadable` change. */
export class UnreadableValue extends Error {}

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
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value)
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'))
  return asUtc - Math.floor(instant / 1000) * 1000
}

/** True when Intl knows `zone` as an IANA name. */
export function isIanaZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', {timeZone: zone})
    return true
  } catch {
    return false
  }
}

/** Milliseconds since the epoch for a Graph dateTimeTimeZone; UnreadableValue when it cannot be read. */
export function graphInstant(value: GraphDateTime | null | undefined, name: string): number {
  const match = WALL_CLOCK.exec(value?.dateTime ?? '')
  if (!match) throw new UnreadableValue(`its ${name} is missing or not a date and time`)
  const [, y, mo, d, h, mi, s, fraction] = match
  const wall = Date.UTC(
    Number(y),
    Number(mo) - 1,
    Number(d),
    Number(h),
    Number(mi),
    Number(s ?? 0),
    Number((fraction ?? '0').padEnd(3, '0').slice(0, 3)),
  )
  const zone = (value?.timeZone ?? 'UTC').trim()
  if (UTC_NAMES.has(zone.toLowerCase())) return wall
  if (!isIanaZone(zone)) throw new UnreadableValue(`its ${name} is in an unknown time zone (${zone})`)
  // The zone's offset at the wall time, corrected once for a DST change between the guess and the answer.
  const guess = wall - zoneOffsetMs(zone, wall)
  return wall - zoneOffsetMs(zone, guess)
}

/** An ISO instant with a Z, without milliseconds when there are none (as the model writes instants). */
export function isoInstant(ms: number): string {
  return new Date(ms).toISOString().replace(/\.000Z$/, 'Z')
}

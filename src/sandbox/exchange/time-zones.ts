/**
 * Time zones as Exchange names them on calendar items: `calendar:TimeZone` is the Windows zone's display name.
 * The sandbox's mailboxes use the seed's IANA zones; this is their Windows display names (CLDR mapping).
 * All-day items are stored as Exchange stores them: from local midnight to local midnight in the item's zone.
 */
const DISPLAY_NAMES: Record<string, string> = {
  UTC: '(UTC) Coordinated Universal Time',
  'America/New_York': '(UTC-05:00) Eastern Time (US & Canada)',
  'America/Chicago': '(UTC-06:00) Central Time (US & Canada)',
  'America/Los_Angeles': '(UTC-08:00) Pacific Time (US & Canada)',
  'Europe/Berlin': '(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna',
  'Europe/Warsaw': '(UTC+01:00) Sarajevo, Skopje, Warsaw, Zagreb',
  'Europe/Paris': '(UTC+01:00) Brussels, Copenhagen, Madrid, Paris',
  'Europe/Madrid': '(UTC+01:00) Brussels, Copenhagen, Madrid, Paris',
  'Asia/Tokyo': '(UTC+09:00) Osaka, Sapporo, Tokyo',
}

const UTC_NAME = '(UTC) Coordinated Universal Time'

export function zoneDisplayName(zone: string): string {
  return DISPLAY_NAMES[zone] ?? UTC_NAME
}

/** The zone's offset from UTC at `ms`, in ms. */
function offsetAt(zone: string, ms: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  })
    .formatToParts(new Date(ms))
    .reduce<Record<string, number>>((all, p) => ({...all, [p.type]: Number(p.value)}), {})
  const part = (type: string) => parts[type] ?? 0
  const local = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'))
  return local - Math.floor(ms / 1000) * 1000
}

/** The instant local midnight of the date `utcMidnight` names (00:00Z of that date) falls on in `zone`. */
export function localMidnight(utcMidnight: number, zone: string): number {
  if (!DISPLAY_NAMES[zone] || zone === 'UTC') return utcMidnight
  const guess = utcMidnight - offsetAt(zone, utcMidnight)
  return utcMidnight - offsetAt(zone, guess)
}

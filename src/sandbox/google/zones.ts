/** Time-zone offsets from the platform's tz database (Intl), with one cached formatter per zone. */
const formatters = new Map<string, Intl.DateTimeFormat>()

function zoneFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone)
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
    formatters.set(timeZone, formatter)
  }
  return formatter
}

/** The zone's offset from UTC at instant `ms`, in milliseconds (wall clock minus UTC). */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  const parts: Record<string, string> = {}
  for (const part of zoneFormatter(timeZone).formatToParts(ms)) parts[part.type] = part.value
  const wall = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  )
  return wall - Math.floor(ms / 1000) * 1000
}

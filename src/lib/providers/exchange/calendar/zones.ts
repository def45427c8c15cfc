/**
 * The item's time zone as an IANA name. Exchange reports it as the Windows zone's display name in
 * `calendar:TimeZone` ("(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna"), a plain string: asking
 * for StartTimeZone instead would make ews-javascript-api rebuild a TimeZoneInfo from the full definition,
 * which its own code marks as unfinished, for every item of a batch. ews-javascript-api's Windows/IANA table
 * (the CLDR mapping) names each Windows zone's display name and IANA zones.
 */
import {TimeZoneMappingData} from 'ews-javascript-api/js/tzmapping.js'

let byDisplayName: Map<string, string> | undefined

function table(): Map<string, string> {
  if (byDisplayName) return byDisplayName
  byDisplayName = new Map()
  for (const value of Object.values(TimeZoneMappingData as Record<string, unknown>)) {
    if (!Array.isArray(value)) continue
    const [ianaIds, displayName] = value as [string[], string]
    const iana = Array.isArray(ianaIds) ? ianaIds[0] : undefined
    if (iana && typeof displayName === 'string') byDisplayName.set(displayName.replace(/&amp;/g, '&'), iana)
  }
  return byDisplayName
}

/** Known answers: building an Intl.DateTimeFormat costs far more than mapping an item (a sync maps thousands). */
const ianaChecked = new Map<string, boolean>()

function isIana(zone: string): boolean {
  let known = ianaChecked.get(zone)
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en', {timeZone: zone})
      known = true
    } catch {
      known = false
    }
    ianaChecked.set(zone, known)
  }
  return known
}

/** IANA zone for Exchange's zone display name; undefined for a name it does not know ("Customized Time Zone"). */
export function ianaZoneOf(displayName: string | null | undefined): string | undefined {
  if (!displayName) return undefined
  const iana = table().get(displayName.trim())
  return iana && isIana(iana) ? iana : undefined
}

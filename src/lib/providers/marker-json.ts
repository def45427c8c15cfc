/**
 * hcal's marker as the JSON text Graph and EWS keep in one string extended property. Shared so both read and
 * write exactly the same form; Google keeps the fields as separate private properties instead.
 */
import type {HcalMarker} from '../core/model.js'

/** The marker hcal wrote, or undefined when there is none or it is not one of ours (edited by hand). */
export function parseMarkerJson(value: unknown): HcalMarker | undefined {
  if (typeof value !== 'string' || value === '') return undefined
  try {
    const parsed = JSON.parse(value) as Partial<HcalMarker>
    if (typeof parsed.version !== 'number' || typeof parsed.hash !== 'string') return undefined
    return {
      version: parsed.version,
      hash: parsed.hash,
      keyword: typeof parsed.keyword === 'string' ? parsed.keyword : null,
    }
  } catch {
    return undefined
  }
}

export function markerJson(marker: HcalMarker): string {
  return JSON.stringify({version: marker.version, hash: marker.hash, keyword: marker.keyword})
}

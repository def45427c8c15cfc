/**
 * hcal's marker on a Graph event: a single-value extended property (MAPI named property, string) that hcal
 * alone writes, holding the marker as JSON. Read with `$expand=singleValueExtendedProperties($filter=...)`;
 * cleared by writing an empty value (Graph offers no way to delete one property).
 */
import type {HcalMarker} from '../../../core/model.js'
import {parseMarkerJson, markerJson} from '../../marker-json.js'

/** A fixed property set GUID for hcal's named properties: never change it, or markers already written are lost. */
export const MARKER_PROPERTY_ID = 'String {4d1f3a52-7c2e-4b8f-9e61-3a5c0b7d2e94} Name hcalMarker'

/** The `$expand` that brings the marker with an event (Graph omits the navigation property when unset). */
export const MARKER_EXPAND = `singleValueExtendedProperties($filter=id eq '${MARKER_PROPERTY_ID}')`

export interface ExtendedProperty {
  id?: string
  value?: string | null
}

/** The marker among an event's expanded properties; undefined when absent, cleared or not hcal's JSON. */
export function readMarker(properties: ExtendedProperty[] | undefined): HcalMarker | undefined {
  const wanted = MARKER_PROPERTY_ID.toLowerCase()
  const value = properties?.find((property) => property.id?.toLowerCase() === wanted)?.value
  return parseMarkerJson(value)
}

/** The PATCH body entry that sets (or, for null, clears) the marker. */
export function markerProperty(marker: HcalMarker | null): {id: string; value: string} {
  return {
    id: MARKER_PROPERTY_ID,
    value: marker ? markerJson(marker) : '',
  }
}

/**
 * One occurrence of a series, addressed by its instance id (`<seriesId>_<originalStart>`): found, edited into
 * an exception, or cancelled. Shared by the API's events routes and the control API's end-user edits.
 */
import {apiErrors} from './errors.js'
import {applyOccurrenceBody, occurrencePrivateProperties} from './event-input.js'
import type {Calendar, CalendarEntry} from './model.js'
import {isOccurrenceStart, parseInstanceId} from './recurrence.js'
import type {CalendarStore} from './store.js'

export interface Located {
  entry: CalendarEntry
  /** Set when the id names one occurrence of the entry's series. */
  originalStartMs?: number
}

/** The entry an event id or instance id names in `calendar`; 404 notFound otherwise. */
export function locate(calendar: Calendar, eventId: string): Located {
  const entry = calendar.entries.get(eventId)
  if (entry) return {entry}
  const instance = parseInstanceId(eventId)
  const series = instance ? calendar.entries.get(instance.eventId) : undefined
  if (instance && series && isOccurrenceStart(series.meeting, instance.originalStartMs)) {
    return {entry: series, originalStartMs: instance.originalStartMs}
  }
  throw apiErrors.notFound()
}

/** Patches one occurrence (this calendar's own entry): an exception with its own fields and private properties. */
export function patchOccurrence(
  store: CalendarStore,
  entry: CalendarEntry,
  originalStartMs: number,
  body: Record<string, unknown>,
): void {
  const meeting = entry.meeting
  const exceptions = (meeting.exceptions ??= new Map())
  const override = structuredClone(exceptions.get(originalStartMs) ?? {updatedMs: Date.now()})
  const properties = occurrencePrivateProperties(entry, originalStartMs, body.extendedProperties)
  applyOccurrenceBody(override, body, meeting.endMs - meeting.startMs, originalStartMs)
  exceptions.set(originalStartMs, override)
  if (properties) entry.occurrenceProperties = new Map(entry.occurrenceProperties).set(originalStartMs, properties)
  store.touchMeeting(meeting)
}

/** Cancels one occurrence; 410 deleted when it already is. */
export function cancelOccurrence(store: CalendarStore, entry: CalendarEntry, originalStartMs: number): void {
  const meeting = entry.meeting
  const exceptions = (meeting.exceptions ??= new Map())
  const override = exceptions.get(originalStartMs)
  if (override?.cancelled) throw apiErrors.deleted()
  exceptions.set(originalStartMs, {...(override ?? {}), cancelled: true, updatedMs: Date.now()})
  store.touchMeeting(meeting)
}

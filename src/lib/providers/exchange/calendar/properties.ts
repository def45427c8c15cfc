/**
 * What the adapter asks Exchange for. CalendarView and SyncFolderItems ask for ids and the few properties
 * needed to plan (one database call, as the mailbox-synchronization guidance says); GetItem then reads the
 * model's properties in batches.
 */
import {
  AppointmentSchema,
  BasePropertySet,
  ExtendedPropertyDefinition,
  Guid,
  ItemSchema,
  MapiPropertyType,
  PropertySet,
} from 'ews-javascript-api'

/**
 * hcal's marker: a named string property in hcal's own property set (a fixed GUID, as the EWS guidance on
 * custom extended properties recommends over PS_PUBLIC_STRINGS, where Outlook forms and other add-ins name
 * their fields), name `hcalMarker`, value the marker as JSON.
 */
export const MARKER_PROPERTY_SET = 'c3b1f0d2-5a47-4e8b-9a61-0d2f7e4c8b15'
export const MARKER_NAME = 'hcalMarker'

export function markerDefinition(): ExtendedPropertyDefinition {
  return new ExtendedPropertyDefinition(new Guid(MARKER_PROPERTY_SET), MARKER_NAME, MapiPropertyType.String)
}

/** CalendarView rows: id, change key, series identity (UID), kind and start (to resume a truncated view). */
export function viewShape(): PropertySet {
  return new PropertySet(BasePropertySet.IdOnly, [
    AppointmentSchema.ICalUid,
    AppointmentSchema.AppointmentType,
    AppointmentSchema.Start,
  ])
}

/** SyncFolderItems: ids only (the changed items are read with GetItem). */
export function idShape(): PropertySet {
  return new PropertySet(BasePropertySet.IdOnly)
}

/** Everything the model needs, the body in its stored type, and the marker. */
export function eventShape(): PropertySet {
  return new PropertySet(BasePropertySet.IdOnly, [
    ItemSchema.Subject,
    ItemSchema.Body,
    ItemSchema.Sensitivity,
    ItemSchema.LastModifiedTime,
    AppointmentSchema.ICalUid,
    AppointmentSchema.AppointmentType,
    AppointmentSchema.Start,
    AppointmentSchema.End,
    AppointmentSchema.OriginalStart,
    AppointmentSchema.IsAllDayEvent,
    AppointmentSchema.TimeZone,
    AppointmentSchema.Location,
    AppointmentSchema.IsCancelled,
    AppointmentSchema.MyResponseType,
    AppointmentSchema.Organizer,
    AppointmentSchema.RequiredAttendees,
    AppointmentSchema.OptionalAttendees,
    AppointmentSchema.Resources,
    markerDefinition(),
  ])
}

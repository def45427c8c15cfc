/**
 * writeEvent: UpdateItem of only what hcal owns (Body, Location, the marker) with the ChangeKey the engine
 * read and ConflictResolution NeverOverwrite, so a user's edit since that read is never overwritten
 * (ErrorIrresolvableConflict -> conflict). Free text is XML-escaped here: ews-javascript-api writes values into
 * the SOAP body verbatim (see ewsText in ../client.ts).
 *
 * Meeting updates: the issue asks that join details be written into the organiser's copy only and that
 * attendees' copies "follow from the provider". Exchange updates attendees' copies only through the meeting
 * update it sends, so a change to the body or location of a meeting this mailbox organises is saved with
 * SendToAllAndSaveCopy; anything else (a marker-only write, an appointment without attendees, an attendee's
 * copy) with SendToNone, which sends no mail.
 */
import {BodyType, ConflictResolutionMode, MessageBody, SendInvitationsOrCancellationsMode} from 'ews-javascript-api'

import type {CalendarEvent} from '../../../core/model.js'
import type {EventPatch, WriteRequest, WriteResult} from '../../../ports/calendar.js'
import {isProviderFailure, ProviderFailure} from '../../../ports/failures.js'
import {ewsText} from '../client.js'
import {eventOf, type LoadedItem, loadItem} from './item.js'
import {markerJson} from '../../marker-json.js'
import {markerDefinition} from './properties.js'
import type {Sessions} from './session.js'

function applyPatch(loaded: LoadedItem, patch: EventPatch): void {
  const {appointment} = loaded
  if (patch.body) {
    appointment.Body = new MessageBody(
      patch.body.type === 'text' ? BodyType.Text : BodyType.HTML,
      ewsText(patch.body.content),
    )
  }
  if (patch.location !== undefined) appointment.Location = ewsText(patch.location)
  if (patch.marker === null) appointment.RemoveExtendedProperty(markerDefinition())
  else if (patch.marker) appointment.SetExtendedProperty(markerDefinition(), ewsText(markerJson(patch.marker)))
}

function sendMode(event: CalendarEvent, patch: EventPatch): SendInvitationsOrCancellationsMode {
  const visible = patch.body !== undefined || patch.location !== undefined
  const organisedMeeting = event.myResponse === 'organizer' && event.attendees.length > 0
  return visible && organisedMeeting
    ? SendInvitationsOrCancellationsMode.SendToAllAndSaveCopy
    : SendInvitationsOrCancellationsMode.SendToNone
}

function notFound(eventId: string): ProviderFailure {
  return new ProviderFailure(
    {provider: 'exchange', kind: 'notFound', target: 'item', message: `Calendar item ${eventId} no longer exists.`},
    {code: 'EXCHANGE_ITEM_NOT_FOUND'},
  )
}

export async function writeEvent(sessions: Sessions, request: WriteRequest): Promise<WriteResult> {
  const call = await sessions.open(request.grant, 'calendar', request.signal)
  const loaded = await loadItem(call, request.eventId)
  if (!loaded) throw notFound(request.eventId)
  const before = eventOf(loaded, call.mailbox)
  const {appointment} = loaded
  // The write carries the engine's token, not the one just read: a user edit since the engine's read conflicts.
  appointment.Id.ChangeKey = request.changeToken
  applyPatch(loaded, request.patch)
  try {
    await call.run(() => appointment.Update(ConflictResolutionMode.NeverOverwrite, sendMode(before, request.patch)))
  } catch (error) {
    if (isProviderFailure(error) && error.failure.kind === 'conflict') return {kind: 'conflict', failure: error.failure}
    throw error
  }
  const {patch} = request
  const marker = patch.marker === undefined ? before.marker : (patch.marker ?? undefined)
  const written: CalendarEvent = {
    ...before,
    ...(patch.body ? {body: patch.body.content, bodyType: patch.body.type} : {}),
    ...(patch.location === undefined ? {} : {location: patch.location}),
    changeToken: appointment.Id.ChangeKey,
  }
  delete written.marker
  // Exchange set a new LastModifiedTime the UpdateItem answer does not carry: unknown rather than stale.
  delete written.updated
  return {kind: 'written', event: marker ? {...written, marker} : written}
}

/**
 * One event: read it (events.get) and write hcal's part of it (events.patch with If-Match). An occurrence is
 * addressed by its instance id (`<seriesId>_<originalStart>`): patching it makes it an exception, as in
 * Google Calendar's UI. Writes send no e-mail to guests (`sendUpdates=none`): the attendees' copies show the
 * new description anyway, and an automatic edit should not mail everyone.
 */
import type {CalendarEvent} from '../../../core/model.js'
import type {EventRef, WriteRequest, WriteResult} from '../../../ports/calendar.js'
import {isProviderFailure, ProviderFailure} from '../../../ports/failures.js'
import type {Mailboxes, Target} from './mailboxes.js'
import {type GoogleEvent, patchBody, toCalendarEvent, UnreadableEvent} from './wire.js'

function readable(event: GoogleEvent, target: Target): CalendarEvent {
  try {
    return toCalendarEvent(event, {mailbox: target.mailbox})
  } catch (error) {
    if (!(error instanceof UnreadableEvent)) throw error
    throw new ProviderFailure(
      {provider: 'google', kind: 'fatal', message: `Event ${event.id ?? ''} cannot be read: ${error.message}.`},
      {code: 'GOOGLE_EVENT_UNREADABLE'},
    )
  }
}

export function createEventAccess(mailboxes: Mailboxes) {
  return {
    async readEvent(ref: EventRef): Promise<CalendarEvent | undefined> {
      const target = await mailboxes.target(ref.grant)
      try {
        const event = await mailboxes.call(target, async () => {
          const response = await target.clients.calendar.events.get(
            {calendarId: target.calendarId, eventId: ref.eventId, ...target.params},
            {signal: ref.signal},
          )
          return response.data
        })
        return event.status === 'cancelled' ? undefined : readable(event, target)
      } catch (error) {
        // 404 notFound and 410 deleted: the event no longer exists.
        if (isProviderFailure(error) && error.failure.kind === 'notFound') return undefined
        throw error
      }
    },

    async writeEvent(request: WriteRequest): Promise<WriteResult> {
      const target = await mailboxes.target(request.grant)
      try {
        const event = await mailboxes.call(target, async () => {
          const response = await target.clients.calendar.events.patch(
            {
              calendarId: target.calendarId,
              eventId: request.eventId,
              sendUpdates: 'none',
              requestBody: patchBody(request.patch),
              ...target.params,
            },
            {signal: request.signal, headers: {'If-Match': request.changeToken}},
          )
          return response.data
        })
        return {kind: 'written', event: readable(event, target)}
      } catch (error) {
        // 412 conditionNotMet: someone changed the event since it was read; nothing was written.
        if (isProviderFailure(error) && error.failure.kind === 'conflict')
          return {kind: 'conflict', failure: error.failure}
        throw error
      }
    },
  }
}

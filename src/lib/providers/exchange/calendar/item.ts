/**
 * One calendar item by id (readEvent, and the read before a write): GetItem for the item and, in the same
 * request, its series master (RecurringMasterItemId), which answers an error for a single item and gives an
 * occurrence its series id.
 */
import {type Appointment, ItemId, RecurringAppointmentMasterId, ServiceResult} from 'ews-javascript-api'

import type {CalendarEvent} from '../../../core/model.js'
import {ProviderFailure} from '../../../ports/failures.js'
import {classifyExchangeError, exchangeFailure} from '../errors.js'
import {toCalendarEvent} from './mapping.js'
import {eventShape} from './properties.js'
import type {EwsCall} from './session.js'

export interface LoadedItem {
  appointment: Appointment
  /** Series UID -> master id, when the item is an occurrence or exception. */
  masters: Map<string, string>
}

/** The item as it is now, or undefined when it no longer exists (ErrorItemNotFound). */
export async function loadItem(call: EwsCall, eventId: string): Promise<LoadedItem | undefined> {
  const refs = [new ItemId(eventId), new RecurringAppointmentMasterId(eventId)]
  const responses = await call.run(() => call.service.BindToItems(refs, eventShape()))
  const [item, master] = responses.Responses
  if (!item) return undefined
  if (item.Result === ServiceResult.Error) {
    const error = {ErrorCode: item.ErrorCode, message: item.ErrorMessage, ErrorDetails: item.ErrorDetails}
    const failure = classifyExchangeError(error)
    if (failure.kind === 'notFound' && failure.target === 'item') return undefined
    throw exchangeFailure(error)
  }
  const masters = new Map<string, string>()
  // For a single item the master reference answers ErrorCalendarCannotUseIdForOccurrenceId: nothing to add.
  if (master && master.Result !== ServiceResult.Error) {
    const appointment = master.Item as Appointment
    masters.set(appointment.ICalUid, appointment.Id.UniqueId)
  }
  return {appointment: item.Item as Appointment, masters}
}

export function eventOf(loaded: LoadedItem, mailbox: string): CalendarEvent {
  try {
    return toCalendarEvent(loaded.appointment, {mailbox, masters: loaded.masters})
  } catch (error) {
    throw new ProviderFailure(
      {
        provider: 'exchange',
        kind: 'fatal',
        message: `Calendar item ${loaded.appointment.Id.UniqueId} cannot be read: ${error instanceof Error ? error.message : String(error)}.`,
      },
      {code: 'EXCHANGE_ITEM_UNREADABLE', cause: error},
    )
  }
}

/**
 * The google calendar adapter (the CalendarProvider port, src/lib/ports/calendar.ts). Being written for issue 11;
 * until it lands, asking for it fails plainly instead of pretending to sync.
 */
import {HcalError} from '../../../errors.js'
import type {CalendarProvider} from '../../../ports/calendar.js'

export function createCalendar(): CalendarProvider {
  throw new HcalError('CALENDAR_ADAPTER_MISSING', 'The google calendar adapter is not built yet (issue 11).')
}

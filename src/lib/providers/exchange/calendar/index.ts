/**
 * The Exchange Server calendar adapter (the CalendarProvider port, src/lib/ports/calendar.ts) over
 * ews-javascript-api, impersonating each mailbox with the profile's service account. Modules: session.ts
 * (services, request records, error mapping), view.ts (CalendarView + GetItem), sync.ts (listChanges),
 * item.ts (one item), write.ts (UpdateItem), settings.ts (out-of-office), mapping.ts (the model), push.ts
 * (streaming notifications: Subscribe, Unsubscribe) and push-stream.ts (GetStreamingEvents).
 */
import type {CalendarProvider, CalendarProviderHooks} from '../../../ports/calendar.js'
import type {ConnectionInput} from '../../connection.js'
import {EXCHANGE_CAPABILITIES} from '../capabilities.js'
import type {ExchangeConnection} from '../index.js'
import {eventOf, loadItem} from './item.js'
import {createPush} from './push.js'
import {createSessions} from './session.js'
import {readMailboxSettings, readOutOfOffice} from './settings.js'
import {listChanges} from './sync.js'
import {DEFAULT_TUNING, type Tuning} from './view.js'
import {writeEvent} from './write.js'

export {DEFAULT_TUNING, type Tuning} from './view.js'

/** The adapter with its view and batch sizes set (tests make them small to exercise truncation). */
export function createExchangeCalendar(
  input: ConnectionInput<ExchangeConnection>,
  hooks: CalendarProviderHooks | undefined,
  tuning: Tuning,
): CalendarProvider {
  const sessions = createSessions(input, hooks)
  return {
    id: 'exchange',
    capabilities: EXCHANGE_CAPABILITIES,
    listChanges: (request) => listChanges(sessions, request, tuning),
    async readEvent(ref) {
      const call = await sessions.open(ref.grant, 'calendar', ref.signal)
      const loaded = await loadItem(call, ref.eventId)
      return loaded && eventOf(loaded, call.mailbox)
    },
    writeEvent: (request) => writeEvent(sessions, request),
    readMailboxSettings: (grant, options) => readMailboxSettings(grant, options),
    readOutOfOffice: (grant, options) => readOutOfOffice(sessions, grant, options),
    push: createPush(sessions),
    async close() {
      sessions.close()
    },
  }
}

export function createCalendar(
  input: ConnectionInput<ExchangeConnection>,
  hooks?: CalendarProviderHooks,
): CalendarProvider {
  return createExchangeCalendar(input, hooks, DEFAULT_TUNING)
}

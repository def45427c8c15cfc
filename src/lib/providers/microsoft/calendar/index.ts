/**
 * The Microsoft Graph calendar adapter (the CalendarProvider port, src/lib/ports/calendar.ts), loaded lazily
 * by the provider module. Its parts: session.ts (clients, request records, errors, the one token refresh),
 * changes.ts (calendarView delta and slices), markers.ts (hcal's marker for a page), events.ts (read, write
 * with If-Match), mailbox-settings.ts (language, time zone, automatic replies: one request), wire.ts (Graph
 * events as core's model), push.ts and webhook.ts (Graph subscriptions and what they post, for watch mode).
 */
import type {CalendarProvider, CalendarProviderHooks} from '../../../ports/calendar.js'
import type {ConnectionInput} from '../../connection.js'
import {MICROSOFT_CAPABILITIES} from '../capabilities.js'
import type {MicrosoftConnection} from '../index.js'
import {ChangeReader} from './changes.js'
import {EventAccess} from './events.js'
import {MailboxSettingsReader} from './mailbox-settings.js'
import {createGraphPush} from './push.js'
import {GraphSession} from './session.js'

export function createCalendar(
  input: ConnectionInput<MicrosoftConnection>,
  hooks?: CalendarProviderHooks,
): CalendarProvider {
  const session = new GraphSession(input, hooks)
  const changes = new ChangeReader(session, MICROSOFT_CAPABILITIES)
  const events = new EventAccess(session)
  const settings = new MailboxSettingsReader(session)
  return {
    id: 'microsoft',
    capabilities: MICROSOFT_CAPABILITIES,
    listChanges: (request) => changes.listChanges(request),
    readEvent: (ref) => events.readEvent(ref),
    writeEvent: (request) => events.writeEvent(request),
    readMailboxSettings: (grant, options) => settings.readMailboxSettings(grant, options),
    readOutOfOffice: (grant, options) => settings.readOutOfOffice(grant, options),
    push: createGraphPush(session),
    close: () => session.close(),
  }
}

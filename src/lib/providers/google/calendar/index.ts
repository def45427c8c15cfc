/**
 * The Google calendar adapter: the CalendarProvider port (src/lib/ports/calendar.ts) over @googleapis/calendar
 * and @googleapis/gmail, with a service account acting for each user (domain-wide delegation), `quotaUser`
 * per mailbox, the SDKs' own retries off (the engine's policy is the only one) and one RequestRecord per HTTP
 * exchange. Push: events.watch channels to the watch listener (push.ts).
 */
import type {CalendarProvider, CalendarProviderHooks} from '../../../ports/calendar.js'
import type {ConnectionInput} from '../../connection.js'
import {GOOGLE_CAPABILITIES} from '../capabilities.js'
import type {GoogleConnection} from '../index.js'
import {createEventAccess} from './events.js'
import {createListChanges} from './list.js'
import {createMailboxes} from './mailboxes.js'
import {createMailboxSettings} from './mailbox-settings.js'
import {createGooglePush} from './push.js'

export function createCalendar(
  input: ConnectionInput<GoogleConnection>,
  hooks?: CalendarProviderHooks,
): CalendarProvider {
  const mailboxes = createMailboxes(input, hooks)
  return {
    id: 'google',
    capabilities: GOOGLE_CAPABILITIES,
    listChanges: createListChanges(mailboxes),
    ...createEventAccess(mailboxes),
    ...createMailboxSettings(mailboxes),
    push: createGooglePush(mailboxes),
    async close() {
      mailboxes.close()
    },
  }
}

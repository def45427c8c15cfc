/**
 * Proves a Google Workspace user or room for hcal (`hcal users activate|validate`). A user: a delegated
 * token acting as them with hcal's scopes, their primary calendar listed (the calendar's id is the primary
 * address, so an alias is found; `accessRole` owner or writer proves write access without writing), a
 * calendar setting and the Gmail vacation responder read. A room (a resource calendar, which cannot be
 * impersonated): its calendar listed as the profile's test user, through the organisation-wide sharing
 * Workspace gives resource calendars.
 */
import {mailboxFor} from '../../access/gate.js'
import {ConfigError} from '../../errors.js'
import type {ProviderFailure} from '../../ports/failures.js'
import type {MailboxValidator, ValidationOutcome, ValidationRequest} from '../../ports/validation.js'
import type {ConnectionInput} from '../connection.js'
import {invalid, outcomeOfFailure, step} from '../validation.js'
import type {GoogleClients} from './client.js'
import {googleClientsFor} from './connect.js'
import {GOOGLE_CALENDAR_SCOPE, GOOGLE_SCOPES} from './delegation.js'
import {googleFailure} from './error-report.js'
import type {GoogleConnection} from './index.js'

const WRITE_ROLES = new Set(['owner', 'writer'])

export function createValidator(input: ConnectionInput<GoogleConnection>): MailboxValidator {
  const context = (subject: string) => ({
    subject,
    clientId: input.connection.clientId,
    scopes: [...GOOGLE_SCOPES],
  })

  /** The calendar of `calendarId` as `clients` sees it: one event at most, the calendar's id and access role. */
  const listOne = (clients: GoogleClients, calendarId: string, subject: string, signal?: AbortSignal) =>
    step(
      async () =>
        (await clients.calendar.events.list({calendarId, maxResults: 1, timeMin: new Date().toISOString()}, {signal}))
          .data,
      (error) => googleFailure(error, context(subject)),
      {signal},
    )

  async function validateRoom(address: string, signal?: AbortSignal): Promise<ValidationOutcome> {
    const reader = input.connection.testUser
    if (!reader) {
      throw new ConfigError(
        'GOOGLE_TEST_USER_MISSING',
        'Rooms are read through a Workspace user, and the profile names none.',
        {
          suggestions: [
            'Set google.testUser in the profile to a user of the domain ("hcal provision google --test-user USER").',
          ],
        },
      )
    }
    const listed = await listOne(await googleClientsFor(input, reader), address, reader, signal)
    if (listed.ok) return {result: 'valid', proven: [`read the room calendar as ${reader}`]}
    if (listed.failure.failure.kind === 'notFound') {
      return invalid(
        'MAILBOX_NOT_FOUND',
        `${reader} cannot see a calendar ${address}: there is no such resource, or its calendar is not shared with the organisation.`,
        'Check the resource address (Admin console > Directory > Buildings and resources), and that its calendar is shared with the organisation.',
      )
    }
    return outcomeOfFailure(listed.failure)
  }

  async function validateUser(address: string, signal?: AbortSignal): Promise<ValidationOutcome> {
    const clients = await googleClientsFor(input, address)
    const token = await step(
      () => clients.auth.getAccessToken(),
      (error) => googleFailure(error, context(address)),
      {signal},
    )
    // An unknown user, a suspended one and a resource all answer "Invalid email or User ID": the fix says so.
    if (!token.ok) return outcomeOfFailure(token.failure)
    const listed = await listOne(clients, 'primary', address, signal)
    if (!listed.ok) return userCallFailure(listed.failure)
    const primary = listed.value.summary?.toLowerCase()
    const accessRole = listed.value.accessRole ?? ''
    const settings = await step(
      () => clients.calendar.settings.get({setting: 'locale'}, {signal}),
      (error) => googleFailure(error, context(address)),
      {signal},
    )
    if (!settings.ok) return userCallFailure(settings.failure)
    const vacation = await step(
      () => clients.gmail.users.settings.getVacation({userId: 'me'}, {signal}),
      (error) => googleFailure(error, context(address)),
      {signal},
    )
    // Gmail off for the user (400 failedPrecondition) costs only out-of-office, not the calendar.
    const noGmail = !vacation.ok && vacation.failure.failure.providerCode === 'failedPrecondition'
    if (!vacation.ok && !noGmail) return userCallFailure(vacation.failure)
    if (!WRITE_ROLES.has(accessRole)) {
      return invalid(
        'DELEGATION_SCOPE_MISSING',
        `The calendar of ${address} can be read but not changed with the scopes granted (access role ${accessRole || 'none'}).`,
        `Authorise the scope ${GOOGLE_CALENDAR_SCOPE} (not calendar.readonly) for client ID ${input.connection.clientId} in the Admin console > Security > API controls > Domain-wide delegation.`,
      )
    }
    return {
      result: 'valid',
      ...(primary && primary.includes('@') && primary !== address ? {primaryEmail: primary} : {}),
      proven: [
        'read the calendar',
        `write access (accessRole ${accessRole})`,
        'read calendar settings',
        noGmail ? 'no Gmail (out-of-office unknown)' : 'read the vacation responder',
      ],
    }
  }

  return {
    async validate(request: ValidationRequest): Promise<ValidationOutcome> {
      const address = mailboxFor(request.grant)
      return request.kind === 'room' ? validateRoom(address, request.signal) : validateUser(address, request.signal)
    },
    async close() {},
  }
}

/** A refused API call for a user whose token was issued: Calendar off for them, or the provider's meaning. */
function userCallFailure(failure: ProviderFailure): ValidationOutcome {
  if (failure.failure.providerCode === 'notACalendarUser') {
    return invalid(
      'NOT_A_CALENDAR_USER',
      `${failure.message} (Google Calendar is turned off for this user).`,
      "Turn Calendar on for the user's organisational unit (Admin console > Apps > Google Workspace > Calendar > Service status), or deactivate the user.",
    )
  }
  if (failure.failure.kind === 'notFound') return invalid('MAILBOX_NOT_FOUND', failure.message)
  return outcomeOfFailure(failure, 'DELEGATION_SCOPE_MISSING')
}

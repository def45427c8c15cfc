/**
 * Proves a Microsoft 365 user or room for hcal (`hcal users activate|validate`): an app-only token whose
 * roles let hcal read and write calendars (write is proven from the consented role, without writing), the
 * mailbox's calendar read (an RBAC management scope or an application access policy refuses it here), and
 * its mailbox settings read, whose `userPurpose` says whether it is a person's mailbox or a room.
 */
import {mailboxFor} from '../../access/gate.js'
import type {MailboxValidator, ValidationOutcome, ValidationRequest} from '../../ports/validation.js'
import type {ConnectionInput} from '../connection.js'
import {invalid, outcomeOfFailure, step} from '../validation.js'
import type {MicrosoftClients} from './client.js'
import {microsoftClientsFor, withoutSdkRetry} from './connect.js'
import {microsoftFailure} from './errors.js'
import type {MicrosoftConnection} from './index.js'
import {tokenRoles} from './provisioning/roles.js'

const PERMISSIONS_PAGE = 'Entra admin center > App registrations > (the app) > API permissions'
const CALENDAR_WRITE = 'Calendars.ReadWrite'
const CALENDAR_READ = new Set(['Calendars.Read', CALENDAR_WRITE])
const SETTINGS_READ = new Set(['MailboxSettings.Read', 'MailboxSettings.ReadWrite'])
/** userPurpose values of a mailbox that is a place or a thing, not a person. */
const ROOM_PURPOSES = new Set(['room', 'equipment'])
const PERSON_PURPOSES = new Set(['user', 'linked'])

function roleMissing(role: string, why: string): ValidationOutcome {
  return invalid(
    'ROLE_MISSING',
    `The app's token does not carry the application permission ${role}, which hcal needs to ${why}.`,
    `Add the application permission ${role} in the ${PERMISSIONS_PAGE} and grant admin consent, then run "hcal users validate".`,
  )
}

export function createValidator(input: ConnectionInput<MicrosoftConnection>): MailboxValidator {
  let clients: Promise<MicrosoftClients> | undefined
  const connect = () => (clients ??= microsoftClientsFor(input))

  /** A 403 the answer does not explain: the app holds the role, so the mailbox is outside its scope. */
  const refusal = (roles: Set<string>, needed: ReadonlySet<string>) =>
    [...needed].some((role) => roles.has(role)) ? 'OUT_OF_MAILBOX_SCOPE' : 'ROLE_MISSING'

  async function validate(request: ValidationRequest): Promise<ValidationOutcome> {
    const address = mailboxFor(request.grant)
    const {signal} = request
    const graph = await connect()
    const token = await step(() => graph.getToken(), microsoftFailure, {signal})
    if (!token.ok) return outcomeOfFailure(token.failure)
    const roles = new Set(tokenRoles(token.value).roles)
    const user = `/users/${encodeURIComponent(address)}`
    const events = await step(
      () =>
        graph.graph
          .api(`${user}/calendar/events`)
          .middlewareOptions(withoutSdkRetry())
          .top(1)
          .select('id')
          .get() as Promise<unknown>,
      microsoftFailure,
      {signal},
    )
    if (!events.ok) return outcomeOfFailure(events.failure, refusal(roles, CALENDAR_READ))
    const settings = await step(
      () =>
        graph.graph.api(`${user}/mailboxSettings`).middlewareOptions(withoutSdkRetry()).get() as Promise<{
          userPurpose?: string
        }>,
      microsoftFailure,
      {signal},
    )
    if (!settings.ok) return outcomeOfFailure(settings.failure, refusal(roles, SETTINGS_READ))
    if (!roles.has(CALENDAR_WRITE)) return roleMissing(CALENDAR_WRITE, 'write join details into meetings')
    const purpose = settings.value.userPurpose ?? 'user'
    if (request.kind === 'user' && !PERSON_PURPOSES.has(purpose)) {
      return invalid(
        'NOT_A_CALENDAR_USER',
        `${address} is a ${purpose} mailbox, not a person's.`,
        ROOM_PURPOSES.has(purpose)
          ? `Activate it as a room: "hcal users activate ${address} --room --device SIP_OR_ID".`
          : 'Activate only people and rooms; a shared mailbox has no one to give join details to.',
      )
    }
    if (request.kind === 'room' && !ROOM_PURPOSES.has(purpose)) {
      return invalid(
        'NOT_A_CALENDAR_USER',
        `${address} is a ${purpose} mailbox, not a room.`,
        `Activate it without --room ("hcal users activate ${address}"), or give the room's own address.`,
      )
    }
    return {
      result: 'valid',
      proven: ['read the calendar', `write permission (${CALENDAR_WRITE})`, `read mailbox settings (${purpose})`],
    }
  }

  return {
    validate,
    async close() {
      if (clients) await (await clients).close()
    },
  }
}

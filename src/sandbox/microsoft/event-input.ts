/** Validates Graph event request bodies (POST/PATCH) and applies them to stored items. */
import type {GraphResponseType, Recurrence, Sensitivity, ShowAs, StoredAttendee, StoredEvent} from './model.js'
import {addOnlineMeetingBlob} from './online-meeting.js'
import {recurrenceProblem} from './recurrence.js'
import {ianaZone, parseDateTimeTimeZone} from './time.js'

export class GraphInputError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message)
  }
}

const WRITABLE = new Set([
  'subject',
  'body',
  'start',
  'end',
  'location',
  'locations',
  'attendees',
  'isAllDay',
  'sensitivity',
  'showAs',
  'importance',
  'isOnlineMeeting',
  'onlineMeetingProvider',
  'recurrence',
  'singleValueExtendedProperties',
  'categories',
  'isReminderOn',
  'reminderMinutesBeforeStart',
  'responseRequested',
  'allowNewTimeProposals',
  'hideAttendees',
  'transactionId',
])
const SENSITIVITIES = new Set<Sensitivity>(['normal', 'personal', 'private', 'confidential'])
const SHOW_AS = new Set<ShowAs>(['free', 'tentative', 'busy', 'oof', 'workingElsewhere', 'unknown'])
const RESPONSES = new Set<GraphResponseType>([
  'none',
  'organizer',
  'tentativelyAccepted',
  'accepted',
  'declined',
  'notResponded',
])

export interface ApplyOptions {
  /** End users (control API) may also set what Graph's event resource treats as read-only. */
  endUser?: boolean
}

/** OData's answer to an enum member that does not exist. */
export function enumValueNotFound(value: unknown): GraphInputError {
  return new GraphInputError('RequestBodyRead', `Requested value '${String(value)}' was not found.`)
}

function requireObject(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new GraphInputError('BadRequest', 'Empty Payload. JSON content expected.')
  }
  return body as Record<string, unknown>
}

/**
 * A dateTimeTimeZone value as an instant. An unknown zone is refused the way Outlook refuses it
 * (TimeZoneNotSupportedException, naming the zone); a malformed dateTime as an unreadable literal.
 */
export function graphInstant(value: unknown, name: string): number {
  const zone = (value as {timeZone?: unknown} | null)?.timeZone
  if (typeof zone === 'string' && zone !== '' && !ianaZone(zone)) {
    throw new GraphInputError(
      'TimeZoneNotSupportedException',
      `A valid TimeZone value must be specified. The following TimeZone value is not supported: '${zone}'.`,
    )
  }
  const parsed = parseDateTimeTimeZone(value)
  if (parsed === undefined) {
    throw new GraphInputError(
      'ErrorInvalidRequest',
      `Cannot convert the literal '${JSON.stringify(value)}' to the expected type 'Edm.DateTimeOffset' for '${name}'.`,
    )
  }
  return parsed
}

function attendees(value: unknown): StoredAttendee[] {
  if (!Array.isArray(value))
    throw new GraphInputError('RequestBodyRead', "The property 'attendees' must be a collection.")
  return value.map((raw: unknown) => {
    const item = (raw ?? {}) as {
      type?: unknown
      emailAddress?: {address?: unknown; name?: unknown}
      status?: {response?: unknown}
    }
    const address = item.emailAddress?.address
    if (typeof address !== 'string' || !address.includes('@')) {
      throw new GraphInputError('ErrorInvalidRecipients', 'At least one recipient is not valid.')
    }
    const type = item.type === 'optional' || item.type === 'resource' ? item.type : 'required'
    const response = item.status?.response
    return {
      address: address.toLowerCase(),
      name: typeof item.emailAddress?.name === 'string' ? item.emailAddress.name : address,
      type,
      response:
        typeof response === 'string' && RESPONSES.has(response as GraphResponseType)
          ? (response as GraphResponseType)
          : 'none',
    }
  })
}

function extendedProperties(event: StoredEvent, value: unknown): void {
  if (!Array.isArray(value)) {
    throw new GraphInputError('RequestBodyRead', "The property 'singleValueExtendedProperties' must be a collection.")
  }
  for (const raw of value) {
    const {id, value: propertyValue} = (raw ?? {}) as {id?: unknown; value?: unknown}
    if (
      typeof id !== 'string' ||
      !/^(String|Integer|Boolean|SystemTime)\s+(\{[0-9a-f-]{36}\}\s+(Name|Id)\s+\S.*|0x[0-9a-f]{1,4})$/i.test(id)
    ) {
      throw new GraphInputError('ErrorInvalidProperty', `The property id '${String(id)}' is not valid.`)
    }
    const properties = (event.extended ??= new Map())
    if (propertyValue === null) properties.delete(id.toLowerCase())
    else properties.set(id.toLowerCase(), {id, value: String(propertyValue)})
  }
}

/** Applies a POST/PATCH body to `event` (mutates it); throws GraphInputError for what Graph rejects. */
export function applyEventBody(event: StoredEvent, rawBody: unknown, options: ApplyOptions = {}): void {
  const body = requireObject(rawBody)
  for (const key of Object.keys(body)) {
    if (key.startsWith('@odata.')) continue
    if (WRITABLE.has(key) || (options.endUser && (key === 'isCancelled' || key === 'responseStatus'))) continue
    throw new GraphInputError(
      'RequestBodyRead',
      `The property '${key}' does not exist on type 'microsoft.graph.event'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
    )
  }
  if (typeof body.subject === 'string') event.subject = body.subject
  if (body.body !== undefined) {
    const {contentType, content} = (body.body ?? {}) as {contentType?: unknown; content?: unknown}
    const type = typeof contentType === 'string' ? contentType.toLowerCase() : 'text'
    if (type !== 'html' && type !== 'text') throw enumValueNotFound(contentType)
    event.bodyType = type
    event.body = typeof content === 'string' ? content : ''
  }
  if (body.start !== undefined) event.start = graphInstant(body.start, 'start')
  if (body.end !== undefined) event.end = graphInstant(body.end, 'end')
  // Outlook allows zero-length events but refuses one that ends before it starts, in its generic words.
  if (event.end < event.start) {
    throw new GraphInputError('ErrorPropertyValidationFailure', 'At least one property failed validation.')
  }
  if (body.location !== undefined) {
    const displayName = (body.location as {displayName?: unknown} | null)?.displayName
    event.location = typeof displayName === 'string' ? displayName : ''
  }
  if (body.attendees !== undefined) event.attendees = attendees(body.attendees)
  if (typeof body.isAllDay === 'boolean') event.isAllDay = body.isAllDay
  if (event.isAllDay && (event.start % 86_400_000 !== 0 || event.end % 86_400_000 !== 0)) {
    throw new GraphInputError(
      'ErrorPropertyValidationFailure',
      'The start and end of an all-day event must be at midnight and the event must last whole days.',
    )
  }
  if (body.sensitivity !== undefined) {
    if (!SENSITIVITIES.has(body.sensitivity as Sensitivity)) throw enumValueNotFound(body.sensitivity)
    event.sensitivity = body.sensitivity as Sensitivity
  }
  if (body.showAs !== undefined) {
    if (!SHOW_AS.has(body.showAs as ShowAs)) throw enumValueNotFound(body.showAs)
    event.showAs = body.showAs as ShowAs
  }
  if (typeof body.isOnlineMeeting === 'boolean') {
    event.isOnlineMeeting = body.isOnlineMeeting
    if (body.isOnlineMeeting && !event.joinUrl) {
      event.onlineMeetingProvider = 'teamsForBusiness'
      event.joinUrl = `https://teams.microsoft.com/l/meetup-join/19%3ameeting_${event.id.slice(4, 24)}%40thread.v2/0`
    }
    addOnlineMeetingBlob(event)
  }
  if (body.recurrence !== undefined && body.recurrence !== null) {
    if (event.type !== 'singleInstance' && event.type !== 'seriesMaster') {
      throw new GraphInputError(
        'ErrorInvalidRequest',
        'Recurrence can only be set on a single instance or a series master.',
      )
    }
    const problem = recurrenceProblem(body.recurrence)
    if (problem === 'unsupported') {
      throw new GraphInputError(
        'NotImplemented',
        'The sandbox expands daily and weekly recurrence patterns only (monthly and yearly ones are valid in Graph).',
        501,
      )
    }
    if (problem) throw new GraphInputError('ErrorPropertyValidationFailure', problem)
    event.recurrence = body.recurrence as Recurrence
    event.type = 'seriesMaster'
  }
  if (body.singleValueExtendedProperties !== undefined) extendedProperties(event, body.singleValueExtendedProperties)
  if (options.endUser && typeof body.isCancelled === 'boolean') event.isCancelled = body.isCancelled
  if (
    options.endUser &&
    typeof body.responseStatus === 'string' &&
    RESPONSES.has(body.responseStatus as GraphResponseType)
  ) {
    event.responseStatus = body.responseStatus as GraphResponseType
  }
}

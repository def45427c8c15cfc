/** Renders stored items as Graph v1.0 `event` resources, with $select and the extended-property $expand. */
import type {StoredEvent} from './model.js'
import {formatGraphDateTime} from './time.js'

export function etagOf(event: StoredEvent): string {
  return `W/"${event.changeKey}"`
}

function iso(instant: number): string {
  return new Date(instant).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/**
 * Every property of Graph's event resource, each computed from the stored item only when rendered, so
 * `$select` costs only the selected fields.
 */
const FIELDS: Record<string, (event: StoredEvent) => unknown> = {
  '@odata.etag': (event) => etagOf(event),
  id: (event) => event.id,
  createdDateTime: (event) => new Date(event.createdAt).toISOString(),
  lastModifiedDateTime: (event) => new Date(event.modifiedAt).toISOString(),
  changeKey: (event) => event.changeKey,
  categories: () => [],
  transactionId: () => null,
  originalStartTimeZone: () => 'UTC',
  originalEndTimeZone: () => 'UTC',
  iCalUId: (event) => event.iCalUId,
  uid: (event) => event.iCalUId,
  reminderMinutesBeforeStart: () => 15,
  isReminderOn: (event) => !event.isAllDay,
  hasAttachments: () => false,
  subject: (event) => event.subject,
  bodyPreview: (event) =>
    (event.bodyType === 'html' ? event.body.replace(/<[^>]*>/g, ' ') : event.body)
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 255),
  importance: () => 'normal',
  sensitivity: (event) => event.sensitivity,
  isAllDay: (event) => event.isAllDay,
  isCancelled: (event) => event.isCancelled,
  isOrganizer: (event) => event.isOrganizer,
  responseRequested: () => true,
  seriesMasterId: (event) => event.seriesMasterId ?? null,
  originalStart: (event) => (event.originalStart === undefined ? null : iso(event.originalStart)),
  showAs: (event) => event.showAs,
  type: (event) => event.type,
  webLink: (event) =>
    `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(event.id)}&exvsurl=1&path=/calendar/item`,
  onlineMeetingUrl: () => null,
  isOnlineMeeting: (event) => event.isOnlineMeeting,
  onlineMeetingProvider: (event) => event.onlineMeetingProvider,
  allowNewTimeProposals: () => true,
  isDraft: () => false,
  hideAttendees: () => false,
  responseStatus: (event) => ({response: event.responseStatus, time: '0001-01-01T00:00:00Z'}),
  body: (event) => ({contentType: event.bodyType, content: event.body}),
  start: (event) => formatGraphDateTime(event.start),
  end: (event) => formatGraphDateTime(event.end),
  location: (event) => ({
    displayName: event.location,
    locationType: 'default',
    uniqueIdType: event.location ? 'private' : 'unknown',
    address: {},
    coordinates: {},
  }),
  locations: (event) =>
    event.location ? [{displayName: event.location, locationType: 'default', uniqueIdType: 'private'}] : [],
  recurrence: (event) => event.recurrence ?? null,
  attendees: (event) =>
    event.attendees.map((a) => ({
      type: a.type,
      status: {response: a.response, time: iso(event.modifiedAt)},
      emailAddress: {name: a.name, address: a.address},
    })),
  organizer: (event) => ({emailAddress: {name: event.organizer.name, address: event.organizer.address}}),
  onlineMeeting: (event) => (event.joinUrl ? {joinUrl: event.joinUrl} : null),
}

export function renderEvent(event: StoredEvent): Record<string, unknown> {
  const rendered: Record<string, unknown> = {}
  for (const name in FIELDS) rendered[name] = FIELDS[name]?.(event)
  return rendered
}

/** Thrown for a query option Graph cannot parse; `code` is Graph's error code for it. */
export class QueryOptionError extends RangeError {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

/** Parses `$select=a,b` into a set; undefined when absent; throws on a property the event type lacks. */
export function parseSelect(value: unknown): Set<string> | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined
  const names = value.split(',').map((s) => s.trim())
  const unknown = names.find((name) => name === '@odata.etag' || !(name in FIELDS))
  if (unknown !== undefined) {
    throw new QueryOptionError(
      'RequestBroker--ParseUri',
      `Could not find a property named '${unknown}' on type 'microsoft.graph.event'.`,
    )
  }
  return new Set(names)
}

/**
 * Parses `singleValueExtendedProperties($filter=id eq '...')` out of `$expand`. Returns the requested
 * property ids (lower-cased); undefined when the expand is absent; throws on other expands.
 */
export function parseExtendedExpand(value: unknown): string[] | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined
  const match = /^singleValueExtendedProperties\s*\(\s*\$filter\s*=\s*(.+)\)\s*$/i.exec(value.trim())
  if (!match?.[1]) throw new QueryOptionError('BadRequest', `Unsupported $expand: ${value}`)
  const ids: string[] = []
  for (const clause of match[1].split(/\s+or\s+/i)) {
    const id = /^id\s+eq\s+'((?:[^']|'')*)'$/i.exec(clause.trim())?.[1]
    if (!id) throw new QueryOptionError('BadRequest', `Unsupported $filter in $expand: ${match[1]}`)
    ids.push(id.replace(/''/g, "'").toLowerCase())
  }
  return ids
}

export interface RenderOptions {
  select?: Set<string>
  expandExtended?: string[]
}

export function shapeEvent(event: StoredEvent, options: RenderOptions): Record<string, unknown> {
  let shaped: Record<string, unknown>
  if (options.select) {
    shaped = {'@odata.etag': etagOf(event), id: event.id}
    for (const key of options.select) {
      const field = FIELDS[key]
      if (field) shaped[key] = field(event)
    }
  } else {
    shaped = renderEvent(event)
  }
  if (options.expandExtended) {
    const matches = options.expandExtended.flatMap((id) => {
      const property = event.extended?.get(id)
      return property ? [{id: property.id, value: property.value}] : []
    })
    // Graph omits the navigation property when the filter matches nothing.
    if (matches.length) shaped.singleValueExtendedProperties = matches
  }
  return shaped
}

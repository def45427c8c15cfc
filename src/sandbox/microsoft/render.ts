/** Renders stored items as Graph v1.0 `event` resources, with $select and the extended-property $expand. */
import type {StoredEvent} from './model.js'
import {formatGraphDateTime} from './time.js'

export function etagOf(event: StoredEvent): string {
  return `W/"${event.changeKey}"`
}

function iso(instant: number): string {
  return new Date(instant).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

export function renderEvent(event: StoredEvent): Record<string, unknown> {
  return {
    '@odata.etag': etagOf(event),
    id: event.id,
    createdDateTime: new Date(event.createdAt).toISOString(),
    lastModifiedDateTime: new Date(event.modifiedAt).toISOString(),
    changeKey: event.changeKey,
    categories: [],
    transactionId: null,
    originalStartTimeZone: 'UTC',
    originalEndTimeZone: 'UTC',
    iCalUId: event.iCalUId,
    uid: event.iCalUId,
    reminderMinutesBeforeStart: 15,
    isReminderOn: !event.isAllDay,
    hasAttachments: false,
    subject: event.subject,
    bodyPreview: (event.bodyType === 'html' ? event.body.replace(/<[^>]*>/g, ' ') : event.body)
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 255),
    importance: 'normal',
    sensitivity: event.sensitivity,
    isAllDay: event.isAllDay,
    isCancelled: event.isCancelled,
    isOrganizer: event.isOrganizer,
    responseRequested: true,
    seriesMasterId: event.seriesMasterId ?? null,
    showAs: event.showAs,
    type: event.type,
    webLink: `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(event.id)}&exvsurl=1&path=/calendar/item`,
    onlineMeetingUrl: null,
    isOnlineMeeting: event.isOnlineMeeting,
    onlineMeetingProvider: event.onlineMeetingProvider,
    allowNewTimeProposals: true,
    isDraft: false,
    hideAttendees: false,
    responseStatus: {response: event.responseStatus, time: '0001-01-01T00:00:00Z'},
    body: {contentType: event.bodyType, content: event.body},
    start: formatGraphDateTime(event.start),
    end: formatGraphDateTime(event.end),
    location: {
      displayName: event.location,
      locationType: 'default',
      uniqueIdType: event.location ? 'private' : 'unknown',
      address: {},
      coordinates: {},
    },
    locations: event.location ? [{displayName: event.location, locationType: 'default', uniqueIdType: 'private'}] : [],
    recurrence: event.recurrence ?? null,
    attendees: event.attendees.map((a) => ({
      type: a.type,
      status: {response: a.response, time: iso(event.modifiedAt)},
      emailAddress: {name: a.name, address: a.address},
    })),
    organizer: {emailAddress: {name: event.organizer.name, address: event.organizer.address}},
    onlineMeeting: event.joinUrl ? {joinUrl: event.joinUrl} : null,
  }
}

/** Parses `$select=a,b` into a set; undefined when absent. */
export function parseSelect(value: unknown): Set<string> | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined
  return new Set(value.split(',').map((s) => s.trim()))
}

/**
 * Parses `singleValueExtendedProperties($filter=id eq '...')` out of `$expand`. Returns the requested
 * property ids (lower-cased); undefined when the expand is absent; throws on other expands.
 */
export function parseExtendedExpand(value: unknown): string[] | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined
  const match = /^singleValueExtendedProperties\s*\(\s*\$filter\s*=\s*(.+)\)\s*$/i.exec(value.trim())
  if (!match?.[1]) throw new RangeError(`Unsupported $expand: ${value}`)
  const ids: string[] = []
  for (const clause of match[1].split(/\s+or\s+/i)) {
    const id = /^id\s+eq\s+'((?:[^']|'')*)'$/i.exec(clause.trim())?.[1]
    if (!id) throw new RangeError(`Unsupported $filter in $expand: ${match[1]}`)
    ids.push(id.replace(/''/g, "'").toLowerCase())
  }
  return ids
}

export interface RenderOptions {
  select?: Set<string>
  expandExtended?: string[]
}

export function shapeEvent(event: StoredEvent, options: RenderOptions): Record<string, unknown> {
  const full = renderEvent(event)
  let shaped: Record<string, unknown> = full
  if (options.select) {
    shaped = {'@odata.etag': full['@odata.etag'], id: full.id}
    for (const key of options.select) if (key in full) shaped[key] = full[key]
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

/** Reads `t:CalendarItem` elements of CreateItem and SetItemField into store fields. */
import {decodeId} from './ids.js'
import type {ExAttendee, ExMailbox, ExtendedValue, ExItem} from './model.js'
import {expand} from './recurrence.js'
import type {ItemView} from './render.js'
import {extendedRef} from './shape.js'
import {EWS_ERRORS} from './soap.js'
import type {ExchangeStore} from './store.js'
import {attr, child, children, text, type XmlNode} from './xml.js'

export interface ItemInput {
  subject?: string
  body?: {value: string; type: 'HTML' | 'Text'}
  location?: string
  start?: number
  end?: number
  isAllDay?: boolean
  sensitivity?: ExItem['sensitivity']
  freeBusy?: ExItem['freeBusy']
  uid?: string
  required?: ExAttendee[]
  optional?: ExAttendee[]
  resources?: ExAttendee[]
  extended: ExtendedValue[]
}

function date(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const ms = Date.parse(value)
  if (Number.isNaN(ms))
    throw EWS_ERRORS.schemaValidation(
      `The value '${value}' is invalid according to its datatype 'http://www.w3.org/2001/XMLSchema:dateTime'.`,
    )
  return ms
}

function attendees(node: XmlNode | undefined): ExAttendee[] | undefined {
  if (!node) return undefined
  return children(node, 'Attendee').map((a) => {
    const mailbox = child(a, 'Mailbox')
    const email = (text(mailbox, 'EmailAddress') ?? '').toLowerCase()
    return {email, name: text(mailbox, 'Name') ?? email, response: 'NoResponseReceived'}
  })
}

export function readItem(node: XmlNode): ItemInput {
  const body = child(node, 'Body')
  const sensitivity = text(node, 'Sensitivity')
  const freeBusy = text(node, 'LegacyFreeBusyStatus')
  const allDay = text(node, 'IsAllDayEvent')
  return {
    subject: text(node, 'Subject'),
    body: body ? {value: text(body) ?? '', type: attr(body, 'BodyType') === 'Text' ? 'Text' : 'HTML'} : undefined,
    location: text(node, 'Location'),
    start: date(text(node, 'Start')),
    end: date(text(node, 'End')),
    isAllDay: allDay === undefined ? undefined : allDay === 'true',
    sensitivity:
      sensitivity === 'Private' || sensitivity === 'Confidential' ? 'Private' : sensitivity ? 'Normal' : undefined,
    freeBusy:
      freeBusy === 'Free' || freeBusy === 'Tentative' || freeBusy === 'OOF' || freeBusy === 'Busy'
        ? freeBusy
        : undefined,
    uid: text(node, 'UID'),
    required: attendees(child(node, 'RequiredAttendees')),
    optional: attendees(child(node, 'OptionalAttendees')),
    resources: attendees(child(node, 'Resources')),
    extended: children(node, 'ExtendedProperty').flatMap((p) => {
      const ref = extendedRef(children(p, 'ExtendedFieldURI')[0] ?? {})
      return ref ? [{...ref, value: text(p, 'Value') ?? ''}] : []
    }),
  }
}

/** The item or occurrence an ItemId / OccurrenceItemId names, in the mailbox being acted on. */
export type ItemRefKind = 'ItemId' | 'OccurrenceItemId' | 'RecurringMasterItemId'

/** Checks that the caller may act on a mailbox (throws Exchange's answer when not) and returns it. */
export type MailboxAccess = (mailbox: string) => ExMailbox

/**
 * A stored item by a well-formed item or occurrence id: malformed and missing ids answer differently, and
 * the mailbox is checked before anything about the item is revealed.
 */
function findItem(
  store: ExchangeStore,
  id: string,
  access: MailboxAccess,
): {item: ExItem; mailbox: ExMailbox; index?: number} {
  const decoded = decodeId(id)
  if (!decoded || decoded.kind === 'folder') throw EWS_ERRORS.invalidIdMalformed()
  const mailbox = access(decoded.mailbox)
  const found = store.find(id)
  if (!found) throw EWS_ERRORS.itemNotFound()
  return {item: found.item, mailbox, index: decoded.kind === 'occurrence' ? decoded.index : undefined}
}

/** Occurrence `index` (0-based) of a master, with Exchange's answers for indexes it does not have. */
function occurrenceOf(item: ExItem, index: number): ItemView {
  const recurrence = item.recurrence
  if (!recurrence) throw EWS_ERRORS.notARecurringMaster()
  if (index >= recurrence.count) throw EWS_ERRORS.occurrenceOutOfRange()
  const occurrence = expand(item).find((o) => o.index === index)
  if (!occurrence) throw EWS_ERRORS.occurrenceDeleted()
  return {item, occurrence}
}

export function resolveView(
  store: ExchangeStore,
  ref: XmlNode,
  kind: ItemRefKind,
  access: MailboxAccess,
): {view: ItemView; mailbox: ExMailbox} {
  if (kind === 'RecurringMasterItemId') {
    const found = findItem(store, attr(ref, 'OccurrenceId') ?? '', access)
    if (found.index === undefined) throw EWS_ERRORS.notAnOccurrence()
    return {view: {item: found.item}, mailbox: found.mailbox}
  }
  if (kind === 'OccurrenceItemId') {
    const instance = Number(attr(ref, 'InstanceIndex') ?? 'NaN')
    if (!Number.isInteger(instance) || instance < 1) throw EWS_ERRORS.invalidIdMalformed()
    const found = findItem(store, attr(ref, 'RecurringMasterId') ?? '', access)
    if (found.index !== undefined) throw EWS_ERRORS.notARecurringMaster()
    return {view: occurrenceOf(found.item, instance - 1), mailbox: found.mailbox}
  }
  const found = findItem(store, attr(ref, 'Id') ?? '', access)
  if (found.index === undefined) return {view: {item: found.item}, mailbox: found.mailbox}
  return {view: occurrenceOf(found.item, found.index), mailbox: found.mailbox}
}

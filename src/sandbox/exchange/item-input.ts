/** Reads `t:CalendarItem` elements of CreateItem and SetItemField into store fields. */
import {decodeId} from './ids.js'
import type {ExAttendee, ExtendedValue, ExItem} from './model.js'
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

export function resolveView(store: ExchangeStore, ref: XmlNode, kind: ItemRefKind): {view: ItemView; mailbox: string} {
  let id = attr(ref, 'Id') ?? ''
  let index: number | undefined
  if (kind === 'RecurringMasterItemId') {
    const found = store.find(attr(ref, 'OccurrenceId') ?? '')
    if (!found) throw EWS_ERRORS.invalidIdMalformed()
    if (!found.item.recurrence) throw EWS_ERRORS.itemNotFound()
    return {view: {item: found.item}, mailbox: found.mailbox.email}
  }
  if (kind === 'OccurrenceItemId') {
    id = attr(ref, 'RecurringMasterId') ?? ''
    const instance = Number(attr(ref, 'InstanceIndex') ?? 'NaN')
    if (!Number.isInteger(instance) || instance < 1) throw EWS_ERRORS.invalidIdMalformed()
    index = instance - 1
  }
  const decoded = decodeId(id)
  if (!decoded || decoded.kind === 'folder') throw EWS_ERRORS.invalidIdMalformed()
  if (decoded.kind === 'occurrence') index = decoded.index
  const found = store.find(id)
  if (!found) throw EWS_ERRORS.itemNotFound()
  if (index === undefined) return {view: {item: found.item}, mailbox: found.mailbox.email}
  const occurrence = expand(found.item).find((o) => o.index === index)
  if (!occurrence) throw EWS_ERRORS.itemNotFound()
  return {view: {item: found.item, occurrence}, mailbox: found.mailbox.email}
}

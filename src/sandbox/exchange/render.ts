/** Calendar items written as Exchange writes `t:CalendarItem`, honouring the requested shape. */
import {folderId, occurrenceId, serialOf} from './ids.js'
import {extendedKey, type ExAttendee, type ExItem, type OccurrenceOverride} from './model.js'
import {expand, type Occurrence, occurrenceStart} from './recurrence.js'
import type {ItemShape} from './shape.js'
import {zoneDisplayName} from './time-zones.js'
import {el, escapeXml} from './xml.js'

/** One row of a calendar: a single item, a recurring master, or one occurrence/exception of a master. */
export interface ItemView {
  item: ExItem
  occurrence?: Occurrence
}

export function ewsDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

export function viewId(view: ItemView): string {
  return view.occurrence ? occurrenceId(view.item.mailbox, serialOf(view.item.id), view.occurrence.index) : view.item.id
}

function override(view: ItemView): OccurrenceOverride | undefined {
  return view.occurrence ? view.item.recurrence?.overrides.get(view.occurrence.index) : undefined
}

export function viewFields(view: ItemView) {
  const o = override(view)
  const {item} = view
  return {
    subject: o?.subject ?? item.subject,
    location: o?.location ?? item.location,
    body: o?.body ?? item.body,
    start: view.occurrence?.start ?? item.start,
    end: view.occurrence?.end ?? item.end,
    type: view.occurrence
      ? view.occurrence.isException
        ? 'Exception'
        : 'Occurrence'
      : item.recurrence
        ? 'RecurringMaster'
        : 'Single',
  } as const
}

function htmlToText(html: string): string {
  return html
    .replace(/<(br|\/p|\/div)[^>]*>/gi, '\r\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .trim()
}

function textToHtml(value: string): string {
  const body = escapeXml(value).replace(/\r?\n/g, '<br>\r\n')
  return `<html>\r\n<head>\r\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\r\n</head>\r\n<body>\r\n<div>${body}</div>\r\n</body>\r\n</html>\r\n`
}

function renderBody(item: ExItem, body: string, wanted: ItemShape['bodyType']): string {
  const type = wanted === 'Best' ? item.bodyType : wanted
  const value = type === item.bodyType ? body : type === 'Text' ? htmlToText(body) : textToHtml(body)
  return `<t:Body BodyType="${type}" IsTruncated="false">${escapeXml(value)}</t:Body>`
}

function mailbox(email: string, name: string): string {
  return `<t:Mailbox>${el('t:Name', name)}${el('t:EmailAddress', email)}<t:RoutingType>SMTP</t:RoutingType><t:MailboxType>Mailbox</t:MailboxType></t:Mailbox>`
}

function attendees(tag: string, list: ExAttendee[]): string {
  if (list.length === 0) return ''
  return `<t:${tag}>${list
    .map((a) => `<t:Attendee>${mailbox(a.email, a.name)}<t:ResponseType>${a.response}</t:ResponseType></t:Attendee>`)
    .join('')}</t:${tag}>`
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']

function recurrence(item: ExItem): string {
  const r = item.recurrence
  if (!r) return ''
  const pattern =
    r.freq === 'DAILY'
      ? `<t:DailyRecurrence><t:Interval>${r.interval}</t:Interval></t:DailyRecurrence>`
      : `<t:WeeklyRecurrence><t:Interval>${r.interval}</t:Interval><t:DaysOfWeek>${DAYS[new Date(item.start).getUTCDay()]}</t:DaysOfWeek><t:FirstDayOfWeek>Sunday</t:FirstDayOfWeek></t:WeeklyRecurrence>`
  const startDate = `${new Date(item.start).toISOString().slice(0, 10)}Z`
  return `<t:Recurrence>${pattern}<t:NumberedRecurrence><t:StartDate>${startDate}</t:StartDate><t:NumberOfOccurrences>${r.count}</t:NumberOfOccurrences></t:NumberedRecurrence></t:Recurrence>`
}

function occurrenceLists(item: ExItem): string {
  const r = item.recurrence
  if (!r) return ''
  const occurrences = expand(item)
  const first = occurrences[0]
  const last = occurrences[occurrences.length - 1]
  const ref = (o: Occurrence) =>
    `<t:ItemId Id="${occurrenceId(item.mailbox, serialOf(item.id), o.index)}" ChangeKey="${item.changeKey}"/><t:Start>${ewsDate(o.start)}</t:Start><t:End>${ewsDate(o.end)}</t:End><t:OriginalStart>${ewsDate(o.originalStart)}</t:OriginalStart>`
  let out = ''
  if (first) out += `<t:FirstOccurrence>${ref(first)}</t:FirstOccurrence>`
  if (last) out += `<t:LastOccurrence>${ref(last)}</t:LastOccurrence>`
  const modified = occurrences.filter((o) => o.isException)
  if (modified.length)
    out += `<t:ModifiedOccurrences>${modified.map((o) => `<t:Occurrence>${ref(o)}</t:Occurrence>`).join('')}</t:ModifiedOccurrences>`
  const deleted = [...r.overrides.entries()].filter(([, o]) => o.cancelled).map(([index]) => index)
  if (deleted.length) {
    out += `<t:DeletedOccurrences>${deleted
      .map(
        (index) =>
          `<t:DeletedOccurrence><t:Start>${ewsDate(occurrenceStart(item, index))}</t:Start></t:DeletedOccurrence>`,
      )
      .join('')}</t:DeletedOccurrences>`
  }
  return out
}

export interface RenderContext {
  /** FindItem never returns the body or attendee collections (Exchange computes them per item only). */
  forFind: boolean
}

/** `<t:CalendarItem>` for one view, with the properties the shape asks for, in schema order. */
export function renderCalendarItem(view: ItemView, shape: ItemShape, context: RenderContext): string {
  const {item} = view
  const f = viewFields(view)
  const all = shape.base !== 'IdOnly'
  const want = (uri: string, inDefault = true) => (all && inDefault) || shape.fields.has(uri)
  const full = !context.forFind
  const parts: string[] = [`<t:ItemId Id="${viewId(view)}" ChangeKey="${item.changeKey}"/>`]
  if (want('item:ParentFolderId')) parts.push(`<t:ParentFolderId Id="${folderId(item.mailbox)}" ChangeKey="AQAAAA=="/>`)
  if (want('item:ItemClass')) parts.push('<t:ItemClass>IPM.Appointment</t:ItemClass>')
  if (want('item:Subject')) parts.push(el('t:Subject', f.subject))
  if (want('item:Sensitivity')) parts.push(el('t:Sensitivity', item.sensitivity))
  if ((full && want('item:Body')) || (!full && shape.fields.has('item:Body')))
    parts.push(renderBody(item, f.body, shape.bodyType))
  if (want('item:DateTimeReceived')) parts.push(el('t:DateTimeReceived', ewsDate(item.created)))
  if (want('item:Size')) parts.push(el('t:Size', Buffer.byteLength(f.body) + 512))
  if (want('item:Importance')) parts.push('<t:Importance>Normal</t:Importance>')
  if (want('item:IsDraft')) parts.push('<t:IsDraft>false</t:IsDraft>')
  if (want('item:DateTimeCreated')) parts.push(el('t:DateTimeCreated', ewsDate(item.created)))
  if (want('item:HasAttachments')) parts.push('<t:HasAttachments>false</t:HasAttachments>')
  const own = override(view)?.extended
  for (const ref of shape.extended) {
    const key = extendedKey(ref.propertySetId, ref.name)
    const value = own?.has(key) ? own.get(key) : item.extended?.get(key)
    if (!value) continue
    parts.push(
      `<t:ExtendedProperty><t:ExtendedFieldURI PropertySetId="${escapeXml(value.propertySetId)}" PropertyName="${escapeXml(value.name)}" PropertyType="${escapeXml(value.type)}"/>${el('t:Value', value.value)}</t:ExtendedProperty>`,
    )
  }
  if (want('item:LastModifiedTime')) parts.push(el('t:LastModifiedTime', ewsDate(item.modified)))
  if (want('calendar:UID')) parts.push(el('t:UID', item.uid))
  if (view.occurrence && want('calendar:RecurrenceId'))
    parts.push(el('t:RecurrenceId', ewsDate(view.occurrence.originalStart)))
  if (want('calendar:Start')) parts.push(el('t:Start', ewsDate(f.start)))
  if (want('calendar:End')) parts.push(el('t:End', ewsDate(f.end)))
  if (view.occurrence && want('calendar:OriginalStart'))
    parts.push(el('t:OriginalStart', ewsDate(view.occurrence.originalStart)))
  if (want('calendar:IsAllDayEvent')) parts.push(el('t:IsAllDayEvent', item.isAllDay))
  if (want('calendar:LegacyFreeBusyStatus')) parts.push(el('t:LegacyFreeBusyStatus', item.freeBusy))
  if (want('calendar:Location')) parts.push(el('t:Location', f.location))
  const isMeeting = item.required.length + item.optional.length + item.resources.length > 0
  if (want('calendar:IsMeeting')) parts.push(el('t:IsMeeting', isMeeting))
  if (want('calendar:IsCancelled')) parts.push(el('t:IsCancelled', item.isCancelled))
  if (want('calendar:IsRecurring')) parts.push(el('t:IsRecurring', Boolean(view.occurrence)))
  if (want('calendar:MeetingRequestWasSent'))
    parts.push(el('t:MeetingRequestWasSent', isMeeting && item.myResponse === 'Organizer'))
  if (want('calendar:IsResponseRequested')) parts.push(el('t:IsResponseRequested', isMeeting))
  if (want('calendar:CalendarItemType')) parts.push(el('t:CalendarItemType', f.type))
  if (want('calendar:MyResponseType')) parts.push(el('t:MyResponseType', item.myResponse))
  if (want('calendar:Organizer'))
    parts.push(`<t:Organizer>${mailbox(item.organizer.email, item.organizer.name)}</t:Organizer>`)
  if (want('calendar:RequiredAttendees', full)) parts.push(attendees('RequiredAttendees', item.required))
  if (want('calendar:OptionalAttendees', full)) parts.push(attendees('OptionalAttendees', item.optional))
  if (want('calendar:Resources', full)) parts.push(attendees('Resources', item.resources))
  if (want('calendar:Duration')) parts.push(el('t:Duration', isoDuration(f.end - f.start)))
  if (want('calendar:TimeZone')) parts.push(el('t:TimeZone', zoneDisplayName(item.timeZone ?? 'UTC')))
  if (!view.occurrence && item.recurrence && want('calendar:Recurrence', full)) parts.push(recurrence(item))
  if (!view.occurrence && item.recurrence && all && full) parts.push(occurrenceLists(item))
  return `<t:CalendarItem>${parts.join('')}</t:CalendarItem>`
}

function isoDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000)
  const days = Math.floor(minutes / 1440)
  const hours = Math.floor((minutes % 1440) / 60)
  const mins = minutes % 60
  return `P${days ? `${days}D` : ''}T${hours}H${mins}M0S`
}

/** FindItem over the calendar: CalendarView (expanding series like Exchange) or IndexedPageItemView paging. */
import type {ExMailbox} from './model.js'
import {folderMailbox, type OperationHandler, type OperationContext, requireCalendar} from './operation.js'
import {expand} from './recurrence.js'
import {type ItemView, renderCalendarItem, viewFields} from './render.js'
import {parseShape} from './shape.js'
import {errorMessage, EWS_ERRORS, EwsError, responseMessages, successMessage} from './soap.js'
import {attr, child, children, type XmlNode} from './xml.js'

function positiveInt(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw EWS_ERRORS.schemaValidation(
      `The '${name}' attribute is invalid - The value '${value}' is invalid according to its datatype 'http://www.w3.org/2001/XMLSchema:int'.`,
    )
  }
  return Number(value)
}

function parseDate(value: string | undefined, name: string): number {
  const ms = value ? Date.parse(value) : Number.NaN
  if (Number.isNaN(ms))
    throw EWS_ERRORS.schemaValidation(
      `The '${name}' attribute is invalid - The value '${value ?? ''}' is invalid according to its datatype 'http://www.w3.org/2001/XMLSchema:dateTime'.`,
    )
  return ms
}

/** A CalendarView may span at most two (calendar) years. */
function twoYearsAfter(ms: number): number {
  const limit = new Date(ms)
  limit.setUTCFullYear(limit.getUTCFullYear() + 2)
  return limit.getTime()
}

/** Singles, occurrences and exceptions overlapping [start, end), by start time (masters never appear). */
export function calendarView(mailbox: ExMailbox, start: number, end: number): ItemView[] {
  const views: ItemView[] = []
  for (const item of mailbox.items.values()) {
    if (item.recurrence) {
      for (const occurrence of expand(item)) {
        if (occurrence.start < end && occurrence.end > start) views.push({item, occurrence})
      }
    } else if (item.start < end && item.end > start) {
      views.push({item})
    }
  }
  return views.sort((a, b) => viewFields(a).start - viewFields(b).start)
}

function findIn(body: XmlNode, op: OperationContext): string {
  const folders = child(body, 'ParentFolderIds')
  const ref = children(folders, 'DistinguishedFolderId')[0] ?? children(folders, 'FolderId')[0]
  const mailbox = folderMailbox(op, ref)
  requireCalendar(ref)
  const shape = parseShape(child(body, 'ItemShape'))
  const calendar = child(body, 'CalendarView')
  const indexed = child(body, 'IndexedPageItemView')
  let views: ItemView[]
  let total: number
  let offsetAttr = ''
  let includesLast: boolean
  if (calendar) {
    const start = parseDate(attr(calendar, 'StartDate'), 'StartDate')
    const end = parseDate(attr(calendar, 'EndDate'), 'EndDate')
    if (end < start) throw EWS_ERRORS.endBeforeStart()
    if (end > twoYearsAfter(start)) throw EWS_ERRORS.viewRangeTooBig()
    const max = positiveInt(attr(calendar, 'MaxEntriesReturned'), 'MaxEntriesReturned')
    const all = calendarView(mailbox, start, end)
    views = max === undefined ? all : all.slice(0, max)
    total = all.length
    includesLast = views.length === all.length
  } else {
    const max = positiveInt(attr(indexed, 'MaxEntriesReturned'), 'MaxEntriesReturned') ?? 1000
    const offset = Number(attr(indexed, 'Offset') ?? '0')
    const fromEnd = attr(indexed, 'BasePoint') === 'End'
    const all = [...mailbox.items.values()].sort((a, b) => b.created - a.created || (a.id < b.id ? -1 : 1))
    const startAt = fromEnd ? Math.max(0, all.length - offset - max) : offset
    views = all.slice(startAt, startAt + max).map((item) => ({item}))
    total = all.length
    includesLast = startAt + views.length >= all.length
    offsetAttr = ` IndexedPagingOffset="${startAt + views.length}"`
  }
  const items = views.map((view) => renderCalendarItem(view, shape, {forFind: true})).join('')
  return successMessage(
    'FindItem',
    `<m:RootFolder${offsetAttr} TotalItemsInView="${total}" IncludesLastItemInRange="${includesLast}"><t:Items>${items}</t:Items></m:RootFolder>`,
  )
}

export const findItem: OperationHandler = (body, op) => {
  try {
    return responseMessages('FindItem', [findIn(body, op)])
  } catch (error) {
    if (error instanceof EwsError && !error.fault)
      return responseMessages('FindItem', [errorMessage('FindItem', error)])
    throw error
  }
}

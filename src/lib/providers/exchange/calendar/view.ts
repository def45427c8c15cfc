/**
 * Reading a time window: FindItem with a CalendarView (ids, UID, kind, start: series expanded into their
 * occurrences and exceptions, as only a CalendarView does), then GetItem in batches for the model's
 * properties. An occurrence names its series only through the master, so each batch also asks for the
 * master of every series it meets (RecurringMasterItemId), which gives the series id the model needs.
 *
 * A CalendarView has no paging: past MaxEntriesReturned it answers the first entries by start and
 * IncludesLastItemInRange false. The rows before the last returned start are complete; the rest of the
 * window is read again from that start (resumeAt).
 */
import {
  type Appointment,
  AppointmentType,
  CalendarView,
  DateTime,
  FolderId,
  ItemId,
  Mailbox,
  RecurringAppointmentMasterId,
  ServiceResult,
  WellKnownFolderName,
} from 'ews-javascript-api'

import type {EventChange} from '../../../ports/calendar.js'
import {ProviderFailure} from '../../../ports/failures.js'
import {classifyExchangeError, exchangeFailure} from '../errors.js'
import {toChange} from './mapping.js'
import {eventShape, viewShape} from './properties.js'
import type {EwsCall} from './session.js'

export interface Tuning {
  /** CalendarView MaxEntriesReturned (EWSFindCountLimit is 1000 on Exchange 2013+). */
  viewMax: number
  /** Items per GetItem: EWS runs a batch for at most a minute, delaying each item under load. */
  getItemBatch: number
}

export const DEFAULT_TUNING: Tuning = {viewMax: 500, getItemBatch: 50}

/** One CalendarView row. */
export interface ViewRow {
  id: string
  uid: string
  type: AppointmentType
  start: number
}

export interface ViewSlice {
  rows: ViewRow[]
  /** Set when the view was truncated: read [resumeAt, end) next. */
  resumeAt?: number
}

export function calendarFolder(mailbox: string): FolderId {
  return new FolderId(WellKnownFolderName.Calendar, new Mailbox(mailbox))
}

/** One CalendarView request over [start, end). */
export async function viewSlice(call: EwsCall, start: number, end: number, tuning: Tuning): Promise<ViewSlice> {
  const view = new CalendarView(new DateTime(start), new DateTime(end), tuning.viewMax)
  view.PropertySet = viewShape()
  const found = await call.run(() => call.service.FindAppointments(calendarFolder(call.mailbox), view))
  const rows = found.Items.map((a) => ({
    id: a.Id.UniqueId,
    uid: a.ICalUid,
    type: a.AppointmentType,
    start: a.Start.TotalMilliSeconds,
  }))
  const last = rows[rows.length - 1]
  if (!found.MoreAvailable || !last) return {rows}
  const complete = rows.filter((row) => row.start < last.start)
  if (complete.length === 0 || last.start <= start) {
    throw new ProviderFailure(
      {
        provider: 'exchange',
        kind: 'fatal',
        message: `More than ${tuning.viewMax} calendar items of ${call.mailbox} start at ${new Date(last.start).toISOString()}.`,
      },
      {code: 'EXCHANGE_VIEW_TOO_DENSE'},
    )
  }
  return {rows: complete, resumeAt: last.start}
}

/** Every row of [start, end), following truncated views (several requests when the window is dense). */
export async function viewAll(call: EwsCall, start: number, end: number, tuning: Tuning): Promise<ViewRow[]> {
  const rows: ViewRow[] = []
  let from = start
  for (;;) {
    const slice = await viewSlice(call, from, end, tuning)
    rows.push(...slice.rows)
    if (slice.resumeAt === undefined) return rows
    from = slice.resumeAt
  }
}

function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size))
  return out
}

export interface ReadItems {
  changes: EventChange[]
  /** Masters read along (RecurringMaster items), by UID. */
  masters: Map<string, Appointment>
  /** Ids that no longer exist. */
  gone: string[]
}

/**
 * GetItem in batches for `ids` plus the master of each series that `occurrenceOf` names (uid -> one
 * occurrence id). Masters come back in `masters`, never as changes; the rest as upserts or unreadable.
 */
export async function readItems(
  call: EwsCall,
  ids: readonly string[],
  occurrenceOf: ReadonlyMap<string, string>,
  tuning: Tuning,
  knownMasters: ReadonlyMap<string, string> = new Map(),
): Promise<ReadItems> {
  const refs: ItemId[] = [
    ...ids.map((id) => new ItemId(id)),
    ...[...occurrenceOf.values()].map((id) => new RecurringAppointmentMasterId(id)),
  ]
  const appointments: Appointment[] = []
  const gone: string[] = []
  const problems: EventChange[] = []
  for (const batch of chunks(refs, tuning.getItemBatch)) {
    const responses = await call.run(() => call.service.BindToItems(batch, eventShape()))
    responses.Responses.forEach((response, index) => {
      const id = batch[index]?.UniqueId ?? ''
      if (response.Result !== ServiceResult.Error) {
        appointments.push(response.Item as Appointment)
        return
      }
      const failure = {
        ErrorCode: response.ErrorCode,
        message: response.ErrorMessage,
        ErrorDetails: response.ErrorDetails,
      }
      const info = classifyExchangeError(failure)
      if (info.kind === 'notFound' && info.target === 'item') gone.push(id)
      // Throttled, a store hiccup, access lost: the whole page is worth retrying (or stopping), not skipping.
      else if (info.kind !== 'fatal') throw exchangeFailure(failure)
      else problems.push({type: 'unreadable', eventId: id, problem: `${info.providerCode ?? 'error'}: ${info.message}`})
    })
  }
  const masters = new Map<string, Appointment>()
  for (const appointment of appointments) {
    if (appointment.AppointmentType === AppointmentType.RecurringMaster) masters.set(appointment.ICalUid, appointment)
  }
  const masterIds = new Map(knownMasters)
  for (const [uid, master] of masters) masterIds.set(uid, master.Id.UniqueId)
  const changes = appointments
    .filter((a) => a.AppointmentType !== AppointmentType.RecurringMaster)
    .map((a) => toChange(a, {mailbox: call.mailbox, masters: masterIds}))
  return {changes: [...changes, ...problems], masters, gone}
}

/** The occurrence rows' series: uid -> one of its occurrence ids (to find the master with). */
export function seriesOf(rows: readonly ViewRow[]): Map<string, string> {
  const series = new Map<string, string>()
  for (const row of rows) {
    if (row.type !== AppointmentType.Occurrence && row.type !== AppointmentType.Exception) continue
    if (!series.has(row.uid)) series.set(row.uid, row.id)
  }
  return series
}

/** GetItem, UpdateItem (ChangeKey + ConflictResolution) and CreateItem on calendar items. */
import {type ItemInput, type ItemRefKind, readItem, resolveView} from './item-input.js'
import {extendedKey, type ExItem, type ExMailbox, type OccurrenceOverride} from './model.js'
import {folderMailbox, itemMailbox, type OperationContext, type OperationHandler, requireCalendar} from './operation.js'
import {renderCalendarItem, viewFields, viewId, type ItemView} from './render.js'
import {extendedRef, parseShape} from './shape.js'
import {errorMessage, EWS_ERRORS, EwsError, responseMessages, successMessage} from './soap.js'
import {sendMeetingUpdate, sendOccurrenceUpdate, sharedContent} from './meeting-updates.js'
import type {ExchangeStore} from './store.js'
import {attr, child, children, type XmlNode} from './xml.js'

function perItem(operation: string, after: string, run: () => string): string {
  try {
    return run()
  } catch (error) {
    if (error instanceof EwsError && !error.fault) return errorMessage(operation, error, after)
    throw error
  }
}

function itemRefs(node: XmlNode | undefined): {ref: XmlNode; kind: ItemRefKind}[] {
  return (['ItemId', 'OccurrenceItemId', 'RecurringMasterItemId'] as const).flatMap((kind) =>
    children(node, kind).map((ref) => ({ref, kind})),
  )
}

export const getItem: OperationHandler = (body, op) => {
  const shape = parseShape(child(body, 'ItemShape'))
  const messages = itemRefs(child(body, 'ItemIds')).map(({ref, kind}) =>
    perItem('GetItem', '<m:Items/>', () => {
      const {view} = resolveView(op.store, ref, kind, (mailbox) => itemMailbox(op, mailbox))
      return successMessage('GetItem', `<m:Items>${renderCalendarItem(view, shape, {forFind: false})}</m:Items>`)
    }),
  )
  return responseMessages('GetItem', messages)
}

const HALF_HOUR_MS = 30 * 60_000

type Change = {field: string; extended?: ReturnType<typeof extendedRef>; value?: ItemInput; remove: boolean}

const SETTABLE = new Set([
  'item:Subject',
  'item:Body',
  'calendar:Location',
  'calendar:Start',
  'calendar:End',
  'item:Sensitivity',
  'calendar:LegacyFreeBusyStatus',
])

function readChanges(updates: XmlNode | undefined): Change[] {
  const changes: Change[] = []
  for (const [tag, remove] of [
    ['SetItemField', false],
    ['AppendToItemField', false],
    ['DeleteItemField', true],
  ] as const) {
    for (const node of children(updates, tag)) {
      const extendedNode = children(node, 'ExtendedFieldURI')[0]
      const field = attr(children(node, 'FieldURI')[0], 'FieldURI') ?? (extendedNode ? 'extended' : '')
      const valueNode = children(node, 'CalendarItem')[0] ?? child(node, 'Item')
      changes.push({
        field,
        extended: extendedNode ? extendedRef(extendedNode) : undefined,
        value: valueNode ? readItem(valueNode) : undefined,
        remove,
      })
    }
  }
  return changes
}

function applyToMaster(item: ExItem, change: Change): void {
  const v = change.value
  if (change.field === 'extended') {
    const ref = change.extended
    if (!ref) throw EWS_ERRORS.invalidPropertySet('ExtendedFieldURI')
    const key = extendedKey(ref.propertySetId, ref.name)
    if (change.remove) item.extended?.delete(key)
    else {
      const value = v?.extended[0]
      if (!value) throw EWS_ERRORS.incorrectUpdatePropertyCount()
      item.extended ??= new Map()
      item.extended.set(key, value)
    }
    return
  }
  if (!SETTABLE.has(change.field)) throw EWS_ERRORS.invalidPropertySet(change.field)
  if (change.remove) {
    if (change.field === 'item:Body') item.body = ''
    else if (change.field === 'calendar:Location') item.location = ''
    else if (change.field === 'item:Subject') item.subject = ''
    else throw EWS_ERRORS.invalidPropertyDelete(change.field)
    return
  }
  if (change.field === 'item:Subject' && v?.subject !== undefined) item.subject = v.subject
  else if (change.field === 'item:Body' && v?.body) {
    item.body = v.body.value
    item.bodyType = v.body.type
  } else if (change.field === 'calendar:Location' && v?.location !== undefined) item.location = v.location
  else if (change.field === 'calendar:Start' && v?.start !== undefined) item.start = v.start
  else if (change.field === 'calendar:End' && v?.end !== undefined) item.end = v.end
  else if (change.field === 'item:Sensitivity' && v?.sensitivity) item.sensitivity = v.sensitivity
  else if (change.field === 'calendar:LegacyFreeBusyStatus' && v?.freeBusy) item.freeBusy = v.freeBusy
  // A settable field whose item element does not carry it.
  else throw EWS_ERRORS.incorrectUpdatePropertyCount()
}

/** Changes to one occurrence turn it into an exception (an override on the master). */
function applyToOccurrence(view: ItemView, change: Change): void {
  const {item, occurrence} = view
  if (!occurrence || !item.recurrence) return
  const o: OccurrenceOverride = item.recurrence.overrides.get(occurrence.index) ?? {version: 0}
  const v = change.value
  const fields = viewFields(view)
  if (change.field === 'item:Subject') o.subject = change.remove ? '' : (v?.subject ?? fields.subject)
  else if (change.field === 'item:Body') o.body = change.remove ? '' : (v?.body?.value ?? fields.body)
  else if (change.field === 'calendar:Location') o.location = change.remove ? '' : (v?.location ?? fields.location)
  else if (change.field === 'calendar:Start' && v?.start !== undefined) {
    o.startShiftMinutes = Math.round((v.start - occurrence.originalStart) / 60_000)
  } else if (change.field === 'calendar:End' && v?.end !== undefined) {
    const start = occurrence.originalStart + (o.startShiftMinutes ?? 0) * 60_000
    if (v.end < start) throw EWS_ERRORS.endBeforeStart()
    o.durationMinutes = Math.round((v.end - start) / 60_000)
  } else if (change.field === 'extended') {
    const ref = change.extended
    if (!ref) throw EWS_ERRORS.invalidPropertySet('ExtendedFieldURI')
    const value = change.remove ? null : v?.extended[0]
    if (value === undefined) throw EWS_ERRORS.incorrectUpdatePropertyCount()
    o.extended = new Map(o.extended)
    o.extended.set(extendedKey(ref.propertySetId, ref.name), value)
  } else throw EWS_ERRORS.invalidPropertySet(change.field)
  o.version += 1
  item.recurrence.overrides.set(occurrence.index, o)
}

/** A working copy of an item: UpdateItem applies every change to it and saves only when all are valid. */
function draftOf(item: ExItem): ExItem {
  const recurrence = item.recurrence
  return {
    ...item,
    extended: item.extended && new Map(item.extended),
    recurrence: recurrence && {
      ...recurrence,
      overrides: new Map(
        [...recurrence.overrides].map(([index, o]) => [index, {...o, extended: o.extended && new Map(o.extended)}]),
      ),
    },
  }
}

export const updateItem: OperationHandler = (body, op) => {
  const resolution = attr(body, 'ConflictResolution') ?? 'AutoResolve'
  if (!['NeverOverwrite', 'AutoResolve', 'AlwaysOverwrite'].includes(resolution)) {
    throw EWS_ERRORS.schemaValidation(
      `The 'ConflictResolution' attribute is invalid - The value '${resolution}' is invalid according to its datatype.`,
    )
  }
  const sendMode = attr(body, 'SendMeetingInvitationsOrCancellations') ?? 'SendToAllAndSaveCopy'
  const messages = children(child(body, 'ItemChanges'), 'ItemChange').map((change) =>
    perItem('UpdateItem', '<m:Items/>', () => {
      const [target] = itemRefs(change)
      if (!target) throw EWS_ERRORS.invalidIdMalformed()
      const {view, mailbox: owner} = resolveView(op.store, target.ref, target.kind, (mailbox) =>
        itemMailbox(op, mailbox),
      )
      // A user's edit armed by the control API lands now, between the client's read and this write.
      op.store.races.land(view.item.id)
      const given = attr(target.ref, 'ChangeKey')
      if (given !== undefined && given !== view.item.changeKey && resolution === 'NeverOverwrite') {
        throw EWS_ERRORS.irresolvableConflict()
      }
      const before = sharedContent(view.item)
      const draft = draftOf(view.item)
      for (const c of readChanges(child(change, 'Updates'))) {
        if (view.occurrence) applyToOccurrence({item: draft, occurrence: view.occurrence}, c)
        else applyToMaster(draft, c)
      }
      if (draft.end < draft.start) throw EWS_ERRORS.endBeforeStart()
      Object.assign(view.item, draft)
      op.store.touch(owner, view.item)
      if (sendMode !== 'SendToNone') {
        if (view.occurrence) sendOccurrenceUpdate(op.store, view.item, view.occurrence.index)
        else sendMeetingUpdate(op.store, view.item, before)
      }
      return successMessage(
        'UpdateItem',
        // The item updated: for an occurrence, the occurrence's id (now an exception's), as Exchange answers.
        `<m:Items><t:CalendarItem><t:ItemId Id="${viewId(view)}" ChangeKey="${view.item.changeKey}"/></t:CalendarItem></m:Items><m:ConflictResults><t:Count>0</t:Count></m:ConflictResults>`,
      )
    }),
  )
  return responseMessages('UpdateItem', messages)
}

function newItem(
  input: ItemInput,
  mailbox: ExMailbox,
  store: ExchangeStore,
): Omit<ExItem, 'id' | 'version' | 'changeKey' | 'mailbox' | 'created' | 'modified' | 'createdSeq' | 'seq'> {
  // Exchange fills a missing Start with the current time rounded up to the half hour, a missing End with Start + 30 min.
  const start = input.start ?? Math.ceil(Date.now() / HALF_HOUR_MS) * HALF_HOUR_MS
  const end = input.end ?? start + HALF_HOUR_MS
  if (end < start) throw EWS_ERRORS.endBeforeStart()
  const required = input.required ?? []
  const optional = input.optional ?? []
  const resources = input.resources ?? []
  return {
    uid:
      input.uid ??
      `040000008200E00074C5B7101A82E008${Buffer.from(`${mailbox.email}:${Date.now()}:${store.mailboxes.size}:${Math.random()}`).toString('hex').slice(0, 48).toUpperCase()}`,
    subject: input.subject ?? '',
    location: input.location ?? '',
    body: input.body?.value ?? '',
    bodyType: input.body?.type ?? 'HTML',
    start,
    end,
    isAllDay: input.isAllDay ?? false,
    timeZone: mailbox.timeZone,
    isCancelled: false,
    sensitivity: input.sensitivity ?? 'Normal',
    freeBusy: input.freeBusy ?? 'Busy',
    myResponse: 'Organizer',
    organizer: {email: mailbox.email, name: mailbox.displayName},
    required,
    optional,
    resources,
    extended: input.extended.length
      ? new Map(input.extended.map((e) => [extendedKey(e.propertySetId, e.name), e]))
      : undefined,
  }
}

function sendInvitations(op: OperationContext, organizer: ExItem): void {
  for (const attendee of [...organizer.required, ...organizer.optional, ...organizer.resources]) {
    const mailbox = op.store.mailbox(attendee.email)
    if (!mailbox || mailbox.email === organizer.mailbox) continue
    // Rooms auto-accept (calendar processing); people get a tentative placeholder until they answer.
    const response = mailbox.isRoom ? 'Accept' : 'NoResponseReceived'
    if (mailbox.isRoom) attendee.response = 'Accept'
    op.store.create(mailbox, {
      ...organizer,
      myResponse: response,
      freeBusy: mailbox.isRoom ? 'Busy' : 'Tentative',
      extended: undefined,
      required: organizer.required.map((a) => ({...a})),
    })
  }
}

export const createItem: OperationHandler = (body, op) => {
  const sendMode = attr(body, 'SendMeetingInvitations') ?? 'SendToAllAndSaveCopy'
  const folder = child(body, 'SavedItemFolderId')
  const folderRef = children(folder, 'DistinguishedFolderId')[0] ??
    children(folder, 'FolderId')[0] ?? {'@_Id': 'calendar'}
  const messages = children(child(body, 'Items'), 'CalendarItem').map((node) =>
    perItem('CreateItem', '<m:Items/>', () => {
      const mailbox = folderMailbox(op, folderRef)
      requireCalendar(folderRef)
      const item = op.store.create(mailbox, newItem(readItem(node), mailbox, op.store))
      if (sendMode !== 'SendToNone') sendInvitations(op, item)
      return successMessage(
        'CreateItem',
        `<m:Items><t:CalendarItem><t:ItemId Id="${item.id}" ChangeKey="${item.changeKey}"/></t:CalendarItem></m:Items>`,
      )
    }),
  )
  return responseMessages('CreateItem', messages)
}

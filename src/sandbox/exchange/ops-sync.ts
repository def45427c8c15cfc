/**
 * SyncFolderItems on the calendar: an opaque, signed SyncState (mailbox, generation, sequence), net
 * Create/Update/Delete changes since it, MaxChangesReturned 1..512 (schema-validated like Exchange).
 */
import {createHmac, randomBytes, timingSafeEqual} from 'node:crypto'

import type {ExMailbox} from './model.js'
import {folderMailbox, type OperationHandler, requireCalendar} from './operation.js'
import {renderCalendarItem} from './render.js'
import {parseShape} from './shape.js'
import {errorMessage, EWS_ERRORS, EwsError, responseMessages, successMessage} from './soap.js'
import {child, children, text} from './xml.js'

const STATE_KEY = randomBytes(32)
const MAX_CHANGES = 512

/**
 * `seq`: changes up to here were delivered. `base`: items created up to here were known to the client
 * before this round of paging began (so a later change of an item first delivered in this round stays a Create).
 */
interface SyncPosition {
  mailbox: string
  generation: number
  base: number
  seq: number
}

function encodeState(position: SyncPosition): string {
  const payload = Buffer.from(JSON.stringify(position))
  const mac = createHmac('sha256', STATE_KEY).update(payload).digest().subarray(0, 16)
  return Buffer.concat([Buffer.from([0x48, 0x34, 0x73, 0x49]), mac, payload]).toString('base64')
}

function decodeState(state: string, mailbox: ExMailbox): SyncPosition {
  const raw = Buffer.from(state, 'base64')
  if (raw.length < 21) throw EWS_ERRORS.invalidSyncState()
  const mac = raw.subarray(4, 20)
  const payload = raw.subarray(20)
  const expected = createHmac('sha256', STATE_KEY).update(payload).digest().subarray(0, 16)
  if (!timingSafeEqual(mac, expected)) throw EWS_ERRORS.invalidSyncState()
  const position = JSON.parse(payload.toString('utf8')) as SyncPosition
  if (position.mailbox !== mailbox.email || position.generation !== mailbox.syncGeneration)
    throw EWS_ERRORS.invalidSyncState()
  return position
}

export const syncFolderItems: OperationHandler = (body, op) => {
  const maxText = text(body, 'MaxChangesReturned')
  const max = Number(maxText)
  if (!maxText || !/^\d+$/.test(maxText) || max < 1 || max > MAX_CHANGES) {
    throw EWS_ERRORS.schemaValidation(
      `The 'http://schemas.microsoft.com/exchange/services/2006/messages:MaxChangesReturned' element is invalid - The value '${maxText ?? ''}' is invalid according to its datatype 'http://schemas.microsoft.com/exchange/services/2006/types:MaxSyncChangesReturnedType' - The ${max > MAX_CHANGES ? 'MaxInclusive' : 'MinInclusive'} constraint failed.`,
    )
  }
  try {
    const folder = child(body, 'SyncFolderId')
    const ref = children(folder, 'DistinguishedFolderId')[0] ?? children(folder, 'FolderId')[0]
    const mailbox = folderMailbox(op, ref)
    requireCalendar(ref)
    const stateText = text(body, 'SyncState')?.trim()
    const position = stateText ? decodeState(stateText, mailbox) : undefined
    const from = position?.seq ?? 0
    const base = position?.base ?? 0
    const shape = parseShape(child(body, 'ItemShape'))

    type Pending = {seq: number; xml: string}
    const pending: Pending[] = []
    for (const item of mailbox.items.values()) {
      if (item.seq <= from) continue
      const tag = item.createdSeq > base ? 'Create' : 'Update'
      pending.push({seq: item.seq, xml: `<t:${tag}>${renderCalendarItem({item}, shape, {forFind: false})}</t:${tag}>`})
    }
    for (const tombstone of mailbox.tombstones) {
      if (tombstone.seq <= from || tombstone.createdSeq > from) continue
      pending.push({
        seq: tombstone.seq,
        xml: `<t:Delete><t:ItemId Id="${tombstone.id}" ChangeKey="AAAAAA=="/></t:Delete>`,
      })
    }
    pending.sort((a, b) => a.seq - b.seq)
    const page = pending.slice(0, max)
    const last = page[page.length - 1]
    const complete = page.length === pending.length
    const seq = !complete && last ? last.seq : mailbox.seq
    const state = encodeState({
      mailbox: mailbox.email,
      generation: mailbox.syncGeneration,
      base: complete ? seq : base,
      seq,
    })
    return responseMessages('SyncFolderItems', [
      successMessage(
        'SyncFolderItems',
        `<m:SyncState>${state}</m:SyncState><m:IncludesLastItemInRange>${page.length === pending.length}</m:IncludesLastItemInRange><m:Changes>${page.map((p) => p.xml).join('')}</m:Changes>`,
      ),
    ])
  } catch (error) {
    if (error instanceof EwsError && !error.fault)
      return responseMessages('SyncFolderItems', [errorMessage('SyncFolderItems', error)])
    if (error instanceof SyntaxError)
      return responseMessages('SyncFolderItems', [errorMessage('SyncFolderItems', EWS_ERRORS.invalidSyncState())])
    throw error
  }
}

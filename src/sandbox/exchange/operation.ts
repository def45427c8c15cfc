/** What every EWS operation handler receives, and mailbox resolution under impersonation. */
import type {FastifyReply, FastifyRequest} from 'fastify'

import {decodeId} from './ids.js'
import type {ExMailbox} from './model.js'
import type {ExchangePolicy} from './policy.js'
import {EWS_ERRORS, EwsError} from './soap.js'
import type {ExchangeStore} from './store.js'
import type {StreamingHub} from './streaming-hub.js'
import {attr, child, text, type XmlNode} from './xml.js'

export interface OperationContext {
  store: ExchangeStore
  hub: StreamingHub
  policy: ExchangePolicy
  /** The impersonated mailbox (ExchangeImpersonation header), already authorised. */
  impersonated?: ExMailbox
  request: FastifyRequest
  reply: FastifyReply
}

/** Returns the response body element, or undefined when the handler wrote the (streamed) reply itself. */
export type OperationHandler = (body: XmlNode, op: OperationContext) => string | undefined | Promise<string | undefined>

/**
 * The mailbox a folder reference acts on. The service account has no mailbox of its own: without
 * impersonation a distinguished folder needs a Mailbox (and then delegate rights the account lacks).
 * A folder of a mailbox the caller has no rights on is not found, as Exchange answers (see README).
 */
const DISTINGUISHED = new Set(['calendar', 'inbox', 'root', 'msgfolderroot', 'deleteditems', 'drafts', 'sentitems'])

export function folderMailbox(op: OperationContext, folderRef: XmlNode | undefined): ExMailbox {
  const explicit = text(child(child(folderRef, 'Mailbox'), 'EmailAddress'), undefined)
  const id = attr(folderRef, 'Id')
  const fromId = id && !DISTINGUISHED.has(id) ? decodeId(id) : undefined
  if (id && !DISTINGUISHED.has(id) && fromId?.kind !== 'folder') throw EWS_ERRORS.invalidIdMalformed()
  const named = explicit ?? fromId?.mailbox
  if (op.impersonated) {
    if (named && named.toLowerCase() !== op.impersonated.email) throw EWS_ERRORS.folderNotFound()
    return op.impersonated
  }
  if (!named) throw EWS_ERRORS.missingEmailAddress()
  if (!op.store.mailbox(named))
    throw new EwsError('ErrorNonExistentMailbox', 'The SMTP address has no mailbox associated with it.')
  throw EWS_ERRORS.folderNotFound()
}

/** Folder references are for the calendar only; other distinguished folders exist but hold no items here. */
export function requireCalendar(folderRef: XmlNode | undefined): void {
  const id = attr(folderRef, 'Id')
  if (!id) throw EWS_ERRORS.folderNotFound()
  const decoded = decodeId(id)
  if (id !== 'calendar' && !(decoded?.kind === 'folder' && decoded.folder === 'calendar'))
    throw EWS_ERRORS.folderNotFound()
}

/**
 * The mailbox owning an item id must be the one being acted on; an item of any other mailbox is not found
 * (the caller has no rights there), so its existence is not revealed either.
 */
export function itemMailbox(op: OperationContext, mailboxOfItem: string): ExMailbox {
  if (!op.impersonated || op.impersonated.email !== mailboxOfItem.toLowerCase()) throw EWS_ERRORS.itemNotFound()
  return op.impersonated
}

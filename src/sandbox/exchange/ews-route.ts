/**
 * /EWS/Exchange.asmx: SOAP envelope checks (RequestServerVersion, ExchangeImpersonation with rights and
 * management scope), dispatch to the operation handlers, faults and response messages as Exchange writes
 * them, and a request-log entry per call with the impersonated mailbox.
 */
import type {FastifyInstance, FastifyReply, FastifyRequest} from 'fastify'

import type {SandboxContext} from '../types.js'
import type {ExMailbox} from './model.js'
import type {OperationContext, OperationHandler} from './operation.js'
import {getUserAvailability, getUserOofSettings} from './ops-availability.js'
import {findItem} from './ops-find.js'
import {convertId, getFolder} from './ops-folder.js'
import {createItem, getItem, updateItem} from './ops-items.js'
import {getStreamingEvents, subscribe, unsubscribe} from './ops-streaming.js'
import {syncFolderItems} from './ops-sync.js'
import type {ExchangePolicy, ServerVersion} from './policy.js'
import {envelope, EWS_ERRORS, EwsError, faultEnvelope} from './soap.js'
import type {ExchangeStore} from './store.js'
import type {StreamingHub} from './streaming-hub.js'
import {attr, child, parseXml, text, XmlSyntaxError, type XmlNode} from './xml.js'

export const EWS_PATH = '/EWS/Exchange.asmx'

const OPERATIONS: Record<string, {name: string; handler: OperationHandler}> = {
  ConvertId: {name: 'ConvertId', handler: convertId},
  GetFolder: {name: 'GetFolder', handler: getFolder},
  FindItem: {name: 'FindItem', handler: findItem},
  GetItem: {name: 'GetItem', handler: getItem},
  UpdateItem: {name: 'UpdateItem', handler: updateItem},
  CreateItem: {name: 'CreateItem', handler: createItem},
  SyncFolderItems: {name: 'SyncFolderItems', handler: syncFolderItems},
  Subscribe: {name: 'Subscribe', handler: subscribe},
  GetStreamingEvents: {name: 'GetStreamingEvents', handler: getStreamingEvents},
  Unsubscribe: {name: 'Unsubscribe', handler: unsubscribe},
  GetUserOofSettingsRequest: {name: 'GetUserOofSettings', handler: getUserOofSettings},
  GetUserAvailabilityRequest: {name: 'GetUserAvailability', handler: getUserAvailability},
}

/** RequestServerVersion values of the schema, in order; this server accepts Exchange2010_SP2 and later. */
const VERSIONS = [
  'Exchange2007',
  'Exchange2007_SP1',
  'Exchange2010',
  'Exchange2010_SP1',
  'Exchange2010_SP2',
  'Exchange2013',
  'Exchange2013_SP1',
  'Exchange2015',
  'Exchange2016',
  'V2015_10_05',
  'V2016_01_06',
  'V2016_04_13',
  'V2016_07_13',
  'V2016_10_10',
  'V2017_01_07',
  'V2017_04_14',
  'V2017_07_11',
]
const MINIMUM_VERSION = VERSIONS.indexOf('Exchange2010_SP2')

export interface EwsRouteState {
  store: ExchangeStore
  hub: StreamingHub
  policy: ExchangePolicy
  ctx: SandboxContext
  /** Releases the caller's concurrency slot early (hanging streams use their own budget). */
  releaseSlot(request: FastifyRequest): void
}

function checkVersion(header: XmlNode | undefined): void {
  const requested = child(header, 'RequestServerVersion')
  if (!requested) throw EWS_ERRORS.invalidServerVersion()
  const version = attr(requested, 'Version') ?? ''
  const index = VERSIONS.indexOf(version)
  if (index < 0) {
    throw EWS_ERRORS.schemaValidation(
      `The 'Version' attribute is invalid - The value '${version}' is invalid according to its datatype 'http://schemas.microsoft.com/exchange/services/2006/types:ExchangeVersionType' - The Enumeration constraint failed.`,
    )
  }
  if (index < MINIMUM_VERSION) throw EWS_ERRORS.invalidServerVersion()
}

function impersonatedMailbox(header: XmlNode | undefined, state: EwsRouteState): ExMailbox | undefined {
  const sid = child(child(header, 'ExchangeImpersonation'), 'ConnectingSID')
  if (!sid) return undefined
  const address = text(sid, 'PrimarySmtpAddress') ?? text(sid, 'SmtpAddress') ?? text(sid, 'PrincipalName')
  if (!address) throw EWS_ERRORS.nonExistentMailbox(text(sid, 'SID') ?? '')
  const mailbox = state.store.mailbox(address.trim())
  if (!mailbox) throw EWS_ERRORS.nonExistentMailbox(address)
  const {enabled, scope} = state.policy.impersonation
  if (!enabled || (scope && !scope.includes(mailbox.email))) throw EWS_ERRORS.impersonateDenied()
  return mailbox
}

/** A fault as Exchange sends it; throttling faults (ErrorServerBusy) carry no ServerVersionInfo header. */
export function sendFault(reply: FastifyReply, error: EwsError, version: ServerVersion, status = 500): FastifyReply {
  return reply
    .code(status)
    .type('text/xml; charset=utf-8')
    .send(faultEnvelope(error, error.code === 'ErrorServerBusy' ? undefined : version))
}

export function registerEwsRoutes(app: FastifyInstance, state: EwsRouteState): void {
  const record = (request: FastifyRequest, status: number, operation: string, mailbox?: string) =>
    state.ctx.log.record({
      provider: 'exchange',
      method: request.method,
      path: request.url,
      status,
      operation,
      ...(mailbox ? {mailbox} : {}),
    })

  // An authenticated GET (e.g. the first NTLM leg of a client that probes) gets IIS's plain answer.
  app.get(EWS_PATH, async (_request, reply) =>
    reply.type('text/html').send('<html><body>You have created a service.</body></html>'),
  )

  app.post(EWS_PATH, async (request, reply) => {
    let operation = 'unknown'
    let mailbox: ExMailbox | undefined
    try {
      const raw = typeof request.body === 'string' ? request.body : ''
      const doc = parseXml(raw)
      const env = child(doc, 'Envelope')
      const header = child(env, 'Header')
      const body = child(env, 'Body')
      const rootName = body ? Object.keys(body).find((key) => !key.startsWith('@_') && key !== '#text') : undefined
      const entry = rootName ? OPERATIONS[rootName] : undefined
      operation = entry?.name ?? rootName ?? 'unknown'
      if (!env || !body || !entry || !rootName)
        throw EWS_ERRORS.invalidRequest('The request is not a supported EWS operation.')
      checkVersion(header)
      mailbox = impersonatedMailbox(header, state)
      if (operation === 'GetStreamingEvents') state.releaseSlot(request)
      const op: OperationContext = {
        store: state.store,
        hub: state.hub,
        policy: state.policy,
        impersonated: mailbox,
        request,
        reply,
      }
      const result = await entry.handler(child(body, rootName) ?? {}, op)
      record(request, 200, operation, mailbox?.email)
      if (result === undefined) return reply
      return reply.code(200).type('text/xml; charset=utf-8').send(envelope(result, state.policy.server))
    } catch (error) {
      const fault =
        error instanceof EwsError
          ? error
          : error instanceof XmlSyntaxError
            ? EWS_ERRORS.schemaValidation(`The request is not well-formed XML: ${error.message}`)
            : undefined
      if (!fault) throw error
      record(request, 500, operation, mailbox?.email)
      return sendFault(reply, fault, state.policy.server)
    }
  })
}

/** Subscribe (streaming), GetStreamingEvents (hanging response) and Unsubscribe. */
import {folderMailbox, type OperationHandler, requireCalendar} from './operation.js'
import {errorMessage, EWS_ERRORS, EwsError, responseMessages, successMessage} from './soap.js'
import {EVENT_TYPES, streamError} from './streaming-hub.js'
import {child, children, text} from './xml.js'

export const subscribe: OperationHandler = (body, op) => {
  const request = child(body, 'StreamingSubscriptionRequest')
  if (!request) {
    // Pull and push subscriptions exist in EWS but hcal (and this sandbox) use streaming only.
    return responseMessages('Subscribe', [
      errorMessage(
        'Subscribe',
        new EwsError(
          'ErrorInvalidSubscriptionRequest',
          'The subscription request is invalid: only streaming subscriptions are supported by this server.',
        ),
      ),
    ])
  }
  const eventTypes = children(child(request, 'EventTypes'), 'EventType').map((e) => text(e) ?? '')
  const unknown = eventTypes.find((type) => !(EVENT_TYPES as readonly string[]).includes(type))
  if (unknown !== undefined || eventTypes.length === 0) {
    throw EWS_ERRORS.schemaValidation(
      `The 'EventType' element is invalid - The value '${unknown ?? ''}' is invalid according to its datatype 'http://schemas.microsoft.com/exchange/services/2006/types:NotificationEventTypeType'.`,
    )
  }
  try {
    const folders = child(request, 'FolderIds')
    const ref = children(folders, 'DistinguishedFolderId')[0] ?? children(folders, 'FolderId')[0]
    const mailbox = folderMailbox(op, ref)
    requireCalendar(ref)
    const subscription = op.hub.subscribe(mailbox.email, eventTypes)
    return responseMessages('Subscribe', [
      successMessage('Subscribe', `<m:SubscriptionId>${subscription.id}</m:SubscriptionId>`),
    ])
  } catch (error) {
    if (error instanceof EwsError && !error.fault)
      return responseMessages('Subscribe', [errorMessage('Subscribe', error)])
    throw error
  }
}

export const unsubscribe: OperationHandler = (body, op) => {
  const id = text(body, 'SubscriptionId') ?? ''
  const subscription = op.hub.get(id)
  if (!subscription)
    return responseMessages('Unsubscribe', [errorMessage('Unsubscribe', EWS_ERRORS.subscriptionNotFound())])
  if (op.impersonated?.email !== subscription.mailbox)
    return responseMessages('Unsubscribe', [errorMessage('Unsubscribe', EWS_ERRORS.subscriptionAccessDenied())])
  op.hub.unsubscribe(id)
  return responseMessages('Unsubscribe', [successMessage('Unsubscribe')])
}

export const getStreamingEvents: OperationHandler = (body, op) => {
  const timeoutText = text(body, 'ConnectionTimeout') ?? ''
  const timeout = Number(timeoutText)
  if (!/^\d+$/.test(timeoutText) || timeout < 1 || timeout > 30) {
    throw EWS_ERRORS.schemaValidation(
      `The 'http://schemas.microsoft.com/exchange/services/2006/messages:ConnectionTimeout' element is invalid - The value '${timeoutText}' is invalid according to its datatype 'http://schemas.microsoft.com/exchange/services/2006/types:StreamingSubscriptionConnectionTimeoutType' - The ${timeout > 30 ? 'MaxInclusive' : 'MinInclusive'} constraint failed.`,
    )
  }
  const ids = children(child(body, 'SubscriptionIds'), 'SubscriptionId').map((node) => text(node) ?? '')
  if (ids.length === 0 || ids.length > 200)
    throw EWS_ERRORS.invalidRequest('Between 1 and 200 subscription ids are allowed.')
  const missing = ids.filter((id) => !op.hub.get(id))
  op.reply.hijack()
  const res = op.reply.raw
  const refuse = (error: EwsError, subscriptionIds?: string[]) => {
    res.writeHead(200, {'content-type': 'text/xml; charset=utf-8'})
    res.end(streamError(op.policy.server, error.code, error.message, subscriptionIds))
    return undefined
  }
  if (missing.length > 0) return refuse(EWS_ERRORS.subscriptionNotFound(), missing)
  if (op.hub.openConnections >= op.policy.throttling.maxStreamingConnections)
    return refuse(EWS_ERRORS.exceededConnectionCount())
  op.hub.open(
    res,
    ids.flatMap((id) => op.hub.get(id) ?? []),
    timeout,
  )
  return undefined
}

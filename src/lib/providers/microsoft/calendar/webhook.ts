/**
 * Reads what Graph posts to the watch listener (the notification and the lifecycle URL are the same URL):
 * - `?validationToken=...`: the handshake Graph makes before creating a subscription; the answer is the token,
 *   URL-decoded, as text/plain, within 10 s;
 * - `{"value": [...]}`: change notifications (→ `changed`) and lifecycle notifications (`lifecycleEvent`:
 *   reauthorizationRequired, missed, subscriptionRemoved → the port's signals).
 * Pure: the listener checks each notification's clientState and subscription afterwards. Anything else (bad
 * JSON, another shape, an unknown lifecycle event) is `invalid`, and none of the request is acted on.
 */
import type {PushNotification, PushSignal, WebhookReading, WebhookRequest} from '../../../ports/calendar.js'

const LIFECYCLE: Readonly<Record<string, PushSignal>> = {
  reauthorizationRequired: 'reauthorizationRequired',
  missed: 'missed',
  subscriptionRemoved: 'removed',
}
const CHANGE_TYPES = new Set(['created', 'updated', 'deleted'])

type Item = Record<string, unknown>

function isItem(value: unknown): value is Item {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** One entry of `value`, or why it is not one Graph sends. */
function readItem(item: unknown, index: number): PushNotification | string {
  if (!isItem(item)) return `value[${index}] is not an object`
  const {subscriptionId, clientState, lifecycleEvent, changeType} = item
  if (typeof subscriptionId !== 'string' || subscriptionId === '') return `value[${index}] has no subscriptionId`
  if (clientState !== undefined && clientState !== null && typeof clientState !== 'string')
    return `value[${index}].clientState is not a string`
  let signal: PushSignal | undefined
  if (lifecycleEvent !== undefined) {
    signal =
      typeof lifecycleEvent === 'string' && Object.hasOwn(LIFECYCLE, lifecycleEvent)
        ? LIFECYCLE[lifecycleEvent]
        : undefined
    if (!signal) return `value[${index}].lifecycleEvent "${String(lifecycleEvent)}" is unknown`
  } else if (typeof changeType === 'string' && CHANGE_TYPES.has(changeType)) {
    signal = 'changed'
  } else {
    return `value[${index}] has neither a lifecycleEvent nor a changeType of created, updated or deleted`
  }
  return {subscriptionId, ...(typeof clientState === 'string' ? {clientState} : {}), signal}
}

export function decodeGraphWebhook(request: WebhookRequest): WebhookReading {
  if (request.method !== 'POST') return {kind: 'invalid', reason: `method ${request.method} (Graph POSTs)`}
  let url: URL
  try {
    url = new URL(request.url, 'https://listener.invalid')
  } catch {
    return {kind: 'invalid', reason: 'the request URL cannot be read'}
  }
  // URLSearchParams decodes the token, as Graph asks ("URL-decoded").
  const token = url.searchParams.get('validationToken')
  if (token !== null) {
    return token === '' ? {kind: 'invalid', reason: 'empty validationToken'} : {kind: 'handshake', body: token}
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(request.body)
  } catch {
    return {kind: 'invalid', reason: 'the body is not JSON'}
  }
  const value = isItem(parsed) ? parsed.value : undefined
  if (!Array.isArray(value) || value.length === 0)
    return {kind: 'invalid', reason: 'the body has no "value" array of notifications'}
  const notifications: PushNotification[] = []
  for (const [index, item] of value.entries()) {
    const read = readItem(item, index)
    if (typeof read === 'string') return {kind: 'invalid', reason: read}
    notifications.push(read)
  }
  return {kind: 'notifications', notifications}
}

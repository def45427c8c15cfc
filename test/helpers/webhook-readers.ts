/**
 * Small real decoders of the two webhook shapes the listener serves, standing in for the adapters'
 * push.decodeWebhook until those land: Google channel notifications (everything in X-Goog-* headers, no
 * body) and Graph change/lifecycle notifications (JSON `value` array; `?validationToken=` handshake).
 */
import type {PushNotification, PushSignal, WebhookReading, WebhookRequest} from '../../src/lib/ports/calendar.js'

const GOOGLE_STATES: Record<string, PushSignal> = {sync: 'sync', exists: 'changed', not_exists: 'removed'}

export function readGoogleWebhook(request: WebhookRequest): WebhookReading {
  const id = request.headers['x-goog-channel-id']
  const signal = GOOGLE_STATES[request.headers['x-goog-resource-state'] ?? '']
  const number = Number(request.headers['x-goog-message-number'])
  if (!id || !signal || !Number.isSafeInteger(number)) return {kind: 'invalid', reason: 'not a Google channel message'}
  const token = request.headers['x-goog-channel-token']
  return {
    kind: 'notifications',
    notifications: [
      {subscriptionId: id, signal, sequence: number, ...(token === undefined ? {} : {clientState: token})},
    ],
  }
}

const GRAPH_LIFECYCLE: Record<string, PushSignal> = {
  reauthorizationRequired: 'reauthorizationRequired',
  missed: 'missed',
  subscriptionRemoved: 'removed',
}

export function readGraphWebhook(request: WebhookRequest): WebhookReading {
  const token = new URL(request.url, 'https://listener').searchParams.get('validationToken')
  if (token !== null) return {kind: 'handshake', body: token}
  let parsed: unknown
  try {
    parsed = JSON.parse(request.body)
  } catch {
    return {kind: 'invalid', reason: 'the body is not JSON'}
  }
  const value = (parsed as {value?: unknown}).value
  if (!Array.isArray(value)) return {kind: 'invalid', reason: 'no value array'}
  const notifications: PushNotification[] = []
  for (const item of value as Record<string, unknown>[]) {
    if (typeof item.subscriptionId !== 'string')
      return {kind: 'invalid', reason: 'a notification has no subscriptionId'}
    const lifecycle = typeof item.lifecycleEvent === 'string' ? GRAPH_LIFECYCLE[item.lifecycleEvent] : undefined
    notifications.push({
      subscriptionId: item.subscriptionId,
      signal: lifecycle ?? 'changed',
      ...(typeof item.clientState === 'string' ? {clientState: item.clientState} : {}),
    })
  }
  return {kind: 'notifications', notifications}
}

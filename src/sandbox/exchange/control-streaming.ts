/**
 * /_sandbox/exchange/streaming control routes: the timings of GetStreamingEvents connections, the
 * subscriptions the server holds (ground truth), and the failures a long-lived stream meets in production:
 * a subscription the server forgot, a connection that goes silent, a connection cut mid-stream.
 */
import type {FastifyInstance} from 'fastify'

import {ControlInputError} from './control-input.js'
import type {StreamingHub} from './streaming-hub.js'

function isCount(value: unknown, min: number): value is number {
  return Number.isInteger(value) && (value as number) >= min
}

export function registerStreamingControl(app: FastifyInstance, hub: StreamingHub): void {
  app.get('/streaming', async () => ({...hub.settings, openConnections: hub.openConnections}))
  app.put('/streaming', async (request) => {
    const input = (request.body ?? {}) as {keepAliveMs?: unknown; minuteMs?: unknown}
    const {keepAliveMs, minuteMs} = {...hub.settings, ...input}
    if (!isCount(keepAliveMs, 10) || !isCount(minuteMs, 10))
      throw new ControlInputError('invalid_settings', 'keepAliveMs and minuteMs must be integers >= 10.')
    Object.assign(hub.settings, {keepAliveMs, minuteMs})
    return hub.settings
  })

  app.get('/streaming/subscriptions', async () => ({subscriptions: hub.list()}))
  app.post('/streaming/subscriptions/expire', async (request) => {
    const mailbox = ((request.body ?? {}) as {mailbox?: unknown}).mailbox
    if (mailbox !== undefined && typeof mailbox !== 'string')
      throw new ControlInputError('invalid_request', 'mailbox must be an email address.')
    return {expired: hub.expire(mailbox?.toLowerCase())}
  })
  app.post('/streaming/connections/hang', async () => ({hung: hub.hang()}))
  app.post('/streaming/connections/cut', async () => ({cut: hub.cut()}))
}

/**
 * /_sandbox/exchange/ control routes: act as an end user (calendar items, out-of-office), read ground
 * truth, set impersonation rights and scope, throttling, streaming timings, and invalidate sync states.
 */
import type {FastifyInstance, FastifyReply} from 'fastify'

import type {ExAttendee, ExItem, ExMailbox} from './model.js'
import type {ExchangePolicy} from './policy.js'
import {ewsDate} from './render.js'
import type {ExchangeStore} from './store.js'
import type {StreamingHub} from './streaming-hub.js'

const PREFIX = '/_sandbox/exchange'

interface ItemBody {
  subject?: string
  location?: string
  body?: string
  bodyType?: 'HTML' | 'Text'
  start?: string
  end?: string
  attendees?: string[]
}

function fail(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.code(status).send({error: {code, message}})
}

function groundTruth(item: ExItem) {
  const person = (a: ExAttendee) => ({email: a.email, name: a.name, response: a.response})
  return {
    id: item.id,
    changeKey: item.changeKey,
    uid: item.uid,
    subject: item.subject,
    location: item.location,
    body: item.body,
    bodyType: item.bodyType,
    start: ewsDate(item.start),
    end: ewsDate(item.end),
    isAllDay: item.isAllDay,
    isCancelled: item.isCancelled,
    sensitivity: item.sensitivity,
    myResponse: item.myResponse,
    organizer: item.organizer,
    requiredAttendees: item.required.map(person),
    optionalAttendees: item.optional.map(person),
    resources: item.resources.map(person),
    recurrence: item.recurrence && {
      freq: item.recurrence.freq,
      interval: item.recurrence.interval,
      count: item.recurrence.count,
      overrides: Object.fromEntries(item.recurrence.overrides),
    },
    extendedProperties: [...(item.extended?.values() ?? [])],
  }
}

function parseTime(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const ms = Date.parse(value)
  return Number.isNaN(ms) ? Number.NaN : ms
}

export function registerControl(
  app: FastifyInstance,
  state: {store: ExchangeStore; policy: ExchangePolicy; hub: StreamingHub},
): void {
  const {store, policy, hub} = state
  const mailboxOf = (params: unknown, reply: FastifyReply): ExMailbox | undefined => {
    const mailbox = store.mailbox((params as {mailbox: string}).mailbox)
    if (!mailbox) fail(reply, 404, 'mailbox_not_found', 'No such mailbox in the Exchange sandbox.')
    return mailbox
  }

  app.get(`${PREFIX}/mailboxes/:mailbox/items`, async (request, reply) => {
    const mailbox = mailboxOf(request.params, reply)
    if (!mailbox) return reply
    return {mailbox: mailbox.email, items: [...mailbox.items.values()].map(groundTruth)}
  })

  app.get(`${PREFIX}/mailboxes/:mailbox/items/:id`, async (request, reply) => {
    const mailbox = mailboxOf(request.params, reply)
    if (!mailbox) return reply
    const item = mailbox.items.get((request.params as {id: string}).id)
    return item ? groundTruth(item) : fail(reply, 404, 'item_not_found', 'No such item in this mailbox.')
  })

  app.post(`${PREFIX}/mailboxes/:mailbox/items`, async (request, reply) => {
    const mailbox = mailboxOf(request.params, reply)
    if (!mailbox) return reply
    const inputs = (Array.isArray(request.body) ? request.body : [request.body]) as ItemBody[]
    const created: ExItem[] = []
    for (const input of inputs) {
      const start = parseTime(input?.start)
      const end = parseTime(input?.end)
      if (start === undefined || end === undefined || Number.isNaN(start) || Number.isNaN(end) || end < start) {
        return fail(reply, 400, 'invalid_item', 'start and end (ISO instants, end >= start) are required.')
      }
      created.push(
        store.create(mailbox, {
          uid: `SANDBOX-${Date.now().toString(36)}-${created.length}-${Math.random().toString(36).slice(2)}`,
          subject: input.subject ?? '',
          location: input.location ?? '',
          body: input.body ?? '',
          bodyType: input.bodyType ?? 'HTML',
          start,
          end,
          isAllDay: false,
          isCancelled: false,
          sensitivity: 'Normal',
          freeBusy: 'Busy',
          myResponse: 'Organizer',
          organizer: {email: mailbox.email, name: mailbox.displayName},
          required: (input.attendees ?? []).map((email) => ({
            email: email.toLowerCase(),
            name: email,
            response: 'NoResponseReceived',
          })),
          optional: [],
          resources: [],
        }),
      )
    }
    return reply.code(201).send({items: created.map(groundTruth)})
  })

  app.patch(`${PREFIX}/mailboxes/:mailbox/items/:id`, async (request, reply) => {
    const mailbox = mailboxOf(request.params, reply)
    if (!mailbox) return reply
    const item = mailbox.items.get((request.params as {id: string}).id)
    if (!item) return fail(reply, 404, 'item_not_found', 'No such item in this mailbox.')
    const input = (request.body ?? {}) as ItemBody
    const start = parseTime(input.start)
    const end = parseTime(input.end)
    if (Number.isNaN(start) || Number.isNaN(end))
      return fail(reply, 400, 'invalid_item', 'start and end must be ISO instants.')
    if (input.subject !== undefined) item.subject = input.subject
    if (input.location !== undefined) item.location = input.location
    if (input.body !== undefined) item.body = input.body
    if (input.bodyType !== undefined) item.bodyType = input.bodyType
    if (start !== undefined) item.start = start
    if (end !== undefined) item.end = end
    store.touch(mailbox, item)
    return groundTruth(item)
  })

  app.delete(`${PREFIX}/mailboxes/:mailbox/items/:id`, async (request, reply) => {
    const mailbox = mailboxOf(request.params, reply)
    if (!mailbox) return reply
    const item = mailbox.items.get((request.params as {id: string}).id)
    if (!item) return fail(reply, 404, 'item_not_found', 'No such item in this mailbox.')
    store.remove(mailbox, item)
    return reply.code(204).send()
  })

  app.put(`${PREFIX}/mailboxes/:mailbox/oof`, async (request, reply) => {
    const mailbox = mailboxOf(request.params, reply)
    if (!mailbox) return reply
    const input = (request.body ?? {}) as {
      state?: string
      start?: string
      end?: string
      internalReply?: string
      externalReply?: string
    }
    if (input.state !== 'Enabled' && input.state !== 'Disabled' && input.state !== 'Scheduled') {
      return fail(reply, 400, 'invalid_oof', 'state must be Enabled, Disabled or Scheduled.')
    }
    mailbox.oof = {
      state: input.state,
      start: input.start,
      end: input.end,
      internalReply: input.internalReply ?? '',
      externalReply: input.externalReply ?? input.internalReply ?? '',
    }
    return mailbox.oof
  })

  app.get(`${PREFIX}/impersonation`, async () => policy.impersonation)
  app.put(`${PREFIX}/impersonation`, async (request, reply) => {
    const input = (request.body ?? {}) as {enabled?: unknown; scope?: unknown}
    const scope = input.scope
    if (
      typeof input.enabled !== 'boolean' ||
      !(scope === null || scope === undefined || (Array.isArray(scope) && scope.every((s) => typeof s === 'string')))
    ) {
      return fail(reply, 400, 'invalid_policy', 'Expected {enabled: boolean, scope?: string[] | null}.')
    }
    policy.impersonation = {
      enabled: input.enabled,
      scope: Array.isArray(scope) ? scope.map((s: string) => s.toLowerCase()) : null,
    }
    return policy.impersonation
  })

  app.get(`${PREFIX}/throttling`, async () => policy.throttling)
  app.put(`${PREFIX}/throttling`, async (request, reply) => {
    const input = (request.body ?? {}) as {maxConcurrency?: unknown; backOffMs?: unknown}
    const max = input.maxConcurrency ?? policy.throttling.maxConcurrency
    const backOff = input.backOffMs ?? policy.throttling.backOffMs
    if (!Number.isInteger(max) || (max as number) < 1 || !Number.isInteger(backOff) || (backOff as number) < 0) {
      return fail(reply, 400, 'invalid_policy', 'maxConcurrency must be an integer >= 1 and backOffMs an integer >= 0.')
    }
    policy.throttling = {maxConcurrency: max as number, backOffMs: backOff as number}
    return policy.throttling
  })

  app.get(`${PREFIX}/streaming`, async () => hub.settings)
  app.put(`${PREFIX}/streaming`, async (request, reply) => {
    const input = (request.body ?? {}) as {keepAliveMs?: unknown; minuteMs?: unknown}
    const keepAlive = input.keepAliveMs ?? hub.settings.keepAliveMs
    const minute = input.minuteMs ?? hub.settings.minuteMs
    if (
      !Number.isInteger(keepAlive) ||
      (keepAlive as number) < 10 ||
      !Number.isInteger(minute) ||
      (minute as number) < 10
    ) {
      return fail(reply, 400, 'invalid_settings', 'keepAliveMs and minuteMs must be integers >= 10.')
    }
    hub.settings.keepAliveMs = keepAlive as number
    hub.settings.minuteMs = minute as number
    return hub.settings
  })

  app.post(`${PREFIX}/sync-states/invalidate`, async (request) => {
    const only = ((request.body ?? {}) as {mailbox?: string}).mailbox?.toLowerCase()
    let count = 0
    for (const mailbox of store.mailboxes.values()) {
      if (only && mailbox.email !== only) continue
      mailbox.syncGeneration += 1
      count += 1
    }
    return {invalidated: count}
  })
}

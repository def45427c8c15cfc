/**
 * /_sandbox/exchange/ control routes: act as an end user (calendar items, out-of-office), read ground
 * truth, set impersonation rights and scope, throttling, and invalidate sync states; streaming routes are in
 * control-streaming.ts.
 * Registered under CONTROL_PREFIX in their own scope: every error, even a body that is not JSON or an
 * unknown route, answers `{"error": {"code", "message"}}`.
 */
import type {FastifyError, FastifyInstance, FastifyReply} from 'fastify'

import type {ConcurrencyGate} from './concurrency-gate.js'
import {checkTimes, ControlInputError, readItemEdit, readOof, readServerVersion} from './control-input.js'
import {registerStreamingControl} from './control-streaming.js'
import type {ExAttendee, ExItem, ExMailbox, OccurrenceOverride} from './model.js'
import {occurrenceStart} from './recurrence.js'
import type {ExchangePolicy, ThrottlingPolicy} from './policy.js'
import {ewsDate} from './render.js'
import type {ExchangeStore} from './store.js'
import type {StreamingHub} from './streaming-hub.js'

export const CONTROL_PREFIX = '/_sandbox/exchange'

export interface ControlState {
  store: ExchangeStore
  policy: ExchangePolicy
  hub: StreamingHub
  gate: ConcurrencyGate
}

type MailboxParams = {Params: {mailbox: string}}
type ItemParams = {Params: {mailbox: string; id: string}}

function fail(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply.code(status).send({error: {code, message}})
}

/** Fastify's own errors (a body that is not JSON, an unsupported type) and bugs, in the control API's shape. */
function controlError(error: FastifyError, reply: FastifyReply): FastifyReply {
  if (error instanceof ControlInputError) return fail(reply, 400, error.code, error.message)
  const status = error.statusCode ?? 500
  if (status >= 500) return fail(reply, 500, 'internal_error', `The Exchange sandbox failed: ${error.message}`)
  return fail(reply, status, 'invalid_request', error.message)
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
      overrides: Object.fromEntries(
        [...item.recurrence.overrides].map(([index, o]) => [
          index,
          {...o, extended: o.extended && [...o.extended].map(([key, value]) => ({key, value}))},
        ]),
      ),
    },
    extendedProperties: [...(item.extended?.values() ?? [])],
  }
}

function isCount(value: unknown, min: number): value is number {
  return Number.isInteger(value) && (value as number) >= min
}

function newItem(mailbox: ExMailbox, edit: ReturnType<typeof readItemEdit>, start: number, end: number) {
  return {
    uid: `SANDBOX-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`,
    subject: edit.subject ?? '',
    location: edit.location ?? '',
    body: edit.body ?? '',
    bodyType: edit.bodyType ?? 'HTML',
    start,
    end,
    isAllDay: false,
    timeZone: mailbox.timeZone,
    isCancelled: false,
    sensitivity: 'Normal',
    freeBusy: 'Busy',
    myResponse: 'Organizer',
    organizer: {email: mailbox.email, name: mailbox.displayName},
    required: (edit.attendees ?? []).map((email) => ({
      email: email.toLowerCase(),
      name: email,
      response: 'NoResponseReceived',
    })),
    optional: [],
    resources: [],
    recurrence: edit.recurrence && {...edit.recurrence, overrides: new Map()},
  } satisfies Parameters<ExchangeStore['create']>[1]
}

/** An end user's edit of one occurrence: it becomes an exception (or is deleted from the series). */
function editOccurrence(item: ExItem, index: number, edit: ReturnType<typeof readItemEdit>): void {
  const recurrence = item.recurrence
  if (!recurrence) throw new ControlInputError('invalid_item', 'The item is not a recurring series.')
  if (!Number.isInteger(index) || index < 0 || index >= recurrence.count)
    throw new ControlInputError('invalid_item', `The series has occurrences 0..${recurrence.count - 1}.`)
  const override: OccurrenceOverride = {...(recurrence.overrides.get(index) ?? {version: 0})}
  if (override.cancelled) throw new ControlInputError('invalid_item', `Occurrence ${index} was deleted.`)
  const original = occurrenceStart(item, index)
  const start = edit.start ?? original + (override.startShiftMinutes ?? 0) * 60_000
  const length = override.durationMinutes === undefined ? item.end - item.start : override.durationMinutes * 60_000
  const end = edit.end ?? start + length
  checkTimes(start, end)
  if (edit.cancelled) override.cancelled = true
  if (edit.subject !== undefined) override.subject = edit.subject
  if (edit.location !== undefined) override.location = edit.location
  if (edit.body !== undefined) override.body = edit.body
  if (edit.start !== undefined || edit.end !== undefined) {
    override.startShiftMinutes = Math.round((start - original) / 60_000)
    override.durationMinutes = Math.round((end - start) / 60_000)
  }
  override.version += 1
  recurrence.overrides.set(index, override)
}

export function registerControl(app: FastifyInstance, state: ControlState): void {
  const {store, policy, hub, gate} = state
  app.setErrorHandler((error: FastifyError, _request, reply) => controlError(error, reply))
  app.setNotFoundHandler((request, reply) =>
    fail(reply, 404, 'route_not_found', `The Exchange sandbox has no control route ${request.method} ${request.url}.`),
  )

  const mailboxOf = (mailboxAddress: string, reply: FastifyReply): ExMailbox | undefined => {
    const mailbox = store.mailbox(mailboxAddress)
    if (!mailbox) fail(reply, 404, 'mailbox_not_found', `No mailbox ${mailboxAddress} in the Exchange sandbox.`)
    return mailbox
  }
  const itemOf = (mailbox: ExMailbox, id: string, reply: FastifyReply): ExItem | undefined => {
    const item = mailbox.items.get(id)
    if (!item) fail(reply, 404, 'item_not_found', `No item ${id} in ${mailbox.email}.`)
    return item
  }

  app.get<MailboxParams>('/mailboxes/:mailbox/items', async (request, reply) => {
    const mailbox = mailboxOf(request.params.mailbox, reply)
    if (!mailbox) return reply
    return {mailbox: mailbox.email, items: [...mailbox.items.values()].map(groundTruth)}
  })

  app.get<ItemParams>('/mailboxes/:mailbox/items/:id', async (request, reply) => {
    const mailbox = mailboxOf(request.params.mailbox, reply)
    const item = mailbox && itemOf(mailbox, request.params.id, reply)
    return item ? groundTruth(item) : reply
  })

  app.post<MailboxParams>('/mailboxes/:mailbox/items', async (request, reply) => {
    const mailbox = mailboxOf(request.params.mailbox, reply)
    if (!mailbox) return reply
    // Every item is checked before any is created: a bad one in a batch creates none.
    const edits = (Array.isArray(request.body) ? request.body : [request.body]).map((body: unknown) => {
      const edit = readItemEdit(body, {create: true})
      const {start = 0, end = 0} = edit
      checkTimes(start, end)
      return {edit, start, end}
    })
    const created = edits.map(({edit, start, end}) => store.create(mailbox, newItem(mailbox, edit, start, end)))
    return reply.code(201).send({items: created.map(groundTruth)})
  })

  app.patch<ItemParams>('/mailboxes/:mailbox/items/:id', async (request, reply) => {
    const mailbox = mailboxOf(request.params.mailbox, reply)
    const item = mailbox && itemOf(mailbox, request.params.id, reply)
    if (!mailbox || !item) return reply
    const edit = readItemEdit(request.body ?? {}, {create: false})
    if (edit.attendees !== undefined) return fail(reply, 400, 'invalid_item', 'attendees cannot be changed here.')
    checkTimes(edit.start ?? item.start, edit.end ?? item.end)
    if (edit.subject !== undefined) item.subject = edit.subject
    if (edit.location !== undefined) item.location = edit.location
    if (edit.body !== undefined) item.body = edit.body
    if (edit.bodyType !== undefined) item.bodyType = edit.bodyType
    if (edit.start !== undefined) item.start = edit.start
    if (edit.end !== undefined) item.end = edit.end
    if (edit.cancelled !== undefined) item.isCancelled = edit.cancelled
    store.touch(mailbox, item)
    return groundTruth(item)
  })

  app.patch<{Params: {mailbox: string; id: string; index: string}}>(
    '/mailboxes/:mailbox/items/:id/occurrences/:index',
    async (request, reply) => {
      const mailbox = mailboxOf(request.params.mailbox, reply)
      const item = mailbox && itemOf(mailbox, request.params.id, reply)
      if (!mailbox || !item) return reply
      const edit = readItemEdit(request.body ?? {}, {create: false})
      if (edit.attendees !== undefined) return fail(reply, 400, 'invalid_item', 'attendees cannot be changed here.')
      editOccurrence(item, Number(request.params.index), edit)
      store.touch(mailbox, item)
      return groundTruth(item)
    },
  )

  app.delete<ItemParams>('/mailboxes/:mailbox/items/:id', async (request, reply) => {
    const mailbox = mailboxOf(request.params.mailbox, reply)
    const item = mailbox && itemOf(mailbox, request.params.id, reply)
    if (!mailbox || !item) return reply
    store.remove(mailbox, item)
    return reply.code(204).send()
  })

  app.put<MailboxParams>('/mailboxes/:mailbox/oof', async (request, reply) => {
    const mailbox = mailboxOf(request.params.mailbox, reply)
    if (!mailbox) return reply
    mailbox.oof = readOof(request.body)
    return mailbox.oof
  })

  app.get('/impersonation', async () => policy.impersonation)
  app.put('/impersonation', async (request, reply) => {
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

  const serverView = () => {
    const v = policy.server
    return {version: `${v.major}.${v.minor}.${v.build}.${v.minorBuild}`, schema: v.schema}
  }
  app.get('/server', async () => serverView())
  app.put('/server', async (request) => {
    policy.server = readServerVersion(request.body)
    return serverView()
  })

  app.get('/throttling', async () => ({...policy.throttling, inFlight: gate.inFlight}))
  app.put('/throttling', async (request, reply) => {
    const input = (request.body ?? {}) as Partial<Record<keyof ThrottlingPolicy, unknown>>
    const {maxConcurrency, maxStreamingConnections, backOffMs} = {...policy.throttling, ...input}
    if (!isCount(maxConcurrency, 1) || !isCount(maxStreamingConnections, 1) || !isCount(backOffMs, 0)) {
      return fail(
        reply,
        400,
        'invalid_policy',
        'maxConcurrency and maxStreamingConnections must be integers >= 1, backOffMs an integer >= 0.',
      )
    }
    policy.throttling = {maxConcurrency, maxStreamingConnections, backOffMs}
    return policy.throttling
  })

  registerStreamingControl(app, hub)

  app.post('/sync-states/invalidate', async (request, reply) => {
    const only = ((request.body ?? {}) as {mailbox?: unknown}).mailbox
    if (only !== undefined && typeof only !== 'string')
      return fail(reply, 400, 'invalid_request', 'mailbox must be an email address.')
    const targets = only === undefined ? [...store.mailboxes.values()] : [mailboxOf(only, reply)]
    if (targets.includes(undefined)) return reply
    for (const mailbox of targets) if (mailbox) mailbox.syncGeneration += 1
    return {invalidated: targets.length}
  })
}

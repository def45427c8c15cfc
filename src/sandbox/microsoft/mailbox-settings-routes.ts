/** Graph `/users/{id}/mailboxSettings`: automatic replies, language and time zone (GET and PATCH). */
import type {FastifyInstance, FastifyReply, FastifyRequest} from 'fastify'

import {enumValueNotFound, GraphInputError, graphInstant} from './event-input.js'
import {handleInputError} from './events-routes.js'
import type {GraphGate} from './graph-auth.js'
import type {AutomaticRepliesSetting, Mailbox} from './model.js'
import {setOperation} from './request-log.js'
import {ianaZone, formatGraphDateTime} from './time.js'

/** Writable in Graph, but not by the sandbox (a 501 rather than a silent no-op). */
const NOT_EMULATED = new Set(['workingHours', 'dateFormat', 'timeFormat', 'delegateMeetingMessageDeliveryOptions'])
const STATUSES = new Set(['disabled', 'alwaysEnabled', 'scheduled'])
const AUDIENCES = new Set(['none', 'contactsOnly', 'all'])
const REPLY_KEYS = new Set([
  'status',
  'externalAudience',
  'scheduledStartDateTime',
  'scheduledEndDateTime',
  'internalReplyMessage',
  'externalReplyMessage',
])

function isSupportedLocale(locale: string): boolean {
  try {
    return Intl.DateTimeFormat.supportedLocalesOf([locale]).length > 0
  } catch {
    // Not a BCP 47 tag at all (RangeError).
    return false
  }
}

function languageDisplayName(locale: string): string {
  try {
    return new Intl.DisplayNames(['en'], {type: 'language', languageDisplay: 'standard'}).of(locale) ?? locale
  } catch {
    return locale
  }
}

function language(mailbox: Mailbox): {locale: string; displayName: string} {
  return {locale: mailbox.locale, displayName: languageDisplayName(mailbox.locale)}
}

export function renderMailboxSettings(mailbox: Mailbox, origin: string, user: string): Record<string, unknown> {
  return {
    '@odata.context': `${origin}/v1.0/$metadata#users('${encodeURIComponent(user)}')/mailboxSettings`,
    archiveFolder: `AAMkAD${mailbox.id.replace(/-/g, '').slice(0, 16)}AAA=`,
    timeZone: mailbox.timeZone,
    delegateMeetingMessageDeliveryOptions: 'sendToDelegateOnly',
    dateFormat: 'yyyy-MM-dd',
    timeFormat: 'HH:mm',
    userPurpose: mailbox.kind === 'room' ? 'room' : 'user',
    automaticRepliesSetting: {...mailbox.automaticReplies},
    language: language(mailbox),
    workingHours: {
      daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
      startTime: '08:00:00.0000000',
      endTime: '17:00:00.0000000',
      timeZone: {name: mailbox.timeZone},
    },
  }
}

/** Applies a mailboxSettings PATCH body (validated before anything changes); returns what changed. */
export function applyMailboxSettings(mailbox: Mailbox, rawBody: unknown): Record<string, unknown> {
  if (!rawBody || typeof rawBody !== 'object')
    throw new GraphInputError('BadRequest', 'Empty Payload. JSON content expected.')
  const body = rawBody as Record<string, unknown>
  const changed: Record<string, unknown> = {}
  const replies: AutomaticRepliesSetting = {...mailbox.automaticReplies}
  let locale = mailbox.locale
  let timeZone = mailbox.timeZone
  for (const [key, value] of Object.entries(body)) {
    if (key.startsWith('@odata.')) continue
    if (key === 'automaticRepliesSetting') {
      const patch = (value ?? {}) as Record<string, unknown>
      for (const [field, fieldValue] of Object.entries(patch)) {
        if (!REPLY_KEYS.has(field))
          throw new GraphInputError(
            'RequestBodyRead',
            `The property '${field}' does not exist on type 'microsoft.graph.automaticRepliesSetting'.`,
          )
        if (field === 'status' && !STATUSES.has(String(fieldValue))) throw enumValueNotFound(fieldValue)
        if (field === 'externalAudience' && !AUDIENCES.has(String(fieldValue))) throw enumValueNotFound(fieldValue)
        if (field === 'scheduledStartDateTime' || field === 'scheduledEndDateTime') {
          replies[field] = formatGraphDateTime(graphInstant(fieldValue, field))
        } else {
          ;(replies as unknown as Record<string, unknown>)[field] = String(fieldValue)
        }
      }
      if (
        replies.status === 'scheduled' &&
        Date.parse(`${replies.scheduledEndDateTime.dateTime}Z`) <=
          Date.parse(`${replies.scheduledStartDateTime.dateTime}Z`)
      ) {
        throw new GraphInputError(
          'ErrorInvalidScheduledOofDuration',
          'The scheduled end time must be after the start time.',
        )
      }
      changed.automaticRepliesSetting = replies
    } else if (key === 'language') {
      const requested = (value as {locale?: unknown} | null)?.locale
      if (typeof requested !== 'string' || !isSupportedLocale(requested)) {
        throw new GraphInputError('ErrorInvalidArgument', `The culture '${String(requested)}' is not supported.`)
      }
      locale = requested
    } else if (key === 'timeZone') {
      // The wording Graph documents for an invalid mailbox time zone (user-update-mailboxsettings, Errors).
      if (typeof value !== 'string' || !ianaZone(value))
        throw new GraphInputError('InvalidTimeZone', 'Time Zone settings provided are invalid.')
      timeZone = value
      changed.timeZone = value
    } else if (NOT_EMULATED.has(key)) {
      throw new GraphInputError('NotImplemented', `The sandbox does not change mailboxSettings.${key}.`, 501)
    } else {
      throw new GraphInputError(
        'RequestBodyRead',
        `The property '${key}' does not exist on type 'microsoft.graph.mailboxSettings'.`,
      )
    }
  }
  mailbox.automaticReplies = replies
  mailbox.locale = locale
  mailbox.timeZone = timeZone
  if ('language' in body) changed.language = language(mailbox)
  return changed
}

export function registerMailboxSettingsRoutes(app: FastifyInstance, origin: string, gate: GraphGate): void {
  type UserRequest = FastifyRequest<{Params: {user: string}}>
  app.get('/users/:user/mailboxSettings', async (request: UserRequest, reply: FastifyReply) => {
    setOperation(request, 'mailboxSettings.get')
    const mailbox = await gate.mailbox(request, reply, request.params.user, 'MailboxSettings.Read')
    return mailbox ? renderMailboxSettings(mailbox, origin, request.params.user) : reply
  })
  app.get('/users/:user/mailboxSettings/automaticRepliesSetting', async (request: UserRequest, reply: FastifyReply) => {
    setOperation(request, 'mailboxSettings.get')
    const mailbox = await gate.mailbox(request, reply, request.params.user, 'MailboxSettings.Read')
    return mailbox ? {...mailbox.automaticReplies} : reply
  })
  app.patch('/users/:user/mailboxSettings', async (request: UserRequest, reply: FastifyReply) => {
    setOperation(request, 'mailboxSettings.update')
    const mailbox = await gate.mailbox(request, reply, request.params.user, 'MailboxSettings.ReadWrite')
    if (!mailbox) return reply
    try {
      const changed = applyMailboxSettings(mailbox, request.body)
      return {'@odata.context': `${origin}/v1.0/$metadata#Me/mailboxSettings`, ...changed}
    } catch (error) {
      return handleInputError(request, reply, error)
    }
  })
}

/** Calendar settings, ACL, freeBusy, channels.stop, and Gmail's vacation settings. */
import type {FastifyInstance, FastifyRequest} from 'fastify'

import type {ApiScope} from './api-scope.js'
import type {ChannelRegistry} from './channels.js'
import {apiErrors} from './errors.js'
import type {AclRule, Calendar} from './model.js'
import {occurrences} from './recurrence.js'
import {etagString} from './render.js'
import {METHOD_SCOPES} from './scopes.js'
import type {CalendarStore} from './store.js'

/** freeBusy writes instants without milliseconds, e.g. 2026-11-30T11:00:00Z. */
const rfc3339 = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')

const ROLES: ReadonlySet<string> = new Set(['none', 'freeBusyReader', 'reader', 'writer', 'owner'])
const SCOPE_TYPES: ReadonlySet<string> = new Set(['default', 'user', 'group', 'domain'])

function settingValue(calendar: Calendar, setting: string): string | undefined {
  switch (setting) {
    case 'locale':
      return calendar.locale
    case 'timezone':
      return calendar.timeZone
    case 'format24HourTime':
      return calendar.locale === 'en' ? 'false' : 'true'
    case 'weekStart':
      return calendar.locale === 'en' ? '0' : '1'
    case 'defaultEventLength':
      return '60'
    default:
      return undefined
  }
}

function busyIntervals(calendar: Calendar, from: number, to: number): {start: string; end: string}[] {
  const busy: [number, number][] = []
  for (const entry of calendar.entries.values()) {
    const meeting = entry.meeting
    if (entry.deleted || meeting.status === 'cancelled' || meeting.transparency === 'transparent') continue
    const self = meeting.attendees.find((attendee) => attendee.email === calendar.owner)
    if (self?.responseStatus === 'declined') continue
    for (const occurrence of occurrences(meeting)) {
      if (occurrence.override?.cancelled) continue
      if (occurrence.endMs <= from || occurrence.startMs >= to) continue
      busy.push([Math.max(occurrence.startMs, from), Math.min(occurrence.endMs, to)])
    }
  }
  busy.sort((a, b) => a[0] - b[0])
  const merged: [number, number][] = []
  for (const interval of busy) {
    const last = merged[merged.length - 1]
    if (last && interval[0] <= last[1]) last[1] = Math.max(last[1], interval[1])
    else merged.push([...interval])
  }
  return merged.map(([start, end]) => ({start: rfc3339(start), end: rfc3339(end)}))
}

export function registerMiscRoutes(
  app: FastifyInstance,
  deps: {api: ApiScope; store: CalendarStore; channels: ChannelRegistry; nextEtag: () => number},
): void {
  const {api, store, channels} = deps

  app.get('/calendar/v3/users/me/settings/:setting', async (request: FastifyRequest<{Params: {setting: string}}>) => {
    const caller = api.authorize(request, {
      operation: 'settings.get',
      scopes: METHOD_SCOPES.calendarSettings,
      rpcMethod: 'calendar.v3.Settings.Get',
      api: 'calendar',
    })
    const calendar = api.calendar(request, caller, 'primary', 'read')
    const value = settingValue(calendar, request.params.setting)
    if (value === undefined) throw apiErrors.notFound()
    return {kind: 'calendar#setting', etag: etagString(calendar.seq), id: request.params.setting, value}
  })

  app.post(
    '/calendar/v3/calendars/:calendarId/acl',
    async (request: FastifyRequest<{Params: {calendarId: string}; Body: Record<string, unknown> | undefined}>) => {
      const caller = api.authorize(request, {
        operation: 'acl.insert',
        scopes: METHOD_SCOPES.calendarAcl,
        rpcMethod: 'calendar.v3.Acl.Insert',
        api: 'calendar',
      })
      const calendar = api.calendar(request, caller, request.params.calendarId, 'read')
      if (calendar.owner !== caller.subject) throw apiErrors.ownerAccessRequired()
      const body = request.body ?? {}
      const scope = (body.scope ?? {}) as {type?: unknown; value?: unknown}
      if (typeof body.role !== 'string') throw apiErrors.required('role')
      if (!ROLES.has(body.role)) throw apiErrors.invalid('Invalid role value.')
      if (typeof scope.type !== 'string' || !SCOPE_TYPES.has(scope.type))
        throw apiErrors.invalid('Invalid scope type value.')
      if (scope.type !== 'default' && typeof scope.value !== 'string') throw apiErrors.required('scope value')
      if (scope.type === 'user' && typeof scope.value === 'string' && scope.value.toLowerCase() === calendar.owner) {
        throw apiErrors.cannotChangeOwnAcl()
      }
      const value = typeof scope.value === 'string' ? scope.value.toLowerCase() : undefined
      const id = scope.type === 'default' ? 'default' : `${scope.type}:${value}`
      const rule: AclRule = {
        id,
        role: body.role as AclRule['role'],
        scope: {type: scope.type as AclRule['scope']['type'], ...(value ? {value} : {})},
        etag: deps.nextEtag(),
      }
      calendar.acl.set(id, rule)
      return {kind: 'calendar#aclRule', etag: etagString(rule.etag), id, scope: rule.scope, role: rule.role}
    },
  )

  app.delete(
    '/calendar/v3/calendars/:calendarId/acl/:ruleId',
    async (request: FastifyRequest<{Params: {calendarId: string; ruleId: string}}>, reply) => {
      const caller = api.authorize(request, {
        operation: 'acl.delete',
        scopes: METHOD_SCOPES.calendarAcl,
        rpcMethod: 'calendar.v3.Acl.Delete',
        api: 'calendar',
      })
      const calendar = api.calendar(request, caller, request.params.calendarId, 'read')
      if (calendar.owner !== caller.subject) throw apiErrors.ownerAccessRequired()
      if (!calendar.acl.delete(request.params.ruleId)) throw apiErrors.notFound()
      return reply.code(204).send()
    },
  )

  app.post('/calendar/v3/freeBusy', async (request: FastifyRequest<{Body: Record<string, unknown> | undefined}>) => {
    const caller = api.authorize(request, {
      operation: 'freebusy.query',
      scopes: METHOD_SCOPES.freeBusy,
      rpcMethod: 'calendar.v3.Freebusy.Query',
      api: 'calendar',
    })
    if (!caller.subject) throw apiErrors.notFound()
    const body = request.body ?? {}
    const from = typeof body.timeMin === 'string' ? Date.parse(body.timeMin) : Number.NaN
    const to = typeof body.timeMax === 'string' ? Date.parse(body.timeMax) : Number.NaN
    if (Number.isNaN(from)) throw apiErrors.required('timeMin')
    if (Number.isNaN(to)) throw apiErrors.required('timeMax')
    if (to <= from) {
      throw apiErrors.timeRangeEmpty()
    }
    const items = Array.isArray(body.items) ? (body.items as {id?: unknown}[]) : []
    const calendars: Record<string, unknown> = {}
    const domain = caller.subject.split('@')[1]
    for (const item of items) {
      const requested = typeof item.id === 'string' ? item.id : ''
      const id = requested === 'primary' ? caller.subject : requested.toLowerCase()
      const calendar = store.calendars.get(id)
      // Free/busy is visible within the domain by default; other calendars report notFound per item.
      if (!calendar || calendar.owner.split('@')[1] !== domain) {
        calendars[requested] = {errors: [{domain: 'global', reason: 'notFound'}], busy: []}
        continue
      }
      api.actedOn(request, calendar.owner)
      calendars[requested] = {busy: busyIntervals(calendar, from, to)}
    }
    return {
      kind: 'calendar#freeBusy',
      timeMin: new Date(from).toISOString(),
      timeMax: new Date(to).toISOString(),
      calendars,
    }
  })

  app.post(
    '/calendar/v3/channels/stop',
    async (request: FastifyRequest<{Body: Record<string, unknown> | undefined}>, reply) => {
      api.authorize(request, {
        operation: 'channels.stop',
        scopes: METHOD_SCOPES.channelsStop,
        rpcMethod: 'calendar.v3.Channels.Stop',
        api: 'calendar',
      })
      const body = request.body ?? {}
      channels.stop(body.id, body.resourceId)
      return reply.code(204).send()
    },
  )

  app.get('/gmail/v1/users/:userId/settings/vacation', async (request: FastifyRequest<{Params: {userId: string}}>) => {
    const caller = api.authorize(request, {
      operation: 'users.settings.getVacation',
      scopes: METHOD_SCOPES.gmailVacationRead,
      rpcMethod: 'gmail.users.settings.getVacation',
      api: 'gmail',
    })
    if (!caller.subject) throw apiErrors.gmailPreconditionFailed()
    const userId = request.params.userId.toLowerCase()
    if (userId !== 'me' && userId !== caller.subject) throw apiErrors.gmailDelegationDenied(request.params.userId)
    const calendar = store.calendars.get(caller.subject)
    if (!calendar) throw apiErrors.gmailPreconditionFailed()
    api.actedOn(request, calendar.owner)
    const vacation = calendar.vacation
    return {
      enableAutoReply: vacation.enableAutoReply,
      responseSubject: vacation.responseSubject,
      responseBodyPlainText: vacation.responseBodyPlainText,
      ...(vacation.responseBodyHtml !== undefined ? {responseBodyHtml: vacation.responseBodyHtml} : {}),
      restrictToContacts: vacation.restrictToContacts,
      restrictToDomain: vacation.restrictToDomain,
      ...(vacation.startTime !== undefined ? {startTime: vacation.startTime} : {}),
      ...(vacation.endTime !== undefined ? {endTime: vacation.endTime} : {}),
    }
  })
}

import {controlOk, DAY, type MeetingEdit, type NewMeeting, type TruthEvent} from '../../helpers/sync-e2e.js'
import {describeSyncEndToEnd} from '../../helpers/sync-e2e-suite.js'
import type {UsersLab} from '../../helpers/users-lab.js'

interface Override {
  cancelled?: boolean
  startShiftMinutes?: number
  location?: string
  body?: string
}

interface ExchangeItem {
  id: string
  location?: string
  body?: string
  bodyType?: 'HTML' | 'Text'
  start?: string
  isCancelled?: boolean
  organizer?: {email?: string}
  recurrence?: {freq: 'DAILY' | 'WEEKLY'; interval: number; count: number; overrides: Record<string, Override>}
}

const itemsPath = (email: string) => `/_sandbox/exchange/mailboxes/${encodeURIComponent(email)}/items`
const itemPath = (email: string, id: string) => `${itemsPath(email)}/${encodeURIComponent(id)}`

function truth(item: ExchangeItem): TruthEvent {
  return {
    id: item.id,
    location: item.location ?? '',
    body: item.body ?? '',
    bodyType: item.bodyType === 'HTML' ? 'html' : 'text',
    organiser: item.organizer?.email?.toLowerCase() ?? '',
    start: Date.parse(item.start ?? ''),
    recurring: Boolean(item.recurrence),
    ...(item.recurrence ? {seriesId: item.id} : {}),
    cancelled: item.isCancelled === true,
  }
}

async function groundTruth(lab: UsersLab, email: string): Promise<ExchangeItem[]> {
  return (await controlOk<{items: ExchangeItem[]}>(lab, 'GET', itemsPath(email))).items
}

function newItem(meeting: NewMeeting): Record<string, unknown> {
  return {
    subject: meeting.title,
    location: meeting.location,
    body: meeting.body,
    bodyType: 'Text',
    start: meeting.start.toISOString(),
    end: meeting.end.toISOString(),
  }
}

function patchOf(edit: MeetingEdit): Record<string, unknown> {
  return {
    ...(edit.location !== undefined ? {location: edit.location} : {}),
    ...(edit.body !== undefined ? {body: edit.body} : {}),
    ...(edit.start ? {start: edit.start.toISOString()} : {}),
    ...(edit.end ? {end: edit.end.toISOString()} : {}),
  }
}

/** EWS operations that are not calendar reads or writes: discovery, settings, the session's own calls. */
const NOT_CALENDAR = /autodiscover|oof|mailtips|usersettings|authenticate|throttled|servertime|availability/i

describeSyncEndToEnd({
  id: 'exchange',
  async eventsOf(lab, email) {
    return (await groundTruth(lab, email)).map(truth)
  },
  async create(lab, email, meeting) {
    return (await controlOk<{items: ExchangeItem[]}>(lab, 'POST', itemsPath(email), newItem(meeting))).items[0]!.id
  },
  async createSeries(lab, email, meeting, count) {
    const created = await controlOk<{items: ExchangeItem[]}>(lab, 'POST', itemsPath(email), {
      ...newItem(meeting),
      recurrence: {freq: 'DAILY', count},
    })
    return created.items[0]!.id
  },
  // A series is one item; its occurrences are the rule's instances with the overrides laid over the master.
  async occurrencesOf(lab, email, seriesId) {
    const master = (await groundTruth(lab, email)).find((item) => item.id === seriesId)
    const rule = master?.recurrence
    if (!master || !rule) return []
    const step = (rule.freq === 'DAILY' ? DAY : 7 * DAY) * rule.interval
    return [...Array(rule.count).keys()].flatMap((index) => {
      const override = rule.overrides[String(index)] ?? {}
      if (override.cancelled) return []
      const start = Date.parse(master.start ?? '') + index * step + (override.startShiftMinutes ?? 0) * 60_000
      const key = String(index)
      return [
        {key, start, location: override.location ?? master.location ?? '', body: override.body ?? master.body ?? ''},
      ]
    })
  },
  async editOccurrence(lab, email, seriesId, key, edit) {
    await controlOk(lab, 'PATCH', `${itemPath(email, seriesId)}/occurrences/${key}`, patchOf(edit))
  },
  async edit(lab, email, id, edit) {
    await controlOk(lab, 'PATCH', itemPath(email, id), patchOf(edit))
  },
  async race(lab, email, id, edit) {
    await controlOk(lab, 'POST', `${itemPath(email, id)}/race`, patchOf(edit))
  },
  async cancel(lab, email, id) {
    await controlOk(lab, 'DELETE', itemPath(email, id))
  },
  async invalidateCursor(lab, email) {
    await controlOk(lab, 'POST', '/_sandbox/exchange/sync-states/invalidate', {mailbox: email})
  },
  attendeeCopiesFollow: true,
  isCalendarOperation: (operation) => !NOT_CALENDAR.test(operation),
  // EWS signs in with NTLM or Basic on every request: there is no access token whose lifetime could be cut.
})

import {controlOk, describeSyncEndToEnd, type TruthEvent} from '../../helpers/sync-e2e.js'

interface ExchangeItem {
  id: string
  location?: string
  body?: string
  start?: string
  isCancelled?: boolean
  organizer?: {email?: string}
  recurrence?: unknown
}

const itemsPath = (email: string) => `/_sandbox/exchange/mailboxes/${encodeURIComponent(email)}/items`

function truth(item: ExchangeItem): TruthEvent {
  return {
    id: item.id,
    location: item.location ?? '',
    body: item.body ?? '',
    organiser: item.organizer?.email?.toLowerCase() ?? '',
    start: Date.parse(item.start ?? ''),
    recurring: Boolean(item.recurrence),
    cancelled: item.isCancelled === true,
  }
}

/** EWS operations that are not calendar reads or writes: discovery, settings, the session's own calls. */
const NOT_CALENDAR = /autodiscover|oof|mailtips|usersettings|authenticate|throttled|servertime|availability/i

describeSyncEndToEnd({
  id: 'exchange',
  async eventsOf(lab, email) {
    return (await controlOk<{items: ExchangeItem[]}>(lab, 'GET', itemsPath(email))).items.map(truth)
  },
  async create(lab, email, meeting) {
    const created = await controlOk<{items: ExchangeItem[]}>(lab, 'POST', itemsPath(email), {
      subject: meeting.title,
      location: meeting.location,
      body: meeting.body,
      bodyType: 'Text',
      start: meeting.start.toISOString(),
      end: meeting.end.toISOString(),
    })
    return created.items[0]!.id
  },
  async setLocation(lab, email, id, location) {
    await controlOk(lab, 'PATCH', `${itemsPath(email)}/${encodeURIComponent(id)}`, {location})
  },
  async invalidateCursor(lab, email) {
    await controlOk(lab, 'POST', '/_sandbox/exchange/sync-states/invalidate', {mailbox: email})
  },
  attendeeCopiesFollow: true,
  isCalendarOperation: (operation) => !NOT_CALENDAR.test(operation),
})

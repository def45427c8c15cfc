/** Loads provider-neutral seed data as Exchange Online mailboxes: one copy of each meeting per mailbox. */
import type {SeedData, SeedMeeting, SeedOutOfOffice, SeedResponse} from '../types.js'
import {stableGuid, stableItemId} from './ids.js'
import type {AutomaticRepliesSetting, GraphResponseType, Mailbox, Recurrence, StoredEvent} from './model.js'
import type {MicrosoftStore} from './store.js'
import {formatGraphDateTime} from './time.js'

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday']

export function emptyMailbox(address: string, displayName: string, kind: 'user' | 'room'): Mailbox {
  return {
    id: stableGuid(`user:${address.toLowerCase()}`),
    address: address.toLowerCase(),
    displayName,
    kind,
    locale: 'en-US',
    timeZone: 'UTC',
    automaticReplies: automaticReplies(undefined),
    events: new Map(),
    seq: 0,
    tombstones: [],
  }
}

function automaticReplies(oof: SeedOutOfOffice | undefined): AutomaticRepliesSetting {
  const now = Date.now()
  const start = oof?.start ? Date.parse(oof.start) : now
  const end = oof?.end ? Date.parse(oof.end) : now + 86_400_000
  return {
    status: !oof?.enabled ? 'disabled' : oof.start || oof.end ? 'scheduled' : 'alwaysEnabled',
    externalAudience: 'all',
    scheduledStartDateTime: formatGraphDateTime(start),
    scheduledEndDateTime: formatGraphDateTime(end),
    internalReplyMessage: oof?.message ?? '',
    externalReplyMessage: oof?.message ?? '',
  }
}

function graphResponse(response: SeedResponse): GraphResponseType {
  if (response === 'accepted') return 'accepted'
  if (response === 'declined') return 'declined'
  if (response === 'tentative') return 'tentativelyAccepted'
  return 'notResponded'
}

function recurrenceOf(meeting: SeedMeeting, start: number): Recurrence | undefined {
  const rule = meeting.recurrence
  if (!rule) return undefined
  const startDate = new Date(start).toISOString().slice(0, 10)
  return {
    pattern:
      rule.freq === 'DAILY'
        ? {type: 'daily', interval: rule.interval ?? 1}
        : {
            type: 'weekly',
            interval: rule.interval ?? 1,
            daysOfWeek: [WEEKDAYS[new Date(start).getUTCDay()] ?? 'monday'],
          },
    range: {type: 'numbered', startDate, numberOfOccurrences: rule.count},
  }
}

function copyFor(meeting: SeedMeeting, owner: Mailbox, names: Map<string, string>): StoredEvent {
  const start = Date.parse(meeting.start)
  const isOrganizer = meeting.organizer.toLowerCase() === owner.address
  const own = meeting.attendees.find((a) => a.email.toLowerCase() === owner.address)
  const recurrence = recurrenceOf(meeting, start)
  const teams = meeting.conference?.solution === 'teamsForBusiness' ? meeting.conference.url : undefined
  const cancelled = meeting.status === 'cancelled'
  return {
    id: stableItemId(owner.address, meeting.uid),
    iCalUId: `040000008200E00074C5B7101A82E008${Buffer.from(meeting.uid).toString('hex').toUpperCase()}`,
    changeKey: '',
    createdAt: start - 7 * 86_400_000,
    modifiedAt: start - 7 * 86_400_000,
    seq: 0,
    type: recurrence ? 'seriesMaster' : 'singleInstance',
    recurrence,
    subject: cancelled && !isOrganizer ? `Canceled: ${meeting.title}` : meeting.title,
    bodyType: meeting.bodyType,
    body: meeting.body,
    location: meeting.location,
    start,
    end: Date.parse(meeting.end),
    isAllDay: meeting.allDay,
    isCancelled: cancelled,
    sensitivity: meeting.sensitivity === 'private' ? 'private' : 'normal',
    showAs: meeting.status === 'tentative' || own?.response === 'tentative' ? 'tentative' : 'busy',
    organizer: {address: meeting.organizer.toLowerCase(), name: names.get(meeting.organizer.toLowerCase()) ?? ''},
    attendees: meeting.attendees.map((a) => ({
      address: a.email.toLowerCase(),
      name: a.name ?? names.get(a.email.toLowerCase()) ?? '',
      type: a.isRoom ? 'resource' : 'required',
      response: a.response === 'needsAction' ? 'none' : graphResponse(a.response),
    })),
    isOrganizer,
    responseStatus: isOrganizer ? 'organizer' : graphResponse(own?.response ?? 'needsAction'),
    isOnlineMeeting: teams !== undefined,
    onlineMeetingProvider: teams ? 'teamsForBusiness' : 'unknown',
    joinUrl: teams,
    extended: new Map(),
  }
}

function applyExceptions(store: MicrosoftStore, mailbox: Mailbox, master: StoredEvent, meeting: SeedMeeting): void {
  const exceptions = meeting.recurrence?.exceptions
  if (!exceptions?.length) return
  const instances = store.instancesOf(mailbox, master.id)
  for (const exception of exceptions) {
    const instance = instances[exception.index]
    if (!instance) continue
    if (exception.cancelled) {
      mailbox.events.delete(instance.id)
      continue
    }
    const shift = (exception.startShiftMinutes ?? 0) * 60_000
    instance.type = 'exception'
    instance.start += shift
    instance.end += shift
    if (exception.title !== undefined) instance.subject = exception.title
    if (exception.location !== undefined) instance.location = exception.location
  }
}

export function seedStore(store: MicrosoftStore, data: SeedData): void {
  store.clear()
  const names = new Map<string, string>()
  for (const user of data.users) {
    const mailbox = emptyMailbox(user.email, user.displayName, 'user')
    mailbox.locale = user.locale
    mailbox.timeZone = user.timeZone
    mailbox.automaticReplies = automaticReplies(user.oof)
    store.addMailbox(mailbox)
    names.set(mailbox.address, user.displayName)
  }
  for (const room of data.rooms) {
    store.addMailbox(emptyMailbox(room.email, room.displayName, 'room'))
    names.set(room.email.toLowerCase(), room.displayName)
  }
  for (const meeting of data.meetings) {
    const owners = new Set([meeting.organizer, ...meeting.attendees.map((a) => a.email)].map((a) => a.toLowerCase()))
    for (const owner of owners) {
      const mailbox = store.resolve(owner)
      if (!mailbox) continue
      const event = store.insert(mailbox, copyFor(meeting, mailbox, names), true)
      if (event.type === 'seriesMaster') applyExceptions(store, mailbox, event, meeting)
    }
  }
}

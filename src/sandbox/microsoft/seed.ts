/** Loads provider-neutral seed data as Exchange Online mailboxes: one copy of each meeting per mailbox. */
import type {SeedData, SeedMeeting, SeedOutOfOffice, SeedResponse} from '../types.js'
import {stableGuid, stableItemId} from './ids.js'
import {
  cloneEvent,
  type AutomaticRepliesSetting,
  type GraphResponseType,
  type Mailbox,
  type Recurrence,
  type StoredEvent,
} from './model.js'
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

/** The parts of a meeting every copy shares (attendees, organizer, recurrence are shared, never mutated). */
function templateOf(meeting: SeedMeeting, names: Map<string, string>): StoredEvent {
  const start = Date.parse(meeting.start)
  const recurrence = recurrenceOf(meeting, start)
  const teams = meeting.conference?.solution === 'teamsForBusiness' ? meeting.conference.url : undefined
  const organizer = meeting.organizer.toLowerCase()
  return cloneEvent({
    id: '',
    iCalUId: `040000008200E00074C5B7101A82E008${Buffer.from(meeting.uid).toString('hex').toUpperCase()}`,
    changeKey: '',
    createdAt: start - 7 * 86_400_000,
    modifiedAt: start - 7 * 86_400_000,
    seq: 0,
    type: recurrence ? 'seriesMaster' : 'singleInstance',
    recurrence,
    subject: meeting.title,
    bodyType: meeting.bodyType,
    body: meeting.body,
    location: meeting.location,
    start,
    end: Date.parse(meeting.end),
    isAllDay: meeting.allDay,
    isCancelled: meeting.status === 'cancelled',
    sensitivity: meeting.sensitivity === 'private' ? 'private' : 'normal',
    showAs: meeting.status === 'tentative' ? 'tentative' : 'busy',
    organizer: {address: organizer, name: names.get(organizer) ?? ''},
    attendees: meeting.attendees.map((a) => ({
      address: a.email.toLowerCase(),
      name: a.name ?? names.get(a.email.toLowerCase()) ?? '',
      type: a.isRoom ? 'resource' : 'required',
      response: a.response === 'needsAction' ? 'none' : graphResponse(a.response),
    })),
    isOrganizer: true,
    responseStatus: 'organizer',
    isOnlineMeeting: teams !== undefined,
    onlineMeetingProvider: teams ? 'teamsForBusiness' : 'unknown',
    joinUrl: teams,
  })
}

/** One mailbox's copy: its own id, and the owner's view (organizer or attendee with a response). */
function copyFor(template: StoredEvent, meeting: SeedMeeting, owner: Mailbox): StoredEvent {
  const copy = cloneEvent(template)
  copy.id = stableItemId(owner.address, meeting.uid)
  copy.isOrganizer = template.organizer.address === owner.address
  if (!copy.isOrganizer) {
    const own = meeting.attendees.find((a) => a.email.toLowerCase() === owner.address)
    copy.responseStatus = graphResponse(own?.response ?? 'needsAction')
    if (own?.response === 'tentative') copy.showAs = 'tentative'
    if (copy.isCancelled) copy.subject = `Canceled: ${meeting.title}`
  }
  return copy
}

function applyExceptions(mailbox: Mailbox, instances: StoredEvent[], meeting: SeedMeeting): void {
  const exceptions = meeting.recurrence?.exceptions
  if (!exceptions?.length) return
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
    const organizer = store.mailboxes.get(meeting.organizer.toLowerCase())
    if (organizer) (organizer.unseeded ??= []).push(meeting)
    for (const attendee of meeting.attendees) {
      const mailbox = store.mailboxes.get(attendee.email.toLowerCase())
      if (mailbox && mailbox !== organizer && mailbox.unseeded?.at(-1) !== meeting)
        (mailbox.unseeded ??= []).push(meeting)
    }
  }
  // One template per meeting, shared by its copies, built when the first of its mailboxes is used.
  const templates = new WeakMap<SeedMeeting, StoredEvent>()
  store.seedLoader = (mailbox) => {
    const unseeded = mailbox.unseeded ?? []
    mailbox.unseeded = undefined
    for (const meeting of unseeded) {
      let template = templates.get(meeting)
      if (!template) {
        template = templateOf(meeting, names)
        templates.set(meeting, template)
      }
      const instances = store.insert(mailbox, copyFor(template, meeting, mailbox), true)
      applyExceptions(mailbox, instances, meeting)
    }
  }
}

/**
 * The Google emulator's calendars. Each meeting is stored once; every calendar that holds it (organiser,
 * attendee users and rooms) keeps a light entry with its own etag, private properties and change number.
 * A change to a meeting bumps every holder's change sequence, which is what sync tokens and push channels
 * follow.
 */
import {ArmedEdits} from '../host/armed-edits.js'
import {randomBytes} from 'node:crypto'

import type {SeedData, SeedMeeting, SeedUser} from '../types.js'
import type {Calendar, CalendarEntry, InstanceOverride, Meeting, StoredAttendee, Vacation} from './model.js'
import {stepMs} from './recurrence.js'

const BASE32HEX = '0123456789abcdefghijklmnopqrstuv'

function emptyVacation(): Vacation {
  return {
    enableAutoReply: false,
    responseSubject: '',
    responseBodyPlainText: '',
    restrictToContacts: false,
    restrictToDomain: false,
  }
}

/** 'en-US' -> 'en', 'en-GB' -> 'en_GB', 'de-DE' -> 'de' (the values Calendar's locale setting uses). */
export function calendarLocale(bcp47: string): string {
  const [language = 'en', region] = bcp47.split('-')
  if (language === 'en' && region === 'GB') return 'en_GB'
  if (language === 'zh' && region) return `zh_${region}`
  if (language === 'pt' && region === 'BR') return 'pt_BR'
  return language.toLowerCase()
}

export type ChangeListener = (calendar: Calendar) => void

export class CalendarStore {
  readonly calendars = new Map<string, Calendar>()
  domain = 'example.test'
  private etagCounter = Date.now() * 1000
  private idCounter = 0
  private readonly idPrefix = Array.from(randomBytes(6), (byte) => BASE32HEX[byte % 32]).join('')
  private readonly listeners: ChangeListener[] = []
  /** End-user edits armed to land just before the next API write of an event (control API `race`). */
  readonly races = new ArmedEdits()

  onChange(listener: ChangeListener): void {
    this.listeners.push(listener)
  }

  nextEtag(): number {
    return ++this.etagCounter
  }

  /** Event ids use base32hex characters (a-v, 0-9) like Calendar's. */
  newEventId(): string {
    return `${this.idPrefix}${(++this.idCounter).toString(32).padStart(10, '0')}`
  }

  isUser(email: string): boolean {
    const calendar = this.calendars.get(email)
    return calendar !== undefined && !calendar.isRoom
  }

  addCalendar(
    owner: string,
    displayName: string,
    options: {isRoom: boolean; timeZone: string; locale: string},
  ): Calendar {
    const calendar: Calendar = {
      owner,
      displayName,
      isRoom: options.isRoom,
      timeZone: options.timeZone,
      locale: options.locale,
      entries: new Map(),
      seq: 1,
      syncEpoch: 1,
      acl: new Map(),
      vacation: emptyVacation(),
    }
    this.calendars.set(owner, calendar)
    return calendar
  }

  seed(data: SeedData): void {
    this.domain = data.domain
    for (const user of data.users) this.seedUser(user)
    for (const room of data.rooms) {
      const calendar = this.addCalendar(room.email.toLowerCase(), room.displayName, {
        isRoom: true,
        timeZone: 'UTC',
        locale: 'en',
      })
      // Workspace shares resource calendars with the whole organisation (event details), as the Admin
      // console's default for resources does: a domain user reads a room's calendar.
      const ruleId = `domain:${data.domain}`
      calendar.acl.set(ruleId, {id: ruleId, role: 'reader', scope: {type: 'domain', value: data.domain}, etag: 1})
    }
    for (const meeting of data.meetings) this.seedMeeting(meeting)
  }

  private seedUser(user: SeedUser): void {
    const calendar = this.addCalendar(user.email.toLowerCase(), user.displayName, {
      isRoom: false,
      timeZone: user.timeZone,
      locale: calendarLocale(user.locale),
    })
    if (user.oof) {
      calendar.vacation = {
        ...emptyVacation(),
        enableAutoReply: user.oof.enabled,
        responseSubject: 'Out of office',
        responseBodyPlainText: user.oof.message,
        ...(user.oof.start ? {startTime: String(Date.parse(user.oof.start))} : {}),
        ...(user.oof.end ? {endTime: String(Date.parse(user.oof.end))} : {}),
      }
    }
  }

  /** Hot path (hundreds of thousands of calls): plain assignments, no spreads or closures. */
  private seedMeeting(seed: SeedMeeting): void {
    const organizer = seed.organizer.toLowerCase()
    const now = Date.now()
    const attendees: StoredAttendee[] = []
    let organizerListed = false
    for (const given of seed.attendees) {
      const attendee: StoredAttendee = {email: given.email.toLowerCase(), responseStatus: given.response}
      if (given.name) attendee.displayName = given.name
      if (given.isRoom) attendee.resource = true
      if (attendee.email === organizer) organizerListed = true
      attendees.push(attendee)
    }
    if (attendees.length > 0 && !organizerListed) attendees.unshift({email: organizer, responseStatus: 'accepted'})
    const id = this.newEventId()
    const meeting: Meeting = {
      id,
      iCalUID: `${id}@google.com`,
      organizer,
      summary: seed.title,
      description: seed.body,
      location: seed.location,
      startMs: Date.parse(seed.start),
      endMs: Date.parse(seed.end),
      allDay: seed.allDay,
      timeZone: this.calendars.get(organizer)?.timeZone ?? 'UTC',
      status: seed.status,
      visibility: seed.sensitivity === 'private' ? 'private' : 'default',
      transparency: 'opaque',
      attendees,
      sequence: 0,
      createdMs: now,
      updatedMs: now,
    }
    if (seed.recurrence) this.seedRecurrence(meeting, seed.recurrence, now)
    if (seed.conference) meeting.conferenceData = seedConference(seed.conference)
    // One entry object for every holder until one of them changes (see CalendarEntry.shared).
    const entry: CalendarEntry = {
      meeting,
      changeSeq: 0,
      etag: this.nextEtag(),
      updatedMs: now,
      deleted: false,
      shared: true,
    }
    this.calendars.get(organizer)?.entries.set(id, entry)
    for (const attendee of attendees) this.calendars.get(attendee.email)?.entries.set(id, entry)
  }

  private seedRecurrence(meeting: Meeting, recurrence: NonNullable<SeedMeeting['recurrence']>, now: number): void {
    meeting.recurrence = {freq: recurrence.freq, interval: recurrence.interval ?? 1, count: recurrence.count}
    const step = stepMs(meeting.recurrence)
    const duration = meeting.endMs - meeting.startMs
    const exceptions = new Map<number, InstanceOverride>()
    for (const exception of recurrence.exceptions ?? []) {
      const originalStartMs = meeting.startMs + exception.index * step
      const override: InstanceOverride = {updatedMs: now}
      if (exception.cancelled) override.cancelled = true
      if (exception.startShiftMinutes) {
        override.startMs = originalStartMs + exception.startShiftMinutes * 60_000
        override.endMs = override.startMs + duration
      }
      if (exception.title !== undefined) override.summary = exception.title
      if (exception.location !== undefined) override.location = exception.location
      exceptions.set(originalStartMs, override)
    }
    if (exceptions.size > 0) meeting.exceptions = exceptions
  }

  /** Gives `owner`'s calendar an entry for the meeting (no-op when it has one or is not ours). */
  attach(meeting: Meeting, owner: string, now = Date.now()): CalendarEntry | undefined {
    const calendar = this.calendars.get(owner)
    if (!calendar) return undefined
    const existing = calendar.entries.get(meeting.id)
    if (existing && !existing.deleted) return existing
    calendar.seq++
    const entry: CalendarEntry = {
      meeting,
      privateProperties: existing?.privateProperties,
      changeSeq: calendar.seq,
      etag: this.nextEtag(),
      updatedMs: now,
      deleted: false,
      shared: false,
    }
    calendar.entries.set(meeting.id, entry)
    return entry
  }

  /** This calendar's own entry object (a shared seed entry is copied first). */
  own(calendar: Calendar, entry: CalendarEntry): CalendarEntry {
    if (!entry.shared) return entry
    const copy: CalendarEntry = {...entry, shared: false}
    calendar.entries.set(entry.meeting.id, copy)
    return copy
  }

  /** Calendars holding a live copy of the meeting. */
  holders(meeting: Meeting): Calendar[] {
    const owners = new Set([meeting.organizer, ...meeting.attendees.map((attendee) => attendee.email)])
    const result: Calendar[] = []
    for (const owner of owners) {
      const calendar = this.calendars.get(owner)
      const entry = calendar?.entries.get(meeting.id)
      if (calendar && entry && !entry.deleted) result.push(calendar)
    }
    return result
  }

  /** Records a change of one calendar's entry (after `mutate`, e.g. a tombstone); returns its own entry. */
  touchEntry(
    calendar: Calendar,
    entry: CalendarEntry,
    now = Date.now(),
    mutate?: (own: CalendarEntry) => void,
  ): CalendarEntry {
    const own = this.own(calendar, entry)
    mutate?.(own)
    calendar.seq++
    own.changeSeq = calendar.seq
    own.etag = this.nextEtag()
    own.updatedMs = now
    for (const listener of this.listeners) listener(calendar)
    return own
  }

  /** Records a change of the meeting itself in every calendar that holds it. */
  touchMeeting(meeting: Meeting, now = Date.now()): void {
    meeting.updatedMs = now
    for (const calendar of this.holders(meeting)) {
      const entry = calendar.entries.get(meeting.id)
      if (entry) this.touchEntry(calendar, entry, now)
    }
  }

  /**
   * Brings the attendee calendars in line with the attendee list after it changed: new attendees get a
   * copy, removed ones get a tombstone.
   */
  syncAttendeeCopies(meeting: Meeting, previous: string[], now = Date.now()): void {
    const current = new Set([meeting.organizer, ...meeting.attendees.map((attendee) => attendee.email)])
    for (const email of current) {
      const calendar = this.calendars.get(email)
      const entry = calendar?.entries.get(meeting.id)
      if (calendar && (!entry || entry.deleted)) {
        this.attach(meeting, email, now)
        for (const listener of this.listeners) listener(calendar)
      }
    }
    for (const email of previous) {
      if (current.has(email)) continue
      const calendar = this.calendars.get(email)
      const entry = calendar?.entries.get(meeting.id)
      if (calendar && entry && !entry.deleted) this.touchEntry(calendar, entry, now, markDeleted)
    }
  }

  /**
   * Deleting as the organiser cancels the meeting everywhere; as an attendee it removes the copy and
   * declines.
   */
  deleteFrom(calendar: Calendar, entry: CalendarEntry, now = Date.now()): void {
    const meeting = entry.meeting
    if (meeting.organizer === calendar.owner) {
      const holders = this.holders(meeting)
      meeting.status = 'cancelled'
      meeting.updatedMs = now
      for (const holder of holders) {
        const copy = holder.entries.get(meeting.id)
        if (copy) this.touchEntry(holder, copy, now, markDeleted)
      }
      return
    }
    const attendee = meeting.attendees.find((candidate) => candidate.email === calendar.owner)
    this.touchEntry(calendar, entry, now, markDeleted)
    if (attendee && attendee.responseStatus !== 'declined') {
      attendee.responseStatus = 'declined'
      this.touchMeeting(meeting, now)
    }
  }

  invalidateSyncTokens(calendar: Calendar): void {
    calendar.syncEpoch++
  }

  removeCalendar(owner: string): Calendar | undefined {
    const calendar = this.calendars.get(owner)
    if (calendar) this.calendars.delete(owner)
    return calendar
  }
}

function markDeleted(entry: CalendarEntry): void {
  entry.deleted = true
}

function seedConference(conference: NonNullable<SeedMeeting['conference']>): Record<string, unknown> {
  const isMeet = conference.solution === 'hangoutsMeet'
  const conferenceId = conference.url.split('/').pop() ?? ''
  return {
    entryPoints: [{entryPointType: 'video', uri: conference.url, label: conference.url.replace(/^https:\/\//, '')}],
    conferenceSolution: {
      key: {type: isMeet ? 'hangoutsMeet' : 'addOn'},
      name: isMeet ? 'Google Meet' : 'Microsoft Teams Meeting',
      iconUri: isMeet
        ? 'https://fonts.gstatic.com/s/i/productlogos/meet_2020q4/v6/web-512dp/logo_meet_2020q4_color_2x_web_512dp.png'
        : 'https://statics.teams.cdn.office.net/evergreen-assets/icons/teams_logo_icon.png',
    },
    conferenceId,
  }
}

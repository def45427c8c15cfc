/**
 * Mailboxes and their calendar items. Every write gets a new version (change key) and a new position in the
 * mailbox's change sequence, which SyncFolderItems and streaming subscriptions follow; deletions leave
 * tombstones for sync.
 */
import {ArmedEdits} from '../host/armed-edits.js'
import {changeKey, decodeId, itemId} from './ids.js'
import type {ChangeKind, ExAttendee, ExItem, ExMailbox, ResponseType} from './model.js'
import {localMidnight} from './time-zones.js'
import type {SeedAttendee, SeedData, SeedMeeting, SeedResponse} from '../types.js'

export type ChangeListener = (mailbox: ExMailbox, item: ExItem, kind: ChangeKind) => void

const RESPONSE: Record<SeedResponse, ResponseType> = {
  accepted: 'Accept',
  declined: 'Decline',
  tentative: 'Tentative',
  needsAction: 'NoResponseReceived',
}

export type NewItem = Omit<
  ExItem,
  'id' | 'version' | 'changeKey' | 'mailbox' | 'created' | 'modified' | 'createdSeq' | 'seq'
>

export class ExchangeStore {
  readonly mailboxes = new Map<string, ExMailbox>()
  private readonly listeners: ChangeListener[] = []
  private readonly pending = new Map<string, {meeting: SeedMeeting; response: ResponseType}[]>()
  private readonly names = new Map<string, string>()
  private readonly zones = new Map<string, string>()
  private serial = 0

  clear(): void {
    this.mailboxes.clear()
    this.races.clear()
  }

  /** End-user edits armed to land just before the next UpdateItem of an item (control API `race`), by item id. */
  readonly races = new ArmedEdits()

  /** A mailbox by SMTP address (case-insensitive), with its seeded items built on first use. */
  mailbox(email: string): ExMailbox | undefined {
    const mailbox = this.mailboxes.get(email.toLowerCase())
    if (mailbox && this.pending.has(mailbox.email)) this.materialize(mailbox)
    return mailbox
  }

  addMailbox(email: string, displayName: string, isRoom: boolean, timeZone = 'UTC'): ExMailbox {
    const mailbox: ExMailbox = {
      email: email.toLowerCase(),
      displayName,
      isRoom,
      timeZone,
      oof: {state: 'Disabled', internalReply: '', externalReply: ''},
      items: new Map(),
      tombstones: [],
      seq: 0,
      syncGeneration: 1,
    }
    this.mailboxes.set(mailbox.email, mailbox)
    return mailbox
  }

  onChange(listener: ChangeListener): void {
    this.listeners.push(listener)
  }

  /** The item an id names (a master for an occurrence id), with its mailbox. */
  find(id: string): {mailbox: ExMailbox; item: ExItem} | undefined {
    const decoded = decodeId(id)
    if (!decoded || decoded.kind === 'folder') return undefined
    const mailbox = this.mailbox(decoded.mailbox)
    const item = mailbox?.items.get(itemId(decoded.mailbox, decoded.serial))
    return mailbox && item ? {mailbox, item} : undefined
  }

  private emit(mailbox: ExMailbox, item: ExItem, kind: ChangeKind): void {
    for (const listener of this.listeners) listener(mailbox, item, kind)
  }

  create(mailbox: ExMailbox, fields: NewItem, options: {quiet?: boolean; now?: number} = {}): ExItem {
    const now = options.now ?? Date.now()
    this.serial += 1
    const id = itemId(mailbox.email, this.serial.toString(36))
    mailbox.seq += 1
    // One literal shape for every item (spreading the input made seeding GC-bound).
    const item: ExItem = {
      id,
      version: 1,
      changeKey: changeKey(id, 1),
      mailbox: mailbox.email,
      uid: fields.uid,
      subject: fields.subject,
      location: fields.location,
      body: fields.body,
      bodyType: fields.bodyType,
      start: fields.start,
      end: fields.end,
      isAllDay: fields.isAllDay,
      timeZone: fields.timeZone,
      isCancelled: fields.isCancelled,
      sensitivity: fields.sensitivity,
      freeBusy: fields.freeBusy,
      myResponse: fields.myResponse,
      organizer: fields.organizer,
      required: fields.required,
      optional: fields.optional,
      resources: fields.resources,
      recurrence: fields.recurrence,
      extended: fields.extended,
      created: now,
      modified: now,
      createdSeq: mailbox.seq,
      seq: mailbox.seq,
    }
    mailbox.items.set(id, item)
    if (!options.quiet) this.emit(mailbox, item, 'created')
    return item
  }

  /** Applies a write: new version and change key, new sequence position, a ModifiedEvent. */
  touch(mailbox: ExMailbox, item: ExItem): void {
    item.version += 1
    item.changeKey = changeKey(item.id, item.version)
    item.modified = Date.now()
    mailbox.seq += 1
    item.seq = mailbox.seq
    this.emit(mailbox, item, 'modified')
  }

  remove(mailbox: ExMailbox, item: ExItem): void {
    mailbox.items.delete(item.id)
    mailbox.seq += 1
    mailbox.tombstones.push({id: item.id, createdSeq: item.createdSeq, seq: mailbox.seq})
    this.emit(mailbox, item, 'deleted')
  }

  /** Copies of a meeting (same UID) in other mailboxes of this organisation. */
  copiesOf(item: ExItem): {mailbox: ExMailbox; item: ExItem}[] {
    const copies: {mailbox: ExMailbox; item: ExItem}[] = []
    for (const attendee of [...item.required, ...item.optional, ...item.resources]) {
      const mailbox = this.mailbox(attendee.email)
      if (!mailbox || mailbox.email === item.mailbox) continue
      for (const candidate of mailbox.items.values()) {
        if (candidate.uid === item.uid) copies.push({mailbox, item: candidate})
      }
    }
    return copies
  }

  /**
   * Loads seed data. Mailboxes exist at once; each mailbox's copies of its meetings are built on first use
   * (5,000 users x 40 meetings is ~10^6 items, most of which a test or demo never reads).
   */
  seed(data: SeedData): void {
    this.clear()
    this.pending.clear()
    this.names.clear()
    this.zones.clear()
    for (const user of data.users) {
      const mailbox = this.addMailbox(user.email, user.displayName, false, user.timeZone)
      this.names.set(mailbox.email, user.displayName)
      this.zones.set(mailbox.email, user.timeZone)
      if (user.oof) {
        mailbox.oof = {
          state: !user.oof.enabled ? 'Disabled' : user.oof.start || user.oof.end ? 'Scheduled' : 'Enabled',
          start: user.oof.start,
          end: user.oof.end,
          internalReply: user.oof.message,
          externalReply: user.oof.message,
        }
      }
    }
    for (const room of data.rooms)
      this.names.set(this.addMailbox(room.email, room.displayName, true).email, room.displayName)
    for (const meeting of data.meetings) {
      const organizer = meeting.organizer.toLowerCase()
      this.queue(organizer, meeting, 'Organizer')
      for (const a of meeting.attendees) {
        const email = a.email.toLowerCase()
        if (email !== organizer) this.queue(email, meeting, RESPONSE[a.response])
      }
    }
  }

  private queue(email: string, meeting: SeedMeeting, response: ResponseType): void {
    if (!this.mailboxes.has(email)) return
    let list = this.pending.get(email)
    if (!list) this.pending.set(email, (list = []))
    list.push({meeting, response})
  }

  private materialize(mailbox: ExMailbox): void {
    const list = this.pending.get(mailbox.email) ?? []
    this.pending.delete(mailbox.email)
    for (const {meeting, response} of list) this.create(mailbox, this.seedItem(meeting, response), {quiet: true})
  }

  private seedItem(meeting: SeedMeeting, response: ResponseType): NewItem {
    const organizerEmail = meeting.organizer.toLowerCase()
    const attendee = (a: SeedAttendee): ExAttendee => ({
      email: a.email.toLowerCase(),
      name: a.name ?? this.names.get(a.email.toLowerCase()) ?? a.email,
      response: RESPONSE[a.response],
    })
    const others = meeting.attendees.filter((a) => a.email.toLowerCase() !== organizerEmail)
    const recurrence = meeting.recurrence
    const freeBusy =
      meeting.status === 'tentative' || response === 'Tentative'
        ? 'Tentative'
        : response === 'Decline'
          ? 'Free'
          : 'Busy'
    // The meeting's zone is the organiser's; an all-day meeting runs from local midnight to local midnight there.
    const timeZone = this.zones.get(organizerEmail) ?? 'UTC'
    const instant = (iso: string) => (meeting.allDay ? localMidnight(Date.parse(iso), timeZone) : Date.parse(iso))
    return {
      uid: meeting.uid,
      subject: meeting.title,
      location: meeting.location,
      body: meeting.body,
      bodyType: meeting.bodyType === 'html' ? 'HTML' : 'Text',
      start: instant(meeting.start),
      end: instant(meeting.end),
      isAllDay: meeting.allDay,
      timeZone,
      isCancelled: meeting.status === 'cancelled',
      sensitivity: meeting.sensitivity === 'private' ? 'Private' : 'Normal',
      freeBusy,
      myResponse: response,
      organizer: {email: organizerEmail, name: this.names.get(organizerEmail) ?? organizerEmail},
      required: others.filter((a) => !a.isRoom).map(attendee),
      optional: [],
      resources: others.filter((a) => a.isRoom).map(attendee),
      recurrence: recurrence && {
        freq: recurrence.freq,
        interval: recurrence.interval ?? 1,
        count: recurrence.count,
        overrides: new Map(
          (recurrence.exceptions ?? []).map((e) => [
            e.index,
            {
              cancelled: e.cancelled,
              startShiftMinutes: e.startShiftMinutes,
              subject: e.title,
              location: e.location,
              version: 1,
            },
          ]),
        ),
      },
    }
  }
}

/**
 * Mailboxes and their calendar items. Every write gets a new version (change key) and a new position in the
 * mailbox's change sequence, which SyncFolderItems and streaming subscriptions follow; deletions leave
 * tombstones for sync.
 */
import {changeKey, decodeId, itemId} from './ids.js'
import type {ChangeKind, ExAttendee, ExItem, ExMailbox, ResponseType} from './model.js'
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
  private serial = 0

  clear(): void {
    this.mailboxes.clear()
  }

  mailbox(email: string): ExMailbox | undefined {
    return this.mailboxes.get(email.toLowerCase())
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
    const item: ExItem = {
      ...fields,
      id,
      version: 1,
      changeKey: changeKey(id, 1),
      mailbox: mailbox.email,
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

  seed(data: SeedData): void {
    this.clear()
    for (const user of data.users) {
      const mailbox = this.addMailbox(user.email, user.displayName, false, user.timeZone)
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
    for (const room of data.rooms) this.addMailbox(room.email, room.displayName, true)
    const names = new Map<string, string>()
    for (const user of data.users) names.set(user.email.toLowerCase(), user.displayName)
    for (const room of data.rooms) names.set(room.email.toLowerCase(), room.displayName)
    for (const meeting of data.meetings) this.seedMeeting(meeting, names)
  }

  private seedMeeting(meeting: SeedMeeting, names: Map<string, string>): void {
    const organizerEmail = meeting.organizer.toLowerCase()
    const attendee = (a: SeedAttendee): ExAttendee => ({
      email: a.email.toLowerCase(),
      name: a.name ?? names.get(a.email.toLowerCase()) ?? a.email,
      response: RESPONSE[a.response],
    })
    const others = meeting.attendees.filter((a) => a.email.toLowerCase() !== organizerEmail)
    const base: NewItem = {
      uid: meeting.uid,
      subject: meeting.title,
      location: meeting.location,
      body: meeting.body,
      bodyType: meeting.bodyType === 'html' ? 'HTML' : 'Text',
      start: Date.parse(meeting.start),
      end: Date.parse(meeting.end),
      isAllDay: meeting.allDay,
      isCancelled: meeting.status === 'cancelled',
      sensitivity: meeting.sensitivity === 'private' ? 'Private' : 'Normal',
      freeBusy: meeting.status === 'tentative' ? 'Tentative' : 'Busy',
      myResponse: 'Organizer',
      organizer: {email: organizerEmail, name: names.get(organizerEmail) ?? organizerEmail},
      required: others.filter((a) => !a.isRoom).map(attendee),
      optional: [],
      resources: others.filter((a) => a.isRoom).map(attendee),
      extended: new Map(),
    }
    const copyFor = (response: ResponseType): NewItem => {
      const recurrence = meeting.recurrence
      return {
        ...base,
        myResponse: response,
        freeBusy: response === 'Tentative' ? 'Tentative' : response === 'Decline' ? 'Free' : base.freeBusy,
        extended: new Map(),
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
    const organizerMailbox = this.mailbox(organizerEmail)
    if (organizerMailbox) this.create(organizerMailbox, copyFor('Organizer'), {quiet: true})
    for (const a of others) {
      const mailbox = this.mailbox(a.email)
      if (mailbox) this.create(mailbox, copyFor(RESPONSE[a.response]), {quiet: true})
    }
  }
}

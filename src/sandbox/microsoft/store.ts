/**
 * Mailboxes and their calendar items. Every write gets a new change key and a new position in the mailbox's
 * change sequence (which delta queries and subscriptions follow); deletions leave tombstones for delta.
 */
import {ArmedEdits} from '../host/armed-edits.js'
import {newChangeKey, randomItemId} from './ids.js'
import {
  applyCancellation,
  applyMeetingUpdate,
  attendeeCopies,
  changesAttendeesSee,
  sharedContent,
} from './meeting-updates.js'
import {assignContent, cloneEvent, type ChangeType, type Mailbox, type StoredEvent} from './model.js'
import {expandStarts} from './recurrence.js'

export type ChangeListener = (mailbox: Mailbox, event: StoredEvent, change: ChangeType) => void

export class MicrosoftStore {
  readonly mailboxes = new Map<string, Mailbox>()
  private readonly byId = new Map<string, Mailbox>()
  private readonly listeners: ChangeListener[] = []

  addMailbox(mailbox: Mailbox): void {
    this.mailboxes.set(mailbox.address.toLowerCase(), mailbox)
    this.byId.set(mailbox.id.toLowerCase(), mailbox)
  }

  clear(): void {
    this.mailboxes.clear()
    this.byId.clear()
    this.races.clear()
  }

  /** End-user edits armed to land just before the next Graph PATCH of an item (control API `race`). */
  readonly races = new ArmedEdits()

  /** Turns a mailbox's seeded meetings into items; set by seeding. */
  seedLoader: ((mailbox: Mailbox) => void) | undefined

  /**
   * Looks a mailbox up by UPN/SMTP address or by object id, case-insensitively. Seeding only files each
   * meeting under its mailboxes; the first lookup builds the items, so seeding thousands of mailboxes
   * stays fast and memory follows the mailboxes actually used.
   */
  resolve(idOrUpn: string): Mailbox | undefined {
    const key = idOrUpn.toLowerCase()
    const mailbox = this.mailboxes.get(key) ?? this.byId.get(key)
    if (mailbox?.unseeded && this.seedLoader) this.seedLoader(mailbox)
    return mailbox
  }

  onChange(listener: ChangeListener): void {
    this.listeners.push(listener)
  }

  private emit(mailbox: Mailbox, event: StoredEvent, change: ChangeType): void {
    for (const listener of this.listeners) listener(mailbox, event, change)
  }

  private stamp(mailbox: Mailbox, event: StoredEvent, now: number): void {
    mailbox.seq += 1
    event.seq = mailbox.seq
    event.changeKey = newChangeKey()
    event.modifiedAt = now
  }

  /**
   * Adds an item; a series master also gets its occurrences, which are returned (oldest first). Seeding
   * passes `quiet` (no notifications).
   */
  insert(mailbox: Mailbox, event: StoredEvent, quiet = false): StoredEvent[] {
    this.stamp(mailbox, event, event.modifiedAt || Date.now())
    mailbox.events.set(event.id, event)
    if (!quiet) this.emit(mailbox, event, 'created')
    const occurrences: StoredEvent[] = []
    if (event.type === 'seriesMaster' && event.recurrence) {
      const duration = event.end - event.start
      for (const start of expandStarts(event.recurrence, event.start)) {
        // Attendees stay shared with the master until an edit replaces the array (writes never mutate it).
        const occurrence = cloneEvent(event)
        occurrence.id = `${event.id}_${start.toString(36)}`
        occurrence.type = 'occurrence'
        occurrence.seriesMasterId = event.id
        occurrence.recurrence = undefined
        occurrence.originalStart = start
        occurrence.start = start
        occurrence.end = start + duration
        this.stamp(mailbox, occurrence, occurrence.modifiedAt)
        mailbox.events.set(occurrence.id, occurrence)
        occurrences.push(occurrence)
      }
    }
    return occurrences
  }

  /**
   * Applies `mutate` to an item and records the write. Editing an occurrence turns it into an exception;
   * editing a master carries the edit to its untouched occurrences. An organiser's change that attendees see
   * reaches their copies in the tenant's other mailboxes (meeting-updates.ts).
   */
  update(mailbox: Mailbox, event: StoredEvent, mutate: (event: StoredEvent) => void): StoredEvent {
    const before = sharedContent(event)
    mutate(event)
    if (event.type === 'occurrence') event.type = 'exception'
    this.stamp(mailbox, event, Date.now())
    this.emit(mailbox, event, 'updated')
    if (event.type === 'seriesMaster') {
      const shift = event.start - before.start
      const duration = event.end - event.start
      for (const occurrence of this.instancesOf(mailbox, event.id)) {
        if (occurrence.type !== 'occurrence') continue
        assignContent(occurrence, event)
        occurrence.start += shift
        occurrence.end = occurrence.start + duration
        this.stamp(mailbox, occurrence, Date.now())
      }
    }
    if (changesAttendeesSee(before, event)) {
      for (const {mailbox: theirs, copy} of attendeeCopies(this, mailbox, event)) {
        this.update(theirs, copy, (target) => applyMeetingUpdate(target, event))
      }
    }
    return event
  }

  /**
   * Deletes an item (a master takes its instances with it) and leaves tombstones for delta. An organiser's
   * deletion reaches the attendees' copies as a cancellation (kept, cancelled, with all their instances).
   */
  remove(mailbox: Mailbox, event: StoredEvent): void {
    for (const {mailbox: theirs, copy} of attendeeCopies(this, mailbox, event)) {
      const instances = copy.type === 'seriesMaster' ? this.instancesOf(theirs, copy.id) : []
      for (const item of [copy, ...instances]) {
        if (!item.isCancelled) this.update(theirs, item, applyCancellation)
      }
    }
    const doomed = event.type === 'seriesMaster' ? [event, ...this.instancesOf(mailbox, event.id)] : [event]
    for (const item of doomed) {
      mailbox.events.delete(item.id)
      mailbox.seq += 1
      mailbox.tombstones.push({id: item.id, seq: mailbox.seq, start: item.start, end: item.end})
    }
    this.emit(mailbox, event, 'deleted')
  }

  instancesOf(mailbox: Mailbox, masterId: string): StoredEvent[] {
    const instances: StoredEvent[] = []
    for (const item of mailbox.events.values()) if (item.seriesMasterId === masterId) instances.push(item)
    return instances.sort((a, b) => a.start - b.start)
  }

  newId(): string {
    return randomItemId()
  }
}

/** Items a calendarView over [start, end) shows: expanded instances, no masters (Graph's semantics). */
export function viewItems(mailbox: Mailbox, start: number, end: number): StoredEvent[] {
  const items: StoredEvent[] = []
  for (const item of mailbox.events.values()) {
    if (item.type === 'seriesMaster') continue
    if (overlaps(item, start, end)) items.push(item)
  }
  return items.sort((a, b) => a.start - b.start || a.id.localeCompare(b.id))
}

export function overlaps(item: {start: number; end: number}, start: number, end: number): boolean {
  return item.start < end && (item.end > start || (item.end === item.start && item.start >= start))
}

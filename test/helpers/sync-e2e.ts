import assert from 'node:assert/strict'

import type {SyncResult} from '../../src/commands/sync.js'
import {findKeyword} from '../../src/lib/core/join/keywords.js'
import {applyJoinBlock} from '../../src/lib/core/joinblock/apply.js'
import {HTML_BEGIN_COMMENT, TEXT_BEGIN} from '../../src/lib/core/joinblock/render.js'
import type {BodyType} from '../../src/lib/core/model.js'
import type {SandboxProviderId} from '../../src/sandbox/types.js'
import type {UsersLab} from './users-lab.js'

/** One meeting as the emulator's ground truth holds it, in neutral words. */
export interface TruthEvent {
  id: string
  location: string
  body: string
  bodyType: BodyType
  organiser: string
  start: number
  recurring: boolean
  /** Set on a series' master (its own id): its occurrences are checked through occurrencesOf. */
  seriesId?: string
  cancelled: boolean
}

/** One occurrence of a series as the emulator's ground truth holds it; `key` addresses it for an edit. */
export interface TruthOccurrence {
  key: string
  start: number
  location: string
  body: string
}

export interface NewMeeting {
  title: string
  location: string
  body: string
  start: Date
  end: Date
}

/** What an end user changes on a meeting (absent fields stay). */
export interface MeetingEdit {
  location?: string
  body?: string
  start?: Date
  end?: Date
}

/** What differs between emulators: their control API's routes and shapes, and their request log's words. */
export interface SyncE2eProvider {
  id: SandboxProviderId
  eventsOf(lab: UsersLab, email: string): Promise<TruthEvent[]>
  create(lab: UsersLab, email: string, meeting: NewMeeting): Promise<string>
  /** A daily series of `count` occurrences; answers the series' id. */
  createSeries(lab: UsersLab, email: string, meeting: NewMeeting, count: number): Promise<string>
  occurrencesOf(lab: UsersLab, email: string, seriesId: string): Promise<TruthOccurrence[]>
  /** The end user edits one occurrence (it becomes an exception). */
  editOccurrence(lab: UsersLab, email: string, seriesId: string, key: string, edit: MeetingEdit): Promise<void>
  /** The end user edits the meeting in their calendar client. */
  edit(lab: UsersLab, email: string, id: string, edit: MeetingEdit): Promise<void>
  /** The same edit, armed to land between hcal's read of the meeting and its write (the control API's race). */
  race(lab: UsersLab, email: string, id: string, edit: MeetingEdit): Promise<void>
  /** The organiser deletes (cancels) the meeting. */
  cancel(lab: UsersLab, email: string, id: string): Promise<void>
  invalidateCursor(lab: UsersLab, email: string): Promise<void>
  /**
   * Whether the emulator updates attendees' copies when the organiser's event changes (the real services do).
   * When it does not, an attendee's copy of a wanted meeting is not checked.
   */
  attendeeCopiesFollow: boolean
  /** Whether a request-log operation reads or writes a calendar (not settings, tokens or discovery). */
  isCalendarOperation(operation: string): boolean
  /** Access-token lifetime to set under faults, where the provider's login issues tokens (EWS has none). */
  shortTokenLifetimeSeconds?: number
}

export interface Envelope {
  status: number
  result: SyncResult
  warnings: string[]
}

export const DAY = 86_400_000
export const KEYWORDS = ['@webex', '@meet']

export function blocksIn(text: string | undefined): number {
  return (text ?? '').split(TEXT_BEGIN).length - 1 + ((text ?? '').split(HTML_BEGIN_COMMENT).length - 1)
}

/** What the user wrote: the body without hcal's block (insert-then-remove gives the original back). */
export function userText(event: Pick<TruthEvent, 'body' | 'bodyType'>): string {
  return applyJoinBlock(event.body, event.bodyType, null)
}

/** Midnight UTC `days` from today, plus `hours`. */
export function dayAt(days: number, hours = 10): Date {
  return new Date(Math.floor(Date.now() / DAY + days) * DAY + hours * 3_600_000)
}

/** A control-API answer that must have succeeded. */
export async function controlOk<T>(lab: UsersLab, method: string, path: string, body?: unknown): Promise<T> {
  const response = await lab.sandbox.control(method, path, body)
  assert.ok(response.status < 300, `${method} ${path}: ${response.status} ${JSON.stringify(response.body)}`)
  return response.body as T
}

/**
 * The sandbox's ground truth after a sync: every single (non-recurring) meeting in the window carries one block
 * when a keyword asks and its organiser is active (in the organiser's copy, and in attendees' copies where the
 * emulator carries updates to them), and none otherwise. A cancelled copy is only checked for duplicates: hcal
 * writes nothing into it, and what its body held when it was cancelled stays. Answers the keyword meetings seen.
 */
export async function assertGroundTruth(
  provider: SyncE2eProvider,
  lab: UsersLab,
  active: readonly string[],
  mailboxes: readonly string[],
): Promise<number> {
  const from = Date.now() - 6 * DAY
  const to = Date.now() + 30 * DAY
  let keywordMeetings = 0
  const inWindow = (start: number) => start > from && start < to
  for (const email of mailboxes) {
    for (const event of await provider.eventsOf(lab, email)) {
      if (event.recurring && event.organiser === email && event.seriesId === event.id) {
        keywordMeetings += await assertSeriesTruth(provider, lab, active.includes(email), email, event.id, inWindow)
      }
      if (event.recurring || !inWindow(event.start)) continue
      const where = `${email} ${event.id} "${event.location}"`
      if (event.cancelled) {
        assert.ok(blocksIn(event.body) <= 1, where)
        continue
      }
      const wanted = active.includes(event.organiser) && findKeyword(event.location, KEYWORDS) !== null
      if (wanted && event.organiser === email) keywordMeetings++
      if (wanted && event.organiser !== email && !provider.attendeeCopiesFollow) continue
      assert.equal(blocksIn(event.body), wanted ? 1 : 0, where)
    }
  }
  return keywordMeetings
}

/** The occurrences of an organiser's series in the window: a keyword on an occurrence gives it (only it) a block. */
async function assertSeriesTruth(
  provider: SyncE2eProvider,
  lab: UsersLab,
  activeOrganiser: boolean,
  email: string,
  seriesId: string,
  inWindow: (start: number) => boolean,
): Promise<number> {
  let keywordMeetings = 0
  for (const occurrence of await provider.occurrencesOf(lab, email, seriesId)) {
    if (!inWindow(occurrence.start)) continue
    const wanted = activeOrganiser && findKeyword(occurrence.location, KEYWORDS) !== null
    if (wanted) keywordMeetings++
    const where = `${email} series ${seriesId} occurrence ${occurrence.key} "${occurrence.location}"`
    assert.equal(blocksIn(occurrence.body), wanted ? 1 : 0, where)
  }
  return keywordMeetings
}

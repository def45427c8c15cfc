/**
 * What hcal tells the collaboration side about, and the sink the sync engine and the watch service hand it to.
 * The engine enqueues inside the same store transaction as the changes the events describe, so a crash loses
 * none and invents none; delivery (the signed webhook sink, src/lib/publish/) happens later from the outbox
 * and never blocks a sync. Payloads carry no meeting body; the sink decides what else a destination may see.
 */
import type {MeetingsListEntry} from '../core/meetings/list.js'
import type {ObtpPlanEntry} from '../core/obtp/plan.js'
import type {OutOfOffice} from './calendar.js'

export type PublishEvent =
  /** A mailbox's meetings-list entries changed (added, moved, retitled, join details); `removed` lists gone ids. */
  | {type: 'meetings.changed'; mailbox: string; changed: MeetingsListEntry[]; removed: string[]}
  /** Out-of-office started, ended or was (re)scheduled. */
  | {type: 'presence.changed'; mailbox: string; outOfOffice: OutOfOffice}
  /** A Join button is due now (watch mode, at the plan's notification time). */
  | {type: 'obtp.due'; entry: ObtpPlanEntry}

export interface EventSink {
  /** Records events for delivery; synchronous, so it runs inside the caller's store transaction. */
  enqueue(events: readonly PublishEvent[]): void
}

/**
 * Things that happen at a time rather than on a change: a meeting's Join button becoming due (`obtp.due` at the
 * plan's showFrom) and a scheduled out-of-office window starting or ending (`presence.changed` at its edges).
 * Each tick emits what is due and not yet emitted: a moment after the service started (a restart does not replay
 * the past) and at most LATE_MS ago (a meeting synced after its button time still gets it, while it shows), then
 * sleeps until the next moment, at most MAX_SLEEP_MS, so meetings synced meanwhile are planned too. Events go through the EventSink into the outbox, like the engine's.
 */
import {obtpContextFromUsers, planObtp} from '../core/obtp/index.js'
import type {MeetingSettings} from '../core/settings.js'
import type {Logger} from '../log/logger.js'
import type {OutOfOffice} from '../ports/calendar.js'
import type {EventSink, PublishEvent} from '../ports/publish.js'
import type {StateStore, StoredPresence} from '../store/index.js'

const MAX_SLEEP_MS = 30_000
/** A Join button shows at most an hour before its start (the lead is 0..60 minutes). */
const LEAD_HORIZON_MS = 2 * 3_600_000
const LATE_MS = 3_600_000

export interface MomentOptions {
  store: StateStore
  sink: EventSink
  settings: MeetingSettings
  log: Logger
  now?: () => Date
}

interface Moment {
  at: number
  /** No longer worth emitting after this (the Join button's end). */
  until?: number
  key: string
  event: PublishEvent
}

/** The out-of-office edges of a stored presence: its scheduled window's start (on) and end (off). */
export function presenceEdges(presence: StoredPresence): Moment[] {
  if (presence.state === 'off' || !presence.end) return []
  const window: OutOfOffice = {state: 'on', ...(presence.start ? {start: presence.start} : {}), end: presence.end}
  const edges: Moment[] = []
  if (presence.state === 'scheduled' && presence.start) {
    edges.push({
      at: Date.parse(presence.start),
      key: `presence|${presence.mailbox}|on|${presence.start}`,
      event: {type: 'presence.changed', mailbox: presence.mailbox, outOfOffice: window},
    })
  }
  edges.push({
    at: Date.parse(presence.end),
    key: `presence|${presence.mailbox}|off|${presence.end}`,
    event: {type: 'presence.changed', mailbox: presence.mailbox, outOfOffice: {state: 'off'}},
  })
  return edges
}

export class MomentKeeper {
  private readonly startedAt: number
  private timer: NodeJS.Timeout | undefined
  private readonly emitted = new Map<string, number>()
  private stopped = false
  private readonly now: () => Date

  constructor(private readonly options: MomentOptions) {
    this.now = options.now ?? (() => new Date())
    this.startedAt = this.now().getTime()
  }

  start(): void {
    this.tick()
  }

  /** Meetings or presence changed: look again now rather than at the next planned tick. */
  replan(): void {
    if (!this.stopped) this.tick()
  }

  stop(): void {
    this.stopped = true
    clearTimeout(this.timer)
  }

  private moments(from: number, to: number): Moment[] {
    const {store, settings} = this.options
    const meetings = store.meetings.listAll(new Date(from).toISOString(), new Date(to + LEAD_HORIZON_MS).toISOString())
    const plan = planObtp(meetings, obtpContextFromUsers(store.users.list(), settings))
    const obtp = plan.map((entry): Moment => ({
      at: Date.parse(entry.showFrom),
      until: Date.parse(entry.showUntil),
      key: `obtp|${entry.meetingId}|${entry.showFrom}`,
      event: {type: 'obtp.due', entry},
    }))
    return [...obtp, ...store.presence.list().flatMap(presenceEdges)]
  }

  private tick(): void {
    clearTimeout(this.timer)
    if (this.stopped) return
    const now = this.now().getTime()
    let next = now + MAX_SLEEP_MS
    try {
      const due: Moment[] = []
      const from = Math.max(this.startedAt, now - LATE_MS)
      for (const moment of this.moments(from, now + MAX_SLEEP_MS)) {
        const fresh = moment.at > from && (moment.until === undefined || moment.until > now)
        if (fresh && moment.at <= now && !this.emitted.has(moment.key)) due.push(moment)
        else if (moment.at > now) next = Math.min(next, moment.at)
      }
      if (due.length > 0) {
        this.options.store.transaction(() => this.options.sink.enqueue(due.map((m) => m.event)))
        for (const moment of due) this.emitted.set(moment.key, moment.at)
        this.options.log.info({events: due.map((m) => m.key)}, 'due moments published')
      }
      // Keys past the lateness bound can no longer come due again.
      for (const [key, at] of this.emitted) if (at < now - LATE_MS) this.emitted.delete(key)
    } catch (error) {
      this.options.log.error({error: (error as Error)?.message}, 'planning due moments failed; trying again')
    }
    this.timer = setTimeout(() => this.tick(), Math.max(10, next - this.now().getTime()))
  }
}

/**
 * When each mailbox syncs in watch mode. Every trigger (a notification, the poll timer, the safety-net timer, a
 * lifecycle event) asks for an incremental sync of one mailbox; asks are coalesced so that a mailbox has at most
 * one sync in flight and one pending: a burst of notifications while a sync runs costs one more sync, not one
 * per notification. After every sync the mailbox's timer is set again: the poll interval while the mailbox has
 * no working push, the safety-net interval while it has, both jittered by ±25 % so mailboxes do not sync in step
 * (Google's advice for polling clients).
 */

/** Why a sync ran (the hcal_syncs_total `trigger` label). */
export type SyncTrigger = 'initial' | 'push' | 'poll' | 'safety' | 'lifecycle' | 'catchup'

/** How a mailbox learns of changes: by push (timer = safety net) or by polling (timer = poll interval). */
export type MailboxMode = 'push' | 'poll'

export interface SchedulerOptions {
  pollMs: number
  safetyMs: number
  /** Runs one sync; must not reject (the service logs failures itself). */
  run(mailbox: string, trigger: SyncTrigger): Promise<void>
  random?: () => number
}

/** `ms` moved by up to ±25 %, at least 1 ms. */
export function jittered(ms: number, random: () => number = Math.random): number {
  return Math.max(1, Math.round(ms * (0.75 + random() * 0.5)))
}

interface MailboxSlot {
  mode: MailboxMode
  running: Promise<void> | undefined
  pending: SyncTrigger | undefined
  timer: NodeJS.Timeout | undefined
}

export class SyncScheduler {
  private readonly slots = new Map<string, MailboxSlot>()
  private stopped = false

  constructor(private readonly options: SchedulerOptions) {}

  /** Starts scheduling a mailbox (no sync yet: the caller asks for its first one). */
  add(mailbox: string, mode: MailboxMode = 'poll'): void {
    if (this.slots.has(mailbox)) return
    this.slots.set(mailbox, {mode, running: undefined, pending: undefined, timer: undefined})
  }

  /** Stops scheduling it; a sync in flight finishes, nothing more starts. */
  remove(mailbox: string): void {
    const slot = this.slots.get(mailbox)
    if (!slot) return
    clearTimeout(slot.timer)
    this.slots.delete(mailbox)
  }

  has(mailbox: string): boolean {
    return this.slots.has(mailbox)
  }

  mailboxes(): string[] {
    return [...this.slots.keys()]
  }

  modeOf(mailbox: string): MailboxMode | undefined {
    return this.slots.get(mailbox)?.mode
  }

  /** Push working (safety-net timer) or not (poll timer); takes effect from the next timer. */
  setMode(mailbox: string, mode: MailboxMode): void {
    const slot = this.slots.get(mailbox)
    if (!slot || slot.mode === mode) return
    slot.mode = mode
    if (!slot.running) this.arm(mailbox, slot)
  }

  /** Asks for a sync: now when none runs, else once after the running one (later asks merge into it). */
  request(mailbox: string, trigger: SyncTrigger): void {
    const slot = this.slots.get(mailbox)
    if (!slot || this.stopped) return
    if (slot.running) {
      slot.pending ??= trigger
      return
    }
    this.start(mailbox, slot, trigger)
  }

  /** Resolves when no sync is in flight (after `stop`, when the last one finished). */
  async idle(): Promise<void> {
    for (;;) {
      const running = [...this.slots.values()].flatMap((slot) => (slot.running ? [slot.running] : []))
      const orphans = [...this.orphans]
      if (running.length === 0 && orphans.length === 0) return
      await Promise.all([...running, ...orphans])
    }
  }

  /** Nothing new starts; timers are cleared; syncs in flight finish. */
  stop(): void {
    this.stopped = true
    for (const slot of this.slots.values()) {
      clearTimeout(slot.timer)
      slot.pending = undefined
    }
  }

  /** Syncs of removed mailboxes still running: `idle` waits for them too. */
  private readonly orphans = new Set<Promise<void>>()

  private start(mailbox: string, slot: MailboxSlot, trigger: SyncTrigger): void {
    clearTimeout(slot.timer)
    slot.timer = undefined
    const running = this.options.run(mailbox, trigger).finally(() => {
      slot.running = undefined
      this.orphans.delete(running)
      if (this.slots.get(mailbox) !== slot || this.stopped) return
      const next = slot.pending
      slot.pending = undefined
      if (next) this.start(mailbox, slot, next)
      else this.arm(mailbox, slot)
    })
    slot.running = running
    this.orphans.add(running)
  }

  private arm(mailbox: string, slot: MailboxSlot): void {
    if (this.stopped) return
    clearTimeout(slot.timer)
    const [ms, trigger]: [number, SyncTrigger] =
      slot.mode === 'push' ? [this.options.safetyMs, 'safety'] : [this.options.pollMs, 'poll']
    slot.timer = setTimeout(() => this.request(mailbox, trigger), jittered(ms, this.options.random))
    slot.timer.unref?.()
  }
}

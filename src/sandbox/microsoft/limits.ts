/**
 * Outlook's per-mailbox limits for one app: at most 4 requests in flight ("MailboxConcurrency") and
 * 10,000 requests per 10 minutes. The quota scale shrinks the window and the budget together, so tests keep
 * the documented rate (16.7 requests/s) while waiting milliseconds instead of minutes.
 *
 * A mailbox can also be held (control API): its requests take their slot and then wait until released, as
 * behind a stalled Outlook backend, so tests can fill the concurrency limit without racing a timer.
 */
export const MAX_IN_FLIGHT_PER_MAILBOX = 4
const REQUESTS_PER_WINDOW = 10_000
const WINDOW_MS = 600_000

export interface Throttled {
  code: string
  message: string
  retryAfterSeconds: number
}

export class MailboxLimits {
  private readonly inFlight = new Map<string, number>()
  private readonly history = new Map<string, number[]>()
  private readonly holds = new Map<string, {until: Promise<void>; release: () => void}>()
  private readonly windowMs: number
  private readonly budget: number

  constructor(scale: number) {
    const factor = scale > 0 ? Math.min(scale, 1) : 1
    this.windowMs = WINDOW_MS * factor
    this.budget = Math.max(1, Math.round(REQUESTS_PER_WINDOW * factor))
  }

  /** Takes a slot for `mailbox`, or says why not. Call `release` exactly once when the response ends. */
  acquire(mailbox: string, now = Date.now()): {release: () => void} | Throttled {
    const running = this.inFlight.get(mailbox) ?? 0
    if (running >= MAX_IN_FLIGHT_PER_MAILBOX) {
      return {
        code: 'ApplicationThrottled',
        message: 'Application is over its MailboxConcurrency limit.',
        retryAfterSeconds: 1,
      }
    }
    let times = this.history.get(mailbox)
    if (!times) {
      times = []
      this.history.set(mailbox, times)
    }
    let expired = 0
    while (expired < times.length && (times[expired] ?? 0) <= now - this.windowMs) expired++
    if (expired) times.splice(0, expired)
    if (times.length >= this.budget) {
      const oldest = times[0] ?? now
      return {
        code: 'ApplicationThrottled',
        message: 'Application is over its MailboxRequestRate limit.',
        retryAfterSeconds: Math.max(1, Math.ceil((oldest + this.windowMs - now) / 1000)),
      }
    }
    times.push(now)
    this.inFlight.set(mailbox, running + 1)
    let released = false
    return {
      release: () => {
        if (released) return
        released = true
        const current = (this.inFlight.get(mailbox) ?? 1) - 1
        if (current <= 0) this.inFlight.delete(mailbox)
        else this.inFlight.set(mailbox, current)
      },
    }
  }

  /** Requests to `mailbox` running now (holding a slot). */
  running(mailbox: string): number {
    return this.inFlight.get(mailbox) ?? 0
  }

  /** Makes requests to `mailbox` wait, slot taken, until `release`. */
  hold(mailbox: string): void {
    if (this.holds.has(mailbox)) return
    let release = () => {}
    const until = new Promise<void>((resolve) => (release = resolve))
    this.holds.set(mailbox, {until, release})
  }

  /** Lets held requests (of one mailbox, or all) continue; returns how many holds ended. */
  release(mailbox?: string): number {
    let released = 0
    for (const [held, {release}] of [...this.holds]) {
      if (mailbox !== undefined && held !== mailbox) continue
      release()
      this.holds.delete(held)
      released++
    }
    return released
  }

  /** Resolves when `mailbox` is not held (undefined when it is not held now). */
  heldUntil(mailbox: string): Promise<void> | undefined {
    return this.holds.get(mailbox)?.until
  }

  reset(): void {
    this.release()
    this.inFlight.clear()
    this.history.clear()
  }
}

/**
 * Calendar API quotas: a sliding one-minute window per project and per (project, user). With domain-wide
 * delegation the "user" is the service account unless the caller names one with `quotaUser` /
 * `x-goog-quota-user`. Gmail counts units in its own, larger buckets.
 */
import {apiErrors, type GoogleApiError} from './errors.js'

/** Timestamps of accepted requests inside the window, oldest first. */
class SlidingWindow {
  private readonly times: number[] = []
  private head = 0

  count(now: number, windowMs: number): number {
    while (this.head < this.times.length && (this.times[this.head] ?? 0) <= now - windowMs) this.head++
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times.splice(0, this.head)
      this.head = 0
    }
    return this.times.length - this.head
  }

  add(now: number, units: number): void {
    for (let i = 0; i < units; i++) this.times.push(now)
  }
}

export interface QuotaLimits {
  perProject: number
  perUser: number
}

export const CALENDAR_QUOTA: QuotaLimits = {perProject: 10_000, perUser: 600}
/** Gmail: 1,200,000 units/min per project, 15,000 units/min per user; getVacation costs 1 unit. */
export const GMAIL_QUOTA: QuotaLimits = {perProject: 1_200_000, perUser: 15_000}

export class QuotaMeter {
  private readonly project = new SlidingWindow()
  private readonly users = new Map<string, SlidingWindow>()

  constructor(
    private readonly limits: QuotaLimits,
    private readonly windowMs: number,
  ) {}

  /** Charges `units` to the project and to `user`, or returns the error Google answers with. */
  charge(user: string, units = 1, now = Date.now()): GoogleApiError | undefined {
    if (this.project.count(now, this.windowMs) + units > this.limits.perProject) return apiErrors.rateLimitExceeded()
    let window = this.users.get(user)
    if (!window) {
      window = new SlidingWindow()
      this.users.set(user, window)
    }
    if (window.count(now, this.windowMs) + units > this.limits.perUser) return apiErrors.userRateLimitExceeded()
    this.project.add(now, units)
    window.add(now, units)
    return undefined
  }
}

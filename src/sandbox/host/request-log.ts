import type {RequestLog, RequestLogEntry} from '../types.js'

/** Fixed-capacity buffer that overwrites its oldest entry: memory stays bounded under any load. */
class RingBuffer<T> {
  private readonly items: T[] = []
  private next = 0

  constructor(private readonly capacity: number) {}

  push(item: T): void {
    if (this.items.length < this.capacity) {
      this.items.push(item)
      return
    }
    this.items[this.next] = item
    this.next = (this.next + 1) % this.capacity
  }

  /** Oldest first. */
  toArray(): T[] {
    return this.next === 0 ? [...this.items] : [...this.items.slice(this.next), ...this.items.slice(0, this.next)]
  }
}

export interface RequestLogLimits {
  /** Entries kept over all mailboxes. */
  total: number
  /** Entries kept per mailbox, so one busy mailbox cannot push another's history out. */
  perMailbox: number
}

const DEFAULT_LIMITS: RequestLogLimits = {total: 20_000, perMailbox: 500}

export function createRequestLog(limits: RequestLogLimits = DEFAULT_LIMITS): RequestLog {
  let everything = new RingBuffer<RequestLogEntry>(limits.total)
  let byMailbox = new Map<string, RingBuffer<RequestLogEntry>>()
  return {
    record(entry) {
      const full: RequestLogEntry = {at: new Date().toISOString(), ...entry}
      everything.push(full)
      if (!full.mailbox) return
      const key = full.mailbox.toLowerCase()
      let ring = byMailbox.get(key)
      if (!ring) {
        ring = new RingBuffer(limits.perMailbox)
        byMailbox.set(key, ring)
      }
      ring.push(full)
    },
    forMailbox(mailbox) {
      return byMailbox.get(mailbox.toLowerCase())?.toArray() ?? []
    },
    all() {
      return everything.toArray()
    },
    clear() {
      everything = new RingBuffer(limits.total)
      byMailbox = new Map()
    },
  }
}

/**
 * User edits for the "1% of mailboxes changed" scenario, made through each emulator's control API as the
 * mailbox's owner would make them in their calendar: one meeting they organise, single and not cancelled,
 * gets the @webex keyword added to its location (so the next sync reads it, and writes its join details).
 */
import type {ControlClient} from '../../src/sandbox/host/control-client.js'
import type {SandboxProviderId} from '../../src/sandbox/types.js'

/** A meeting of the ground truth, in neutral words. */
interface Candidate {
  id: string
  organiser: string
  location: string
  single: boolean
  cancelled: boolean
}

interface EditRoutes {
  list(control: ControlClient, mailbox: string): Promise<Candidate[]>
  addKeyword(control: ControlClient, mailbox: string, meeting: Candidate): Promise<void>
}

async function ok<T>(control: ControlClient, method: string, path: string, body?: unknown): Promise<T> {
  const response = await control(method, path, body)
  if (response.status >= 300) {
    throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(response.body)}`)
  }
  return response.body as T
}

const at = (mailbox: string) => encodeURIComponent(mailbox)
const withKeyword = (location: string) => (location ? `@webex ${location}` : '@webex')

const ROUTES: Record<SandboxProviderId, EditRoutes> = {
  google: {
    async list(control, mailbox) {
      type Event = {
        id: string
        status?: string
        location?: string
        recurrence?: unknown
        recurringEventId?: string
        organizer?: {email?: string}
      }
      const {events} = await ok<{events: Event[]}>(control, 'GET', `/_sandbox/google/calendars/${at(mailbox)}/events`)
      return events.map((e) => ({
        id: e.id,
        organiser: e.organizer?.email ?? '',
        location: e.location ?? '',
        single: !e.recurrence && !e.recurringEventId,
        cancelled: e.status === 'cancelled',
      }))
    },
    async addKeyword(control, mailbox, meeting) {
      await ok(control, 'PATCH', `/_sandbox/google/calendars/${at(mailbox)}/events/${meeting.id}`, {
        location: withKeyword(meeting.location),
      })
    },
  },
  microsoft: {
    async list(control, mailbox) {
      type Event = {
        id: string
        type?: string
        isCancelled?: boolean
        location?: {displayName?: string}
        organizer?: {emailAddress?: {address?: string}}
      }
      const path = `/_sandbox/microsoft/mailboxes/${at(mailbox)}/events`
      const {value} = await ok<{value: Event[]}>(control, 'GET', path)
      return value.map((e) => ({
        id: e.id,
        organiser: e.organizer?.emailAddress?.address ?? '',
        location: e.location?.displayName ?? '',
        single: e.type === undefined || e.type === 'singleInstance',
        cancelled: e.isCancelled === true,
      }))
    },
    async addKeyword(control, mailbox, meeting) {
      await ok(control, 'PATCH', `/_sandbox/microsoft/mailboxes/${at(mailbox)}/events/${meeting.id}`, {
        location: {displayName: withKeyword(meeting.location)},
      })
    },
  },
  exchange: {
    async list(control, mailbox) {
      type Item = {
        id: string
        location?: string
        isCancelled?: boolean
        organizer?: {email?: string}
        recurrence?: unknown
      }
      const {items} = await ok<{items: Item[]}>(control, 'GET', `/_sandbox/exchange/mailboxes/${at(mailbox)}/items`)
      return items.map((item) => ({
        id: item.id,
        organiser: item.organizer?.email ?? '',
        location: item.location ?? '',
        single: !item.recurrence,
        cancelled: item.isCancelled === true,
      }))
    },
    async addKeyword(control, mailbox, meeting) {
      const path = `/_sandbox/exchange/mailboxes/${at(mailbox)}/items/${encodeURIComponent(meeting.id)}`
      await ok(control, 'PATCH', path, {location: withKeyword(meeting.location)})
    },
  },
}

/** The share of `mailboxes` to change: at least one when there are any. */
export function changedMailboxes(mailboxes: readonly string[], share: number): string[] {
  if (mailboxes.length === 0) return []
  const count = Math.max(1, Math.round(mailboxes.length * share))
  // Spread over the list rather than its first few: seeded users differ in size and zone along it.
  const step = mailboxes.length / count
  return Array.from({length: count}, (_, i) => mailboxes[Math.floor(i * step)]!)
}

/** Adds the keyword to one meeting each mailbox organises; returns how many mailboxes were changed. */
export async function changeMailboxes(
  provider: SandboxProviderId,
  control: ControlClient,
  mailboxes: readonly string[],
): Promise<number> {
  const routes = ROUTES[provider]
  let changed = 0
  for (const mailbox of mailboxes) {
    const meetings = await routes.list(control, mailbox)
    const target = meetings.find(
      (m) =>
        m.single &&
        !m.cancelled &&
        m.organiser.toLowerCase() === mailbox.toLowerCase() &&
        !/@webex|@meet/i.test(m.location),
    )
    if (!target) continue
    await routes.addKeyword(control, mailbox, target)
    changed++
  }
  return changed
}

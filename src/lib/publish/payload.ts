/**
 * The JSON a sink receives for an event, built field by field from an allow-list (never by copying the
 * event), so nothing the port does not name, a meeting body above all, can reach a receiver. Titles,
 * organisers, invitees and push targets' addresses go only to sinks that see people (https).
 *
 * Envelope, as the Standard Webhooks spec suggests: {"type", "timestamp", "data"}.
 */
import type {MeetingsListEntry} from '../core/meetings/list.js'
import type {ObtpPlanEntry} from '../core/obtp/plan.js'
import type {PublishEvent} from '../ports/publish.js'

export interface WebhookPayload {
  type: PublishEvent['type'] | 'hcal.test'
  /** When hcal recorded the event (ISO). */
  timestamp: string
  data: Record<string, unknown>
}

export interface PayloadOptions {
  /** Titles, organisers and invitees included (https sinks only). */
  people: boolean
  now?: Date
}

export function renderPayload(event: PublishEvent, options: PayloadOptions): WebhookPayload {
  const timestamp = (options.now ?? new Date()).toISOString()
  switch (event.type) {
    case 'meetings.changed':
      return {
        type: event.type,
        timestamp,
        data: {
          mailbox: event.mailbox,
          changed: event.changed.map((entry) => meetingData(entry, options.people)),
          removed: [...event.removed],
        },
      }
    case 'presence.changed':
      return {
        type: event.type,
        timestamp,
        data: {
          mailbox: event.mailbox,
          outOfOffice: {
            state: event.outOfOffice.state,
            start: event.outOfOffice.start ?? null,
            end: event.outOfOffice.end ?? null,
          },
        },
      }
    case 'obtp.due':
      return {type: event.type, timestamp, data: obtpData(event.entry, options.people)}
  }
}

function joinData(join: MeetingsListEntry['join']): Record<string, unknown> | null {
  return join && {url: join.url, sip: join.sip, service: join.service}
}

function meetingData(entry: MeetingsListEntry, people: boolean): Record<string, unknown> {
  const data: Record<string, unknown> = {
    id: entry.id,
    start: entry.start,
    end: entry.end,
    allDay: entry.allDay,
    status: entry.status,
    private: entry.private,
    keyword: entry.keyword,
    join: joinData(entry.join),
    source: entry.source,
  }
  if (!people) return data
  return {
    ...data,
    // The meetings list already hides the titles of private meetings.
    title: entry.private ? null : entry.title,
    organizer: {email: entry.organizer.email, name: entry.organizer.name},
    invitees: entry.invitees.map((i) => ({email: i.email, name: i.name, response: i.response, room: i.room})),
  }
}

function obtpData(entry: ObtpPlanEntry, people: boolean): Record<string, unknown> {
  return {
    meetingId: entry.meetingId,
    start: entry.start,
    end: entry.end,
    showFrom: entry.showFrom,
    showUntil: entry.showUntil,
    join: joinData(entry.join),
    source: entry.source,
    // The device address is what a receiver pushes the button to; who it belongs to is a person detail.
    targets: entry.targets.map((t) =>
      people
        ? {kind: t.kind, address: t.address, response: t.response, email: t.email}
        : {kind: t.kind, address: t.address, response: t.response},
    ),
    ...(people ? {title: entry.title} : {}),
  }
}

export function testPayload(sink: string, now = new Date()): WebhookPayload {
  return {type: 'hcal.test', timestamp: now.toISOString(), data: {sink, message: 'hcal publish test'}}
}

/**
 * What the sandbox's Google calendars really hold, read and changed through its control API as the end user
 * would (never through hcal): the demo shows a meeting before and after hcal wrote to it from here.
 */
import {decodeHTML} from 'entities'

import {findKeyword} from '../lib/core/join/keywords.js'
import {locateJoinBlocks} from '../lib/core/joinblock/index.js'
import {HcalError} from '../lib/errors.js'
import {bodyTypeOf} from '../lib/providers/google/calendar/wire.js'
import type {ControlClient} from '../sandbox/host/control-client.js'

export interface TruthEvent {
  id: string
  title: string
  location: string
  body: string
  organiser: string
  start: string
  end: string
  recurring: boolean
  cancelled: boolean
}

interface GoogleEvent {
  id: string
  status?: string
  summary?: string
  location?: string
  description?: string
  recurrence?: string[]
  recurringEventId?: string
  organizer?: {email?: string}
  start?: {dateTime?: string; date?: string}
  end?: {dateTime?: string; date?: string}
}

const PREFIX = '/_sandbox/google/calendars'

async function call<T>(control: ControlClient, method: string, path: string, body?: unknown): Promise<T> {
  const response = await control(method, path, body)
  if (response.status >= 300) {
    throw new HcalError('DEMO_SANDBOX_FAILED', `The sandbox answered ${method} ${path} with ${response.status}.`, {
      suggestions: ['This is a bug in the demo or the sandbox: please report it with the output above.'],
    })
  }
  return response.body as T
}

function neutral(event: GoogleEvent): TruthEvent {
  return {
    id: event.id,
    title: event.summary ?? '',
    location: event.location ?? '',
    body: event.description ?? '',
    organiser: event.organizer?.email?.toLowerCase() ?? '',
    start: event.start?.dateTime ?? event.start?.date ?? '',
    end: event.end?.dateTime ?? event.end?.date ?? '',
    recurring: Boolean(event.recurrence ?? event.recurringEventId),
    cancelled: event.status === 'cancelled',
  }
}

export async function googleEvents(control: ControlClient, email: string): Promise<TruthEvent[]> {
  const found = await call<{events: GoogleEvent[]}>(control, 'GET', `${PREFIX}/${encodeURIComponent(email)}/events`)
  return found.events.map(neutral)
}

export async function googleEvent(control: ControlClient, email: string, id: string): Promise<TruthEvent | undefined> {
  return (await googleEvents(control, email)).find((event) => event.id === id)
}

/** Creates a meeting in `email`'s calendar as that user would in Google Calendar. */
export async function createGoogleEvent(
  control: ControlClient,
  email: string,
  meeting: {title: string; location: string; body: string; start: Date; end: Date},
): Promise<TruthEvent> {
  const created = await call<GoogleEvent>(control, 'POST', `${PREFIX}/${encodeURIComponent(email)}/events`, {
    title: meeting.title,
    location: meeting.location,
    body: meeting.body,
    start: meeting.start.toISOString(),
    end: meeting.end.toISOString(),
  })
  return neutral(created)
}

/**
 * The first upcoming single meeting that `email` organises and whose location carries one of `keywords`:
 * the one hcal will write join details into.
 */
export function keywordMeetingOf(
  events: readonly TruthEvent[],
  email: string,
  keywords: readonly string[],
  now = Date.now(),
): TruthEvent | undefined {
  return events
    .filter(
      (event) =>
        event.organiser === email &&
        !event.recurring &&
        !event.cancelled &&
        Date.parse(event.start) > now &&
        findKeyword(event.location, keywords) !== null,
    )
    .sort((a, b) => Date.parse(a.start) - Date.parse(b.start))[0]
}

/** The join blocks hcal wrote into a body, each as the plain lines a person reads. */
export function joinBlocksOf(body: string): string[][] {
  const type = bodyTypeOf(body)
  return locateJoinBlocks(body, type).regions.map(({start, end}) => {
    const text = body.slice(start, end)
    const plain =
      type === 'text'
        ? text
        : decodeHTML(
            text
              .replace(/<(br|\/p|\/div|\/li)\b[^>]*>/gi, '\n')
              .replace(/<!--[\s\S]*?-->/g, '')
              .replace(/<[^>]+>/g, ''),
          )
    return plain
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== '')
  })
}

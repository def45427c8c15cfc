/**
 * Core throughput (scenario 6): events decided per second with no I/O. The events are the sandbox seed's
 * meetings (the same realistic mix of join links, keywords, HTML bodies and wrapped links), each as the
 * organiser's copy and as every attendee's copy, and each goes through what the engine asks core for every
 * event it reads (src/lib/sync/decide.ts without the write): how it is joined (resolveJoin), and for the
 * organiser's copy whether it is the echo of our own write and which join block it needs (planJoinBlock).
 */
import {isEchoOfOwnWrite, planJoinBlock} from '../../src/lib/core/joinblock/plan.js'
import {resolveJoin} from '../../src/lib/core/meetings/join.js'
import type {CalendarEvent} from '../../src/lib/core/model.js'
import {DEFAULT_MEETING_SETTINGS, type MeetingSettings} from '../../src/lib/core/settings.js'
import {generateSeed} from '../../src/sandbox/seed/generate.js'
import type {SeedMeeting} from '../../src/sandbox/types.js'
import {percentile} from './stats.js'

export interface CoreThroughput {
  events: number
  wallMs: number
  eventsPerSecond: number
  /** CPU time of the loop: on a busy machine the steadier figure (wall time includes waiting for a core). */
  cpuMs: number
  eventsPerCpuSecond: number
  /** Time to decide one event. */
  p50Ms: number
  p99Ms: number
}

function copyOf(meeting: SeedMeeting, mailbox: string, index: number): CalendarEvent {
  return {
    id: `${meeting.uid}-${index}`,
    provider: 'google',
    mailbox,
    title: meeting.title,
    location: meeting.location,
    body: meeting.body,
    bodyType: meeting.bodyType,
    start: meeting.start,
    end: meeting.end,
    allDay: meeting.allDay,
    organizer: {email: meeting.organizer},
    attendees: meeting.attendees.map((a) => ({email: a.email, response: a.response, isRoom: a.isRoom === true})),
    status: meeting.status,
    myResponse: mailbox === meeting.organizer ? 'organizer' : 'accepted',
    sensitivity: meeting.sensitivity,
    conference: meeting.conference ? [meeting.conference] : [],
    changeToken: `"${index}"`,
  }
}

/** The seed's meetings for `users` x `meetings`, as every copy a sync would read. */
export function seedEvents(users: number, meetings: number): CalendarEvent[] {
  const seed = generateSeed({seed: 1, users, events: meetings, rooms: 0, provider: 'google'})
  return seed.meetings.flatMap((meeting) =>
    [meeting.organizer, ...meeting.attendees.map((a) => a.email)].map((mailbox, i) => copyOf(meeting, mailbox, i)),
  )
}

function decideOne(event: CalendarEvent, settings: MeetingSettings, keywords: string[]): unknown {
  const resolved = resolveJoin(event, settings)
  if (event.mailbox !== event.organizer.email || event.status === 'cancelled') return resolved
  if (isEchoOfOwnWrite(event, keywords)) return resolved
  return planJoinBlock(event, {keyword: resolved.keyword}, settings, 'en')
}

export function measureCoreThroughput(events: readonly CalendarEvent[]): CoreThroughput {
  const settings: MeetingSettings = {...DEFAULT_MEETING_SETTINGS, site: 'acme'}
  const keywords = Object.keys(settings.keywords)
  // One pass to warm the JIT, as a long sync run is warm after its first pages.
  for (const event of events.slice(0, 2000)) decideOne(event, settings, keywords)
  const times = new Array<number>(events.length)
  const cpuBefore = process.cpuUsage()
  const started = performance.now()
  for (let i = 0; i < events.length; i++) {
    const t0 = performance.now()
    decideOne(events[i]!, settings, keywords)
    times[i] = performance.now() - t0
  }
  const wallMs = performance.now() - started
  const cpu = process.cpuUsage(cpuBefore)
  const cpuMs = (cpu.user + cpu.system) / 1000
  times.sort((a, b) => a - b)
  return {
    events: events.length,
    wallMs: Math.round(wallMs),
    eventsPerSecond: Math.round((events.length * 1000) / wallMs),
    cpuMs: Math.round(cpuMs),
    eventsPerCpuSecond: Math.round((events.length * 1000) / Math.max(cpuMs, 1)),
    p50Ms: Math.round(percentile(times, 50) * 1000) / 1000,
    p99Ms: Math.round(percentile(times, 99) * 1000) / 1000,
  }
}

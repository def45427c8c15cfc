import type {SeedAttendee, SeedMeeting, SeedRecurrence, SeedResponse, SeedRoom, SeedUser} from '../types.js'
import {ContentPool, JOIN_VARIANT_WEIGHTS, type ContentContext} from './content.js'
import {localeProfile, utcOffsetHours} from './people.js'
import {Deck, type Prng} from './prng.js'

const MINUTE_MS = 60_000
const HOUR_MS = 60 * MINUTE_MS
const DAY_MS = 24 * HOUR_MS

/**
 * Meetings start on days -5..+29 around the UTC day of `now`, in the organiser's business hours,
 * so every occurrence lies inside [now - 7 days, now + 31 days] whatever the zone.
 */
const FIRST_DAY = -5
const LAST_DAY = 29

type Shape = 'single' | 'weekly' | 'daily' | 'allDay' | 'cancelled' | 'private' | 'tentative'

const SHAPE_WEIGHTS: readonly (readonly [Shape, number])[] = [
  ['single', 12],
  ['weekly', 2],
  ['daily', 1],
  ['allDay', 1],
  ['cancelled', 1],
  ['private', 2],
  ['tentative', 1],
]

const RESPONSE_WEIGHTS: readonly (readonly [SeedResponse, number])[] = [
  ['accepted', 10],
  ['tentative', 3],
  ['declined', 3],
  ['needsAction', 4],
]

const DURATIONS_MIN = [15, 30, 30, 30, 45, 60, 60, 60, 90, 120]

const EXTERNAL_ATTENDEES: readonly SeedAttendee[] = [
  {email: 'alex.kim@northwind.example', name: 'Alex Kim', response: 'needsAction'},
  {email: 'procurement@tailspin.example', response: 'needsAction'},
  {email: 'r.silva@woodgrove.example', name: 'Rita Silva', response: 'needsAction'},
  {email: 'events@adventure-works.example', response: 'needsAction'},
]

export interface MeetingGeneratorInput {
  prng: Prng
  org: string
  provider: ContentContext['provider']
  users: readonly SeedUser[]
  rooms: readonly SeedRoom[]
  /** Midnight UTC of the day meetings are placed around. */
  dayStart: number
}

export class MeetingGenerator {
  /** Start/end instants are quarter hours in a 40-day window: a few thousand distinct strings, shared. */
  private readonly isoCache = new Map<number, string>()
  private readonly shapes: Deck<Shape>
  private readonly responses: Deck<SeedResponse>
  private readonly content: ContentPool
  private readonly variants: Deck<(typeof JOIN_VARIANT_WEIGHTS)[number][0]>

  constructor(private readonly input: MeetingGeneratorInput) {
    const {prng} = input
    this.shapes = new Deck(prng, SHAPE_WEIGHTS)
    this.responses = new Deck(prng, RESPONSE_WEIGHTS)
    this.variants = new Deck(prng, JOIN_VARIANT_WEIGHTS)
    this.content = new ContentPool(input)
  }

  /** The `ordinal`-th meeting organised by user number `organizerIndex`. */
  meeting(organizerIndex: number, ordinal: number): SeedMeeting {
    const {prng, users} = this.input
    const organizer = users[organizerIndex] as SeedUser
    const shape = this.shapes.draw()
    const content = this.content.take(this.variants.draw())
    const meeting: SeedMeeting = {
      uid: `${this.input.org}-${organizerIndex}-${ordinal}`,
      organizer: organizer.email,
      attendees: this.attendees(organizerIndex),
      title: prng.pick(localeProfile(organizer.locale).titles),
      location: content.location,
      body: content.body,
      bodyType: content.bodyType,
      start: '',
      end: '',
      allDay: shape === 'allDay',
      status: shape === 'cancelled' ? 'cancelled' : shape === 'tentative' ? 'tentative' : 'confirmed',
      sensitivity: shape === 'private' ? 'private' : 'normal',
    }
    if (content.conference) meeting.conference = {...content.conference}
    if (shape === 'weekly' || shape === 'daily') meeting.recurrence = this.recurrence(shape)
    this.place(meeting, organizer)
    return meeting
  }

  private attendees(organizerIndex: number): SeedAttendee[] {
    const {prng, users, rooms} = this.input
    const attendees: SeedAttendee[] = []
    const seen = [organizerIndex]
    const wanted = Math.min(users.length - 1, prng.int(1, 5))
    for (let tries = 0; attendees.length < wanted && tries < wanted * 4; tries++) {
      const index = prng.int(0, users.length - 1)
      if (seen.includes(index)) continue
      seen.push(index)
      const user = users[index] as SeedUser
      attendees.push({email: user.email, name: user.displayName, response: this.responses.draw()})
    }
    if (prng.chance(0.3)) {
      const external = prng.pick(EXTERNAL_ATTENDEES)
      attendees.push({...external, response: this.responses.draw()})
    }
    if (rooms.length > 0 && prng.chance(0.3)) {
      const room = prng.pick(rooms)
      attendees.push({
        email: room.email,
        name: room.displayName,
        response: prng.chance(0.9) ? 'accepted' : 'declined',
        isRoom: true,
      })
    }
    return attendees
  }

  private recurrence(shape: 'weekly' | 'daily'): SeedRecurrence {
    const {prng} = this.input
    const recurrence: SeedRecurrence =
      shape === 'weekly'
        ? {freq: 'WEEKLY', interval: 1, count: prng.int(3, 5)}
        : {freq: 'DAILY', interval: 1, count: prng.int(5, 10)}
    if (prng.chance(0.75)) {
      recurrence.exceptions = [
        {index: 1, cancelled: true},
        {
          index: 2,
          startShiftMinutes: prng.pick([-60, -30, 30, 90]),
          ...(prng.chance(0.5) ? {title: 'Moved: see new time'} : {}),
        },
      ]
    }
    return recurrence
  }

  private iso(ms: number): string {
    let value = this.isoCache.get(ms)
    if (value === undefined) {
      value = new Date(ms).toISOString()
      this.isoCache.set(ms, value)
    }
    return value
  }

  /** Sets start and end so that every occurrence (including moved ones) stays inside the window. */
  private place(meeting: SeedMeeting, organizer: SeedUser): void {
    const {prng, dayStart} = this.input
    const spanDays = meeting.recurrence
      ? (meeting.recurrence.count - 1) *
        (meeting.recurrence.freq === 'WEEKLY' ? 7 : 1) *
        (meeting.recurrence.interval ?? 1)
      : 0
    if (meeting.allDay) {
      const days = prng.int(1, 2)
      const start = dayStart + prng.int(FIRST_DAY, LAST_DAY - days) * DAY_MS
      meeting.start = this.iso(start)
      meeting.end = this.iso(start + days * DAY_MS)
      return
    }
    const day = prng.int(FIRST_DAY, LAST_DAY - spanDays)
    const localMinutes = prng.int(8 * 4, 17 * 4) * 15
    const start = dayStart + day * DAY_MS + localMinutes * MINUTE_MS - utcOffsetHours(organizer) * HOUR_MS
    meeting.start = this.iso(start)
    meeting.end = this.iso(start + prng.pick(DURATIONS_MIN) * MINUTE_MS)
  }
}

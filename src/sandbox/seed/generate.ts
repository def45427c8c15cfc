import type {SandboxProviderId, SeedData, SeedMeeting} from '../types.js'
import {MeetingGenerator} from './meetings.js'
import {assignOutOfOffice, generateRooms, generateUsers} from './people.js'
import {hashSeed, Prng} from './prng.js'

const DAY_MS = 86_400_000

/** Each provider's fictional organisation: mail domain and short name (Webex site, room devices). */
export const SEED_ORGANISATIONS: Record<SandboxProviderId, {domain: string; org: string}> = {
  google: {domain: 'acme-google.test', org: 'acme'},
  microsoft: {domain: 'contoso-m365.test', org: 'contoso'},
  exchange: {domain: 'fabrikam-onprem.test', org: 'fabrikam'},
}

export interface SeedOptions {
  seed: number
  /** Users of this provider. */
  users: number
  /** Meetings each user organises (so `users * events` meetings in all, plus attendees' copies). */
  events: number
  rooms: number
  provider: SandboxProviderId
  /** Overrides the provider's default domain. */
  domain?: string
  /** The clock the meeting window is relative to (default now). Only its UTC day matters. */
  now?: number
}

/**
 * The window every generated meeting occurrence lies in: from 7 days before to 31 days after `now`.
 * Placement is relative to the UTC day of `now`, so runs on the same day produce identical data.
 */
export function seedWindow(now: number): {start: number; end: number; dayStart: number} {
  const dayStart = Math.floor(now / DAY_MS) * DAY_MS
  return {start: now - 7 * DAY_MS, end: now + 31 * DAY_MS, dayStart}
}

/**
 * Provider-neutral, deterministic seed data: the same options (and UTC day) give byte-identical
 * output; the provider is mixed into the PRNG seed, so providers get different people and meetings.
 */
export function generateSeed(options: SeedOptions): SeedData {
  const organisation = SEED_ORGANISATIONS[options.provider]
  const domain = options.domain ?? organisation.domain
  const {dayStart} = seedWindow(options.now ?? Date.now())
  const prng = new Prng(hashSeed(`${options.seed}:${options.provider}:${domain}`))
  const users = generateUsers(prng, options.users, domain)
  assignOutOfOffice(prng, users, dayStart)
  const rooms = generateRooms(prng, options.rooms, domain, organisation.org)
  const generator = new MeetingGenerator({
    prng,
    org: organisation.org,
    provider: options.provider,
    users,
    rooms,
    dayStart,
  })
  const meetings: SeedMeeting[] = new Array<SeedMeeting>(users.length * options.events)
  let next = 0
  for (let organizer = 0; organizer < users.length; organizer++) {
    for (let ordinal = 0; ordinal < options.events; ordinal++) meetings[next++] = generator.meeting(organizer, ordinal)
  }
  return {domain, users, rooms, meetings}
}

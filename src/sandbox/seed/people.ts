import type {SeedRoom, SeedUser} from '../types.js'
import {LOCALE_WEIGHTS, LOCALES, type LocaleProfile} from './locales.js'
import {Deck, type Prng} from './prng.js'

const DAY_MS = 86_400_000

/** UTC offset of a seeded user's zone (standard time), for placing meetings in business hours. */
export function utcOffsetHours(user: SeedUser): number {
  for (const profile of LOCALES) {
    const zone = profile.zones.find((z) => z.zone === user.timeZone)
    if (zone) return zone.utcOffsetHours
  }
  return 0
}

export function localeProfile(locale: string): LocaleProfile {
  return LOCALES.find((profile) => profile.locale === locale) ?? (LOCALES[0] as LocaleProfile)
}

export function generateUsers(prng: Prng, count: number, domain: string): SeedUser[] {
  const locales = new Deck(
    prng,
    LOCALES.map((profile, i) => [profile, LOCALE_WEIGHTS[i] ?? 1] as const),
  )
  const taken = new Map<string, number>()
  const users: SeedUser[] = []
  for (let i = 0; i < count; i++) {
    const profile = locales.draw()
    const [givenDisplay, givenAscii] = prng.pick(profile.givenNames)
    const [familyDisplay, familyAscii] = prng.pick(profile.familyNames)
    const base = `${givenAscii}.${familyAscii}`
    const seen = taken.get(base) ?? 0
    taken.set(base, seen + 1)
    users.push({
      email: `${seen === 0 ? base : `${base}${seen + 1}`}@${domain}`,
      displayName: profile.familyFirst ? `${familyDisplay} ${givenDisplay}` : `${givenDisplay} ${familyDisplay}`,
      locale: profile.locale,
      timeZone: prng.pick(profile.zones).zone,
    })
  }
  return users
}

/**
 * About 5% of users (at least two when there are ten or more) get out-of-office, alternating between
 * a scheduled period around `dayStart` and one that stays on until turned off. The first user never
 * does, so tests have a predictable in-office user.
 */
export function assignOutOfOffice(prng: Prng, users: SeedUser[], dayStart: number): void {
  if (users.length < 2) return
  const wanted = Math.min(users.length - 1, Math.max(users.length >= 10 ? 2 : 0, Math.round(users.length * 0.05)))
  const chosen = new Set<number>()
  while (chosen.size < wanted) chosen.add(prng.int(1, users.length - 1))
  let scheduled = true
  for (const index of [...chosen].sort((a, b) => a - b)) {
    const user = users[index] as SeedUser
    const message = localeProfile(user.locale).oofMessage
    if (scheduled) {
      const start = dayStart + prng.int(-3, 10) * DAY_MS
      const end = start + prng.int(2, 10) * DAY_MS
      user.oof = {enabled: true, start: new Date(start).toISOString(), end: new Date(end).toISOString(), message}
    } else {
      user.oof = {enabled: true, message}
    }
    scheduled = !scheduled
  }
}

const ROOM_SITES = ['Berlin', 'London', 'New York', 'Tokyo', 'Warsaw', 'Paris', 'Madrid']

/** Rooms `room-N@domain`; every fifth room has no video device, the others a Webex device address. */
export function generateRooms(prng: Prng, count: number, domain: string, org: string): SeedRoom[] {
  const rooms: SeedRoom[] = []
  for (let n = 1; n <= count; n++) {
    const site = prng.pick(ROOM_SITES)
    const room: SeedRoom = {email: `room-${n}@${domain}`, displayName: `${site} Room ${n} (${prng.int(4, 16)})`}
    if (n % 5 !== 0) room.deviceSip = `room-${n}@${org}.rooms.webex.com`
    rooms.push(room)
  }
  return rooms
}

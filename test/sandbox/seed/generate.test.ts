import assert from 'node:assert/strict'

import {generateSeed, seedWindow} from '../../../src/sandbox/seed/generate.js'
import type {SandboxProviderId, SeedData, SeedMeeting} from '../../../src/sandbox/types.js'

const NOW = Date.UTC(2026, 10, 22, 15, 37)
const MINUTE = 60_000
const DAY = 86_400_000

function seed(provider: SandboxProviderId, overrides: Partial<Parameters<typeof generateSeed>[0]> = {}): SeedData {
  return generateSeed({seed: 1, users: 30, events: 10, rooms: 6, provider, now: NOW, ...overrides})
}

/** Every occurrence's [start, end] in ms, with moved occurrences shifted and cancelled ones left out. */
function occurrences(meeting: SeedMeeting): [number, number][] {
  const start = Date.parse(meeting.start)
  const length = Date.parse(meeting.end) - start
  const recurrence = meeting.recurrence
  if (!recurrence) return [[start, start + length]]
  const step = (recurrence.freq === 'WEEKLY' ? 7 : 1) * (recurrence.interval ?? 1) * DAY
  const result: [number, number][] = []
  for (let i = 0; i < recurrence.count; i++) {
    const exception = recurrence.exceptions?.find((e) => e.index === i)
    if (exception?.cancelled) continue
    const at = start + i * step + (exception?.startShiftMinutes ?? 0) * MINUTE
    result.push([at, at + length])
  }
  return result
}

function text(meeting: SeedMeeting): string {
  return `${meeting.location}\n${meeting.body}`
}

describe('sandbox seed: generateSeed', function () {
  it('is deterministic: the same inputs give byte-identical output, also later the same day', function () {
    const a = JSON.stringify(seed('google'))
    assert.equal(JSON.stringify(seed('google')), a)
    assert.equal(JSON.stringify(seed('google', {now: NOW + 3 * 3600_000})), a)
    assert.notEqual(JSON.stringify(seed('google', {seed: 2})), a)
  })

  it('gives each provider its own domain, people and meetings', function () {
    const google = seed('google')
    const microsoft = seed('microsoft')
    const exchange = seed('exchange')
    assert.deepEqual(
      [google.domain, microsoft.domain, exchange.domain],
      ['acme-google.test', 'contoso-m365.test', 'fabrikam-onprem.test'],
    )
    for (const data of [google, microsoft, exchange]) {
      assert.ok(data.users.every((u) => u.email.endsWith(`@${data.domain}`)))
      assert.ok(data.rooms.every((r) => r.email.endsWith(`@${data.domain}`)))
    }
    const names = (data: SeedData) => data.users.map((u) => u.displayName).join('|')
    assert.notEqual(names(google), names(microsoft))
    assert.notEqual(names(microsoft), names(exchange))
  })

  it('produces the requested counts, unique addresses and unique meeting ids', function () {
    const data = seed('microsoft', {users: 200, events: 7, rooms: 11})
    assert.equal(data.users.length, 200)
    assert.equal(data.rooms.length, 11)
    assert.equal(data.meetings.length, 1400)
    assert.equal(new Set(data.users.map((u) => u.email)).size, 200)
    assert.equal(new Set(data.meetings.map((m) => m.uid)).size, 1400)
    const perOrganizer = new Map<string, number>()
    for (const m of data.meetings) perOrganizer.set(m.organizer, (perOrganizer.get(m.organizer) ?? 0) + 1)
    assert.ok([...perOrganizer.values()].every((n) => n === 7))
    for (const m of data.meetings) {
      assert.ok(!m.attendees.some((a) => a.email === m.organizer), 'the organizer is not listed as an attendee')
      assert.equal(new Set(m.attendees.map((a) => a.email)).size, m.attendees.length)
    }
  })

  it('keeps every occurrence inside 7 days back .. 31 days ahead, on quarter hours', function () {
    const {start, end} = seedWindow(NOW)
    assert.equal(start, NOW - 7 * DAY)
    assert.equal(end, NOW + 31 * DAY)
    for (const provider of ['google', 'microsoft', 'exchange'] as const) {
      for (const meeting of seed(provider, {users: 60}).meetings) {
        assert.ok(Date.parse(meeting.end) > Date.parse(meeting.start), meeting.uid)
        assert.equal(Date.parse(meeting.start) % (15 * MINUTE), 0, meeting.uid)
        if (meeting.allDay) assert.match(meeting.start, /T00:00:00\.000Z$/)
        for (const [s, e] of occurrences(meeting)) {
          assert.ok(s >= start && e <= end, `${meeting.uid} ${new Date(s).toISOString()} outside the window`)
        }
      }
    }
  })

  it('spreads users over six locales with matching zones, ~5% with scheduled or permanent out-of-office', function () {
    const data = seed('google', {users: 400})
    const zones: Record<string, RegExp> = {
      'en-US': /^America\//,
      'de-DE': /^Europe\/Berlin$/,
      'ja-JP': /^Asia\/Tokyo$/,
      'pl-PL': /^Europe\/Warsaw$/,
      'fr-FR': /^Europe\/Paris$/,
      'es-ES': /^Europe\/Madrid$/,
    }
    assert.deepEqual(new Set(data.users.map((u) => u.locale)), new Set(Object.keys(zones)))
    for (const user of data.users) assert.match(user.timeZone, zones[user.locale] as RegExp)
    const away = data.users.filter((u) => u.oof?.enabled)
    assert.equal(away.length, 20)
    assert.ok(away.some((u) => u.oof?.start && u.oof.end && Date.parse(u.oof.end) > Date.parse(u.oof.start)))
    assert.ok(away.some((u) => !u.oof?.start && !u.oof?.end))
    assert.equal(data.users[0]?.oof, undefined)
  })

  it('gives most rooms a Webex device address and some none', function () {
    const rooms = seed('google', {rooms: 10}).rooms
    const withDevice = rooms.filter((r) => r.deviceSip)
    assert.equal(withDevice.length, 8)
    assert.ok(withDevice.every((r) => /^room-\d+@acme\.rooms\.webex\.com$/.test(r.deviceSip ?? '')))
  })

  it('covers the whole meeting mix at moderate sizes', function () {
    for (const provider of ['google', 'microsoft', 'exchange'] as const) {
      const meetings = seed(provider).meetings
      const has = (what: string, test: (m: SeedMeeting) => boolean) =>
        assert.ok(meetings.some(test), `${provider}: no meeting with ${what}`)
      has('@webex', (m) => m.location === '@webex')
      has('@meet', (m) => m.location === '@meet')
      has('@webex:space', (m) => m.location === '@webex:space')
      has('@meet:myroom', (m) => m.location === '@meet:myroom')
      has('a room name before @webex', (m) => /\S+ @webex$/.test(m.location) && m.location !== '@webex')
      has('an address at webex.com (keyword trap)', (m) => /^[a-z]+@webex\.com$/.test(m.location))
      has('a Zoom link in the location', (m) => /^https:\/\/us02web\.zoom\.us\/j\/\d+/.test(m.location))
      has('a GoTo link', (m) => m.location.startsWith('https://meet.goto.com/'))
      has('a Teams link', (m) => text(m).includes('https://teams.microsoft.com/l/meetup-join/'))
      has('a Webex meeting link', (m) => /https:\/\/\w+\.webex\.com\/\w+\/j\.php\?MTID=m/.test(text(m)))
      has('a Webex personal room', (m) => /https:\/\/\w+\.webex\.com\/meet\/[a-z.0-9]+/.test(text(m)))
      has('a Google Meet link', (m) => /https:\/\/meet\.google\.com\/[a-z]{3}-[a-z]{4}-[a-z]{3}/.test(text(m)))
      has('Safe Links', (m) => m.body.includes('https://nam12.safelinks.protection.outlook.com/?url=https%3A%2F%2F'))
      has('a Google redirect', (m) => m.body.includes('https://www.google.com/url?q=https%3A%2F%2F'))
      has('Proofpoint', (m) => /https:\/\/urldefense\.com\/v3\/__https:\/\/.+__;!!/.test(m.body))
      has('a quoted earlier invitation', (m) => m.body.includes('-----Original Appointment-----'))
      has('an Outlook-style HTML body with a link', (m) => m.bodyType === 'html' && /<a [^>]*href="https:/.test(m.body))
      has('a plain body', (m) => m.bodyType === 'text')
      has('no join details', (m) => m.location === '' && m.body === 'Agenda: status, risks, next steps.')
      has('a daily series', (m) => m.recurrence?.freq === 'DAILY')
      has('a weekly series', (m) => m.recurrence?.freq === 'WEEKLY')
      has('a cancelled occurrence', (m) => Boolean(m.recurrence?.exceptions?.some((e) => e.cancelled)))
      has('a moved occurrence', (m) => Boolean(m.recurrence?.exceptions?.some((e) => e.startShiftMinutes)))
      has('an all-day meeting', (m) => m.allDay)
      has('a cancelled meeting', (m) => m.status === 'cancelled')
      has('a tentative meeting', (m) => m.status === 'tentative')
      has('a private meeting', (m) => m.sensitivity === 'private')
      for (const response of ['accepted', 'declined', 'tentative', 'needsAction'] as const) {
        has(`a ${response} attendee`, (m) => m.attendees.some((a) => a.response === response && !a.isRoom))
      }
      has('a room attendee', (m) => m.attendees.some((a) => a.isRoom && a.email.startsWith('room-')))
      has('an external attendee', (m) => m.attendees.some((a) => a.email.endsWith('.example')))
    }
  })

  it('attaches structured conferences only where the provider has them', function () {
    const kinds = (provider: SandboxProviderId) => new Set(seed(provider).meetings.map((m) => m.conference?.solution))
    assert.deepEqual(kinds('google'), new Set([undefined, 'hangoutsMeet']))
    assert.deepEqual(kinds('microsoft'), new Set([undefined, 'teamsForBusiness']))
    assert.deepEqual(kinds('exchange'), new Set([undefined]))
    const meet = seed('google').meetings.find((m) => m.conference)
    assert.match(meet?.conference?.url ?? '', /^https:\/\/meet\.google\.com\//)
  })
})

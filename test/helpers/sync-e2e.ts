import assert from 'node:assert/strict'

import type {SyncResult} from '../../src/commands/sync.js'
import {findKeyword} from '../../src/lib/core/join/keywords.js'
import {HTML_BEGIN_COMMENT, TEXT_BEGIN} from '../../src/lib/core/joinblock/render.js'
import type {SandboxProviderId} from '../../src/sandbox/types.js'
import {startUsersLab, type UsersLab} from './users-lab.js'

/** One meeting as the emulator's ground truth holds it, in neutral words. */
export interface TruthEvent {
  id: string
  location: string
  body: string
  organiser: string
  start: number
  recurring: boolean
  cancelled: boolean
}

export interface NewMeeting {
  title: string
  location: string
  body: string
  start: Date
  end: Date
}

/** What differs between emulators: their control API's routes and shapes, and their request log's words. */
export interface SyncE2eProvider {
  id: SandboxProviderId
  eventsOf(lab: UsersLab, email: string): Promise<TruthEvent[]>
  create(lab: UsersLab, email: string, meeting: NewMeeting): Promise<string>
  setLocation(lab: UsersLab, email: string, id: string, location: string): Promise<void>
  invalidateCursor(lab: UsersLab, email: string): Promise<void>
  /**
   * Whether the emulator updates attendees' copies when the organiser's event changes (the real services do).
   * When it does not, an attendee's copy of a wanted meeting is not checked.
   */
  attendeeCopiesFollow: boolean
  /** Whether a request-log operation reads or writes a calendar (not settings, tokens or discovery). */
  isCalendarOperation(operation: string): boolean
}

interface Envelope {
  status: number
  result: SyncResult
  warnings: string[]
}

interface LogEntry {
  mailbox?: string
  operation: string
  method: string
}

const DAY = 86_400_000
const KEYWORDS = ['@webex', '@meet']

export function blocksIn(text: string | undefined): number {
  return (text ?? '').split(TEXT_BEGIN).length - 1 + ((text ?? '').split(HTML_BEGIN_COMMENT).length - 1)
}

/** A control-API answer that must have succeeded. */
export async function controlOk<T>(lab: UsersLab, method: string, path: string, body?: unknown): Promise<T> {
  const response = await lab.sandbox.control(method, path, body)
  assert.ok(response.status < 300, `${method} ${path}: ${response.status} ${JSON.stringify(response.body)}`)
  return response.body as T
}

/**
 * `hcal sync` end to end against one emulator, through the built CLI and the real adapter: the ground truth
 * is what the sandbox's calendars hold afterwards, read through its control API.
 */
export function describeSyncEndToEnd(provider: SyncE2eProvider): void {
  describe(`hcal sync against the ${provider.id} sandbox, through the built CLI`, function () {
    this.timeout(600_000)
    let lab: UsersLab
    let active: string[]
    let inactive: string[]

    const sync = async (...args: string[]) => {
      const run = await lab.cli('sync', ...args)
      return {code: run.code, envelope: run.json as Envelope}
    }
    const logOf = async (query: string) =>
      (await controlOk<{entries: LogEntry[]}>(lab, 'GET', `/_sandbox/log?${query}`)).entries

    /** Every single (non-recurring) meeting in the window: one block when a keyword asks and its organiser is active. */
    async function assertGroundTruth(): Promise<number> {
      const from = Date.now() - 6 * DAY
      const to = Date.now() + 30 * DAY
      let keywordMeetings = 0
      for (const email of [...active, ...inactive]) {
        for (const event of await provider.eventsOf(lab, email)) {
          if (event.recurring || !(event.start > from && event.start < to)) continue
          const wanted =
            !event.cancelled && active.includes(event.organiser) && findKeyword(event.location, KEYWORDS) !== null
          if (wanted && event.organiser === email) keywordMeetings++
          if (wanted && event.organiser !== email && !provider.attendeeCopiesFollow) continue
          assert.equal(blocksIn(event.body), wanted ? 1 : 0, `${email} ${event.id} "${event.location}"`)
        }
      }
      return keywordMeetings
    }

    before(async () => {
      lab = await startUsersLab({providers: [provider.id], users: 5, events: 6, rooms: 1})
      const users = lab.seed[provider.id]!.users.map((u) => u.email.toLowerCase())
      active = users.slice(0, 3)
      inactive = users.slice(3)
      assert.equal((await lab.cli('meetings', 'settings', '--site', 'acme')).code, 0)
      const activation = await lab.cli('users', 'activate', ...active)
      assert.equal(activation.code, 0, activation.stdout)
    })
    after(() => lab?.stop())

    it('first sync writes exactly one block per keyword meeting of an active organiser, and nothing else', async () => {
      await lab.sandbox.control('DELETE', '/_sandbox/log')
      const {code, envelope} = await sync()
      assert.equal(code, 0, JSON.stringify(envelope))
      assert.deepEqual(
        envelope.result.users.map((u) => [u.email.toLowerCase(), u.status]).sort(),
        active.map((email) => [email, 'ok']).sort(),
      )
      assert.ok(envelope.result.summary.meetingsRead > 0)
      for (const email of inactive) {
        assert.deepEqual(await logOf(`mailbox=${encodeURIComponent(email)}`), [], `requests to non-activated ${email}`)
      }
      const keywordMeetings = await assertGroundTruth()
      assert.ok(keywordMeetings > 0, 'the seed has keyword meetings of active organisers')
      assert.ok(envelope.result.summary.joinBlocks.written >= keywordMeetings)
    })

    it('our writes echo back once and cause no write; then a run with nothing changed sends one calendar request per mailbox', async () => {
      const echo = await sync()
      assert.equal(echo.code, 0, JSON.stringify(echo.envelope))
      const {written, updated, removed} = echo.envelope.result.summary.joinBlocks
      assert.deepEqual({written, updated, removed}, {written: 0, updated: 0, removed: 0})
      await lab.sandbox.control('DELETE', '/_sandbox/log')
      const {code, envelope} = await sync()
      assert.equal(code, 0, JSON.stringify(envelope))
      assert.deepEqual(envelope.result.summary.joinBlocks, {written: 0, updated: 0, removed: 0, unchanged: 0})
      const log = await logOf(`provider=${provider.id}`)
      const calendar = log.filter((e) => provider.isCalendarOperation(e.operation))
      for (const email of active) {
        const mine = calendar.filter((e) => e.mailbox?.toLowerCase() === email)
        assert.equal(mine.length, 1, `${email}: ${JSON.stringify(log)}`)
      }
      assert.equal(calendar.length, active.length, JSON.stringify(log))
    })

    it('follows user edits: a keyword added gets a block, a keyword removed loses it', async () => {
      const [a] = active as [string]
      const at = (days: number, hours = 10) => new Date(Math.floor(Date.now() / DAY + days) * DAY + hours * 3_600_000)
      const created = await provider.create(lab, a, {
        title: 'Created',
        location: '@webex',
        body: 'Created by the user.',
        start: at(2),
        end: at(2, 11),
      })
      const later = await provider.create(lab, a, {
        title: 'Keyword later',
        location: 'Room 7',
        body: 'No keyword yet.',
        start: at(3),
        end: at(3, 11),
      })
      const first = await sync()
      assert.equal(first.code, 0, JSON.stringify(first.envelope))
      await assertGroundTruth()
      const bodyOf = async (id: string) => (await provider.eventsOf(lab, a)).find((e) => e.id === id)?.body
      assert.equal(blocksIn(await bodyOf(created)), 1)
      await provider.setLocation(lab, a, later, '@webex Room 7')
      await provider.setLocation(lab, a, created, 'Room 9')
      const {code, envelope} = await sync()
      assert.equal(code, 0, JSON.stringify(envelope.warnings))
      assert.ok(envelope.result.summary.joinBlocks.written >= 1)
      assert.ok(envelope.result.summary.joinBlocks.removed >= 1)
      assert.equal(blocksIn(await bodyOf(later)), 1)
      assert.equal(blocksIn(await bodyOf(created)), 0)
      await assertGroundTruth()
    })

    it('an invalidated sync position leads to a full read that converges without a duplicate block', async () => {
      for (const email of active) await provider.invalidateCursor(lab, email)
      const {code, envelope} = await sync()
      assert.equal(code, 0, JSON.stringify(envelope.warnings))
      assert.equal(envelope.result.summary.joinBlocks.written, 0)
      await assertGroundTruth()
    })
  })
}

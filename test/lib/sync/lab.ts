/** A real SQLite store with active users, the fake calendar and the engine's mailbox context around them. */
import {AccessGate} from '../../../src/lib/access/gate.js'
import {DEFAULT_MEETING_SETTINGS, type MeetingSettings} from '../../../src/lib/core/settings.js'
import type {TimeWindow} from '../../../src/lib/ports/calendar.js'
import type {PublishEvent} from '../../../src/lib/ports/publish.js'
import {createSecretStore} from '../../../src/lib/secrets/index.js'
import {openStateStore, type StateStore} from '../../../src/lib/store/index.js'
import {emptyCounts, type EventProblem, type SyncCounts} from '../../../src/lib/sync/counts.js'
import type {PlanEntry} from '../../../src/lib/sync/decide.js'
import {type RoundKind, syncMailbox} from '../../../src/lib/sync/mailbox.js'
import {connectionPacer} from '../../../src/lib/sync/pacer.js'
import {settingsCache} from '../../../src/lib/sync/presence.js'
import {tempHome} from '../../helpers/cli.js'
import {FakeCalendar} from './fake-calendar.js'

export const ALICE = 'alice@acme.test'
export const WINDOW: TimeWindow = {start: '2026-11-26T00:00:00.000Z', end: '2027-01-03T00:00:00.000Z'}
export const SETTINGS: MeetingSettings = {...DEFAULT_MEETING_SETTINGS, site: 'acme'}

export interface RunOutcome {
  round: RoundKind
  counts: SyncCounts
  plan: PlanEntry[]
  problems: EventProblem[]
  published: PublishEvent[]
}

export class EngineLab {
  readonly calendar: FakeCalendar
  published: PublishEvent[] = []

  private constructor(
    readonly store: StateStore,
    calendar: FakeCalendar,
    private readonly cleanup: () => Promise<void>,
  ) {
    this.calendar = calendar
  }

  static async start(calendar = new FakeCalendar()): Promise<EngineLab> {
    const home = await tempHome()
    const secrets = createSecretStore({profile: 'acme', backend: 'memory', env: {}})
    const store = await openStateStore({profile: 'acme', secrets, dataDir: home.env.HCAL_DATA_DIR})
    store.users.upsert({email: ALICE, provider: 'google', kind: 'user', state: 'active'})
    return new EngineLab(store, calendar, async () => {
      store.close()
      await home.cleanup()
    })
  }

  async sync(options: {window?: TimeWindow; dryRun?: boolean; settings?: MeetingSettings} = {}): Promise<RunOutcome> {
    const grant = new AccessGate(this.store.users).grant(ALICE, 'sync')
    const call = connectionPacer(this.calendar.capabilities.limits, {
      retry: {maxAttempts: 2, maxDelayMs: 10, initialDelayMs: 1},
    }).forMailbox()
    const settings = settingsCache(
      this.store,
      ALICE,
      () => call(() => this.calendar.readMailboxSettings()),
      () => new Date(),
    )
    const outcome: RunOutcome = {round: 'full', counts: emptyCounts(), plan: [], problems: [], published: []}
    outcome.round = await syncMailbox(ALICE, grant, {
      store: this.store,
      provider: this.calendar,
      call,
      window: options.window ?? WINDOW,
      settings: options.settings ?? SETTINGS,
      dryRun: options.dryRun ?? false,
      counts: outcome.counts,
      plan: outcome.plan,
      problems: outcome.problems,
      locale: () => settings.locale(),
      sink: {enqueue: (events) => outcome.published.push(...events)},
    })
    return outcome
  }

  storedIds(): string[] {
    return this.store.meetings.idsForMailbox(ALICE).sort()
  }

  async stop(): Promise<void> {
    await this.cleanup()
  }
}

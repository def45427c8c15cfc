/**
 * The demo's steps after provisioning, each one the library code behind an hcal command: domains (`hcal
 * domains add`), activation (`hcal users activate`), sync (`hcal sync`), the meetings list, the OBTP dry
 * run, presence and doctor. Nothing here re-implements a command: it calls what the command calls.
 */
import {requireProfile} from '../lib/config/profiles.js'
import {readProfileDocument} from '../lib/config/profiles.js'
import {buildMeetingsList, defaultWindow} from '../lib/core/meetings/index.js'
import {obtpContextFromUsers, planObtp} from '../lib/core/obtp/index.js'
import type {MeetingSettings} from '../lib/core/settings.js'
import {doctorChecks, runChecks} from '../lib/doctor/checks.js'
import {addDomain} from '../lib/domains/index.js'
import {presenceEntries} from '../lib/presence/entries.js'
import type {SecretStore} from '../lib/secrets/index.js'
import type {StateStore} from '../lib/store/index.js'
import {runSync, type SyncRun} from '../lib/sync/run.js'
import {activateUsers, type ActivationTarget} from '../lib/users/activate.js'
import {report} from '../lib/users/report.js'
import type {RunningSandbox} from '../sandbox/host/start.js'
import type {DemoStory, DemoSyncSummary} from './result.js'

export interface StoryContext {
  sandbox: RunningSandbox
  profile: string
  env: NodeJS.ProcessEnv
  secrets: SecretStore
  store: StateStore
  settings: MeetingSettings
  signal: AbortSignal
  onProgress?: (label: string, part: string, done: number, total: number) => void
}

/** The sandbox's domains, each verified for the calendar system serving it. */
export async function addDomains(
  sandbox: RunningSandbox,
  profile: string,
  env: NodeJS.ProcessEnv,
): Promise<DemoStory['domains']> {
  const added: DemoStory['domains'] = []
  for (const provider of sandbox.providers) {
    const domain = sandbox.credentials[provider]?.domain
    if (!domain) continue
    const outcome = await addDomain(profile, domain, provider, env)
    added.push({domain: outcome.domain.domain, provider, added: outcome.added})
  }
  return added
}

/** Users activated per calendar system besides those out of office: enough for a story, few enough for a minute. */
const ACTIVE_USERS = 4

/**
 * Who the demo activates in each calendar system: its first users, every user who is out of office (so that
 * presence has something to show), and its rooms with their video devices.
 */
export function demoTargets(sandbox: RunningSandbox): ActivationTarget[] {
  return sandbox.providers.flatMap((provider) => {
    const seed = sandbox.seedData[provider]
    const users = (seed?.users ?? []).filter((user, index) => index < ACTIVE_USERS || user.oof?.enabled)
    return [
      ...users.map((user) => ({address: user.email, kind: 'user' as const})),
      ...(seed?.rooms ?? []).map((room) => ({
        address: room.email,
        kind: 'room' as const,
        ...(room.deviceSip ? {device: room.deviceSip} : {}),
      })),
    ]
  })
}

export async function activate(context: StoryContext): Promise<DemoStory['activation']> {
  const targets = demoTargets(context.sandbox)
  const run = await activateUsers(targets, {
    profile: await requireProfile(context.profile, context.env),
    store: context.store,
    secrets: context.secrets,
    signal: context.signal,
    onProgress: (done, total) => context.onProgress?.('activating', 'users', done, total),
  })
  const {users, summary} = report(run.entries)
  return {active: summary.active, error: summary.error, pending: summary.pending, users}
}

export function syncSummary(run: SyncRun): DemoSyncSummary {
  return {
    users: run.users.length,
    ...run.counts,
    failedUsers: run.users.filter((user) => user.status === 'failed').length,
  }
}

/** `hcal sync` over every active user and room. */
export async function syncActive(context: StoryContext, label: string): Promise<SyncRun> {
  return runSync(context.store.users.list({state: 'active'}), {
    profile: await requireProfile(context.profile, context.env),
    store: context.store,
    secrets: context.secrets,
    settings: context.settings,
    signal: context.signal,
    onProgress: (provider, done, total) => context.onProgress?.(label, provider, done, total),
  })
}

const EXCERPT = 5

/** `hcal meetings list --user MAILBOX`: its upcoming meetings first. */
export function meetingsOf(context: StoryContext, mailbox: string, now = new Date()): DemoStory['meetings'] {
  const {from, to} = defaultWindow(now)
  const all = buildMeetingsList(context.store.meetings.listForMailbox(mailbox, from, to), {
    mailbox,
    from,
    to,
    settings: context.settings,
  })
  const upcoming = all.filter((meeting) => Date.parse(meeting.end) > now.getTime())
  return {mailbox, total: all.length, excerpt: upcoming.slice(0, EXCERPT)}
}

/** `hcal obtp dry-run` over the whole window, and the entry of one meeting (by organiser copy's start and title). */
export function obtpPlan(
  context: StoryContext,
  meeting: {title: string; start: string},
  now = new Date(),
): DemoStory['obtp'] {
  const {from, to} = defaultWindow(now)
  const obtp = obtpContextFromUsers(context.store.users.list(), context.settings)
  const plan = planObtp(context.store.meetings.listAll(from, to), obtp)
  const start = Date.parse(meeting.start)
  return {
    leadMinutes: obtp.leadMinutes ?? context.settings.obtp.leadMinutes,
    meetings: plan.length,
    pushes: plan.reduce((sum, entry) => sum + entry.targets.length, 0),
    keywordMeeting: plan.find((entry) => Date.parse(entry.start) === start && entry.title === meeting.title) ?? null,
  }
}

export function presence(context: StoryContext): DemoStory['presence'] {
  const entries = presenceEntries(context.store)
  return {users: entries.length, outOfOffice: entries.filter((entry) => entry.state !== 'off')}
}

/** Checks of `hcal doctor` that a demo cannot pass honestly, and why. */
const NOT_FOR_A_DEMO = {keychain: 'the demo keeps its throwaway secrets in memory and never touches the keychain'}

/** `hcal doctor` on the demo profile (every check but the keychain probe). */
export async function doctor(context: StoryContext): Promise<DemoStory['doctor']> {
  let document: Promise<Record<string, unknown> | undefined> | undefined
  const checks = await runChecks(
    doctorChecks().filter((check) => !(check.id in NOT_FOR_A_DEMO)),
    {
      profile: context.profile,
      env: context.env,
      profileDocument: () => (document ??= readProfileDocument(context.profile, context.env)),
      secrets: async () => context.secrets,
    },
  )
  return {
    ok: checks.every((check) => check.status !== 'fail'),
    checks,
    skipped: Object.entries(NOT_FOR_A_DEMO).map(([id, why]) => ({id, why})),
  }
}

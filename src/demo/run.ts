/**
 * `hcal demo`: hcal's whole job in one run against the sandbox, started in this process. It provisions the
 * three calendar systems from the credentials an admin would be handed, verifies their domains, activates
 * every user and room, syncs, shows a keyword meeting before and after, the meetings list, the OBTP plan,
 * presence and doctor, then a user's change picked up. Everything lives in a temporary workspace and in
 * memory, and is gone when the run ends, whether it ends well, with an error or on Ctrl-C.
 */
import {writeFile} from 'node:fs/promises'

import {requireProfile} from '../lib/config/profiles.js'
import {parseMeetingSettings} from '../lib/core/settings.js'
import {HcalError} from '../lib/errors.js'
import {createSecretStore} from '../lib/secrets/index.js'
import {openStateStore, type StateStore} from '../lib/store/index.js'
import {credentialDocuments} from '../sandbox/host/credentials-dir.js'
import {writeSandboxEndpointsProfile} from '../sandbox/host/profile.js'
import {type RunningSandbox, startSandbox} from '../sandbox/host/start.js'
import {userChangesCalendar} from './change.js'
import {googleEvent, googleEvents, joinBlocksOf, keywordMeetingOf, type TruthEvent} from './ground-truth.js'
import {provisionAll} from './provision.js'
import type {DemoRunResult, DemoSectionId, DemoStory} from './result.js'
import {
  activate,
  addDomains,
  doctor,
  meetingsOf,
  obtpPlan,
  presence,
  type StoryContext,
  syncActive,
  syncSummary,
} from './story.js'
import {openWorkspace} from './workspace.js'

export const DEMO_PROFILE = 'demo'
/** Ten users per system, so that some are out of office; a few meetings each keeps the run short. */
export const DEMO_SEED = {seed: 1, users: 10, events: 3, rooms: 1} as const
export const SECRETS_NOTE =
  'Secrets: throwaway sandbox credentials and store key, kept in memory for this run only (no keychain item, no file).'

export interface DemoOptions {
  signal: AbortSignal
  /** Each section as soon as it is known, with the time it took (the human output draws it). */
  onSection?<K extends DemoSectionId>(id: K, value: DemoStory[K], ms: number): void
  onProgress?(label: string, part: string, done: number, total: number): void
}

function demoFailure(what: string): HcalError {
  return new HcalError('DEMO_FAILED', `The demo could not ${what}.`, {
    suggestions: ['This is a bug in the demo or the sandbox: please report it with the output above.'],
  })
}

/** The keyword meeting the demo follows: the first active Google user's (in seed order) first upcoming one. */
async function findKeywordMeeting(context: StoryContext, keywords: string[]): Promise<TruthEvent> {
  const {sandbox, store} = context
  for (const user of sandbox.seedData.google?.users ?? []) {
    const email = user.email.toLowerCase()
    if (store.users.get(email)?.state !== 'active') continue
    const found = keywordMeetingOf(await googleEvents(sandbox.control, email), email, keywords)
    if (found) return found
  }
  throw demoFailure('find an upcoming meeting with a keyword in the Google sandbox')
}

export async function runDemo(options: DemoOptions): Promise<DemoRunResult> {
  const started = performance.now()
  const steps: DemoRunResult['timings']['steps'] = []
  const workspace = await openWorkspace()
  // Throwaway secrets: memory only, and no HCAL_* variable of a real setup is read.
  const secrets = createSecretStore({profile: DEMO_PROFILE, backend: 'memory', env: {}})
  const profile = DEMO_PROFILE
  const {env} = workspace
  let sandbox: RunningSandbox | undefined
  let store: StateStore | undefined
  const story: Partial<DemoStory> = {}
  const step = async <K extends DemoSectionId>(id: K, work: () => Promise<DemoStory[K]>): Promise<DemoStory[K]> => {
    options.signal.throwIfAborted()
    const at = performance.now()
    const value = await work()
    const ms = Math.round(performance.now() - at)
    steps.push({step: id, ms})
    story[id] = value
    options.onSection?.(id, value, ms)
    return value
  }

  let removed = false
  try {
    await step('secrets', async () => ({store: 'memory', note: SECRETS_NOTE}))
    let running!: RunningSandbox
    await step('sandbox', async () => {
      running = await startSandbox({port: 0, ...DEMO_SEED})
      sandbox = running
      await writeFile(workspace.caFile, running.caPem, {mode: 0o600})
      await writeSandboxEndpointsProfile(running, profile, workspace.caFile, env, {verifiedDomains: false})
      return {origin: running.origin, providers: running.providers, seed: {...DEMO_SEED}}
    })
    await step('provisioning', () =>
      provisionAll({
        sandbox: running,
        documents: credentialDocuments(running),
        profile,
        secrets,
        env,
        signal: options.signal,
      }),
    )
    await step('domains', () => addDomains(running, profile, env))
    store = await openStateStore({profile, secrets, dataDir: workspace.dataDir})
    const settings = parseMeetingSettings((await requireProfile(profile, env)).meetings, `profile "${profile}"`)
    const context: StoryContext = {
      sandbox: running,
      profile,
      env,
      secrets,
      store,
      settings,
      signal: options.signal,
      ...(options.onProgress ? {onProgress: options.onProgress} : {}),
    }
    await step('activation', () => activate(context))
    const meeting = await findKeywordMeeting(context, Object.keys(settings.keywords))
    await step('sync', async () => syncSummary(await syncActive(context, 'syncing')))
    const after = await googleEvent(running.control, meeting.organiser, meeting.id)
    await step('keywordMeeting', async () => ({
      provider: 'google',
      mailbox: meeting.organiser,
      eventId: meeting.id,
      title: meeting.title,
      start: meeting.start,
      before: {location: meeting.location, joinBlocks: joinBlocksOf(meeting.body)},
      after: {location: after?.location ?? '', joinBlocks: joinBlocksOf(after?.body ?? '')},
    }))
    await step('meetings', async () => meetingsOf(context, meeting.organiser))
    await step('obtp', async () => obtpPlan(context, meeting))
    await step('presence', async () => presence(context))
    await step('doctor', () => doctor(context))
    await step('change', () => userChangesCalendar(context, meeting.organiser))
  } finally {
    try {
      store?.close()
      await sandbox?.stop()
    } finally {
      removed = await workspace.dispose()
    }
  }
  return {
    ...(story as DemoStory),
    cleanup: {workspace: workspace.root, removed},
    timings: {totalMs: Math.round(performance.now() - started), steps},
  }
}

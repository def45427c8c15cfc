/** The whole story `hcal demo --json` tells, one section per step (see src/demo/run.ts). */
import type {SyncResult} from '../commands/sync.js'
import type {MeetingsListEntry} from '../lib/core/meetings/index.js'
import type {ObtpPlanEntry} from '../lib/core/obtp/index.js'
import type {CheckResult} from '../lib/doctor/types.js'
import type {PresenceEntry} from '../lib/presence/entries.js'
import type {UserEntry} from '../lib/users/report.js'
import type {DemoProvisioning} from './provision.js'

export type {DemoProvisioning} from './provision.js'

/** One sync run in the words of `hcal sync --json`'s summary. */
export type DemoSyncSummary = SyncResult['summary']

/** A meeting as the calendar system holds it: its location and the join blocks in its body (each as lines). */
export interface DemoMeetingState {
  location: string
  joinBlocks: string[][]
}

export interface DemoStory {
  /** Where the demo's secrets live: always in this process's memory, never a keychain or a file. */
  secrets: {store: 'memory'; note: string}
  sandbox: {origin: string; providers: string[]; seed: {users: number; events: number; rooms: number}}
  provisioning: DemoProvisioning[]
  domains: {domain: string; provider: string; added: boolean}[]
  activation: {active: number; error: number; pending: number; users: UserEntry[]}
  sync: DemoSyncSummary
  /** One meeting whose location asks for join details, read from the calendar system before and after the sync. */
  keywordMeeting: {
    provider: string
    mailbox: string
    eventId: string
    title: string
    start: string
    before: DemoMeetingState
    after: DemoMeetingState
  }
  /** The keyword meeting organiser's meetings list, as `hcal meetings list --user` shows it (upcoming excerpt). */
  meetings: {mailbox: string; total: number; excerpt: MeetingsListEntry[]}
  /** `hcal obtp dry-run`: how many meetings get Join buttons, and the plan for the keyword meeting. */
  obtp: {leadMinutes: number; meetings: number; pushes: number; keywordMeeting: ObtpPlanEntry | null}
  /** `hcal presence list`, the users who are out of office (of `users` read). */
  presence: {users: number; outOfOffice: PresenceEntry[]}
  /** `hcal doctor` against the demo profile; `skipped` says which checks do not apply to a demo and why. */
  doctor: {ok: boolean; checks: CheckResult[]; skipped: {id: string; why: string}[]}
  /** A user's change to their calendar, and how hcal picked it up. */
  change: {
    /** 'sync': a second (incremental) sync; 'watch': the watch service's push notification. */
    mode: 'sync' | 'watch'
    note: string
    mailbox: string
    eventId: string
    title: string
    pickedUp: boolean
    after: DemoMeetingState
    sync: DemoSyncSummary
  }
}

export interface DemoRunResult extends DemoStory {
  /** The temporary directory that held the profile, the state store and the CA, and whether it is gone. */
  cleanup: {workspace: string; removed: boolean}
  timings: {totalMs: number; steps: {step: string; ms: number}[]}
}

export type DemoSectionId = keyof DemoStory

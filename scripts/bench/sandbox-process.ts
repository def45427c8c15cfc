/**
 * The sandbox of a benchmark, in its own process: the users lab of the tests (emulators with the providers'
 * limits on as their README rules tables say, a profile with the connections and the sandbox's domains
 * verified, secrets in the environment as CI passes them) and a fixed round-trip latency on every request.
 * Running it apart keeps its CPU and heap out of the measured hcal process and of the bench's own.
 *
 * The parent forks this file with `--serve SPEC`; the child answers with SandboxReady once seeded, then
 * serves until told to stop. Secrets cross only this process tree (IPC), never argv or files.
 */
import {fork} from 'node:child_process'
import {fileURLToPath, pathToFileURL} from 'node:url'

import {findKeyword} from '../../src/lib/core/join/keywords.js'
import type {RequestLogEntry, SandboxCredentials, SandboxProviderId} from '../../src/sandbox/types.js'

export const SANDBOX_PROVIDERS: readonly SandboxProviderId[] = ['google', 'microsoft', 'exchange']

export interface SandboxSpec {
  /** Users seeded per provider. */
  users: number
  /** Meetings each user organises. */
  events: number
  latencyMs: number
  /** Emulators to run (default all three). */
  providers?: SandboxProviderId[]
}

/** What the sandbox process hands back once it is ready (secrets included: they stay in this process tree). */
export interface SandboxReady {
  origin: string
  caPem: string
  controlToken: string
  /** The CLI's environment: home directories, store key, connection secrets. */
  env: NodeJS.ProcessEnv
  /** Seeded users per provider, in seed order. */
  users: Record<SandboxProviderId, string[]>
  /** For the baseline, which talks to the emulators with the SDKs directly. */
  credentials: Partial<SandboxCredentials>
  /** Share of the seeded meetings whose location carries a keyword (@webex, @meet). */
  keywordShare: number
}

/** One request as the sandbox logged it. */
export type LoggedEntry = Omit<RequestLogEntry, 'at' | 'path'>

export interface SandboxProcess {
  ready: SandboxReady
  /** CPU time the sandbox process has used so far: it shares the machine with hcal. */
  cpuMs(): Promise<number>
  /**
   * Every request logged since the last call (then forgotten). The sandbox's own request log is a ring of
   * 20,000 entries, too few for a full sync of 2,000 mailboxes, so this process keeps its own copy.
   */
  takeLog(): Promise<LoggedEntry[]>
  stop(): Promise<void>
}

type Question = {id: number; kind: 'cpu' | 'log'}
type Answer = {id: number; cpuMs?: number; entries?: LoggedEntry[]}

async function serve(spec: SandboxSpec): Promise<void> {
  const {startUsersLab} = await import('../../test/helpers/users-lab.js')
  const lab = await startUsersLab({
    users: spec.users,
    events: spec.events,
    rooms: 0,
    latency: {minMs: spec.latencyMs, maxMs: spec.latencyMs},
    ...(spec.providers ? {providers: spec.providers} : {}),
  })
  const meetings = Object.values(lab.seed).flatMap((data) => data?.meetings ?? [])
  const withKeyword = meetings.filter((meeting) => findKeyword(meeting.location) !== null).length
  const ready: SandboxReady = {
    origin: lab.sandbox.origin,
    caPem: lab.sandbox.caPem,
    controlToken: lab.sandbox.controlToken,
    env: lab.env,
    users: Object.fromEntries(
      SANDBOX_PROVIDERS.map((provider) => [provider, lab.seed[provider]?.users.map((user) => user.email) ?? []]),
    ) as SandboxReady['users'],
    credentials: lab.sandbox.credentials,
    keywordShare: meetings.length === 0 ? 0 : withKeyword / meetings.length,
  }
  const log = lab.sandbox.context.log
  const record = log.record.bind(log)
  let entries: LoggedEntry[] = []
  log.record = (entry) => {
    const {provider, method, status, operation, mailbox} = entry
    entries.push({provider, method, status, operation, ...(mailbox ? {mailbox} : {})})
    record(entry)
  }
  process.on('message', (message: Question | 'stop') => {
    if (message === 'stop') return void lab.stop().then(() => process.exit(0))
    const answer: Answer = {id: message.id}
    if (message.kind === 'cpu') {
      const {user, system} = process.cpuUsage()
      answer.cpuMs = Math.round((user + system) / 1000)
    } else {
      answer.entries = entries
      entries = []
    }
    process.send?.(answer)
  })
  process.send?.(ready)
}

export function startSandboxProcess(spec: SandboxSpec): Promise<SandboxProcess> {
  // A large seed (10,000 users x 40 meetings) needs more than the default old space.
  const child = fork(fileURLToPath(import.meta.url), ['--serve', JSON.stringify(spec)], {
    stdio: 'inherit',
    execArgv: ['--max-old-space-size=8192'],
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`the sandbox process exited (${code}) before it was ready`)))
    let asked = 0
    const ask = (kind: Question['kind']) =>
      new Promise<Answer>((answer) => {
        const id = ++asked
        const listener = (message: Answer) => {
          if (message.id !== id) return
          child.off('message', listener)
          answer(message)
        }
        child.on('message', listener)
        child.send({id, kind} satisfies Question)
      })
    child.once('message', (ready: SandboxReady) =>
      resolve({
        ready,
        cpuMs: async () => (await ask('cpu')).cpuMs ?? 0,
        takeLog: async () => (await ask('log')).entries ?? [],
        async stop() {
          child.send('stop')
          await exited
        },
      }),
    )
  })
}

if (process.argv[2] === '--serve' && import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await serve(JSON.parse(process.argv[3] ?? '{}') as SandboxSpec)
}

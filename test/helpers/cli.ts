import {type ChildProcessWithoutNullStreams, spawn} from 'node:child_process'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const BIN = join(REPO_ROOT, 'bin', 'run.js')

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
  /** Parsed stdout when it is a JSON document. */
  json: unknown
  durationMs: number
}

export interface CliOptions {
  env?: NodeJS.ProcessEnv
  /** Written to the child's stdin, then stdin is closed (startCli leaves stdin open without it). */
  input?: string
  /** The child is killed (SIGKILL) after this long, so a hang ends as a failed exit code. */
  timeoutMs?: number
  /** Run as this user and group (needs root): e.g. nobody, to meet permission errors root never sees. */
  uid?: number
  gid?: number
}

/** Runs the built CLI as a user would: a child process, no TTY, CI-like environment; stdin gets `input` (or nothing). */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return startCli(args, {timeoutMs: 30_000, ...options, input: options.input ?? ''}).exit
}

/** Fresh config and data directories for one test; `cleanup()` removes them. */
export async function tempHome(): Promise<{env: NodeJS.ProcessEnv; dir: string; cleanup(): Promise<void>}> {
  const dir = await mkdtemp(join(tmpdir(), 'hcal-test-'))
  return {
    dir,
    env: {HCAL_CONFIG_DIR: join(dir, 'config'), HCAL_DATA_DIR: join(dir, 'data'), CI: 'true'},
    cleanup: () => rm(dir, {recursive: true, force: true}),
  }
}

/** A CLI process that keeps running while the test talks to it (signals, waiting for what it prints). */
export interface RunningCli {
  /** Exit code, or null when it ended by a signal; with everything it printed. */
  exit: Promise<CliResult>
  stdout(): string
  stderr(): string
  /** Resolves once stderr matches `pattern` (a readiness line), rejects if the process ends first. */
  waitForStderr(pattern: RegExp): Promise<void>
  signal(signal: NodeJS.Signals): void
  /** Its stdin, left open unless `input` was given. */
  stdin: ChildProcessWithoutNullStreams['stdin']
}

/** Starts the built CLI without waiting for it; killed after `timeoutMs` (60 s) so a hang fails the test. */
export function startCli(args: string[], options: CliOptions = {}): RunningCli {
  const started = performance.now()
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: REPO_ROOT,
    env: {...process.env, NO_COLOR: '1', ...options.env},
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(options.uid === undefined ? {} : {uid: options.uid}),
    ...(options.gid === undefined ? {} : {gid: options.gid}),
  })
  let stdout = ''
  let stderr = ''
  const stderrListeners = new Set<() => void>()
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
    for (const listener of stderrListeners) listener()
  })
  const killer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000)
  const exit = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(killer)
      let json: unknown
      try {
        json = JSON.parse(stdout)
      } catch {
        json = undefined
      }
      resolve({code, stdout, stderr, json, durationMs: performance.now() - started})
    })
  })
  // Writing to a CLI that has already exited is not the test's failure: the exit result says what happened.
  child.stdin.on('error', () => undefined)
  if (options.input !== undefined) child.stdin.end(options.input)
  return {
    exit,
    stdout: () => stdout,
    stderr: () => stderr,
    signal: (signal) => child.kill(signal),
    stdin: child.stdin,
    waitForStderr: (pattern) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!pattern.test(stderr)) return
          stderrListeners.delete(check)
          resolve()
        }
        stderrListeners.add(check)
        void exit.then((result) =>
          reject(new Error(`the CLI exited (${String(result.code)}) before printing ${pattern}: ${result.stderr}`)),
        )
        check()
      }),
  }
}

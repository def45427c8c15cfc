import {spawn} from 'node:child_process'
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
  /** Written to the child's stdin, then stdin is closed. */
  input?: string
  timeoutMs?: number
}

/** Runs the built CLI as a user would: a child process, no TTY, CI-like environment. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: REPO_ROOT,
      env: {...process.env, NO_COLOR: '1', ...options.env},
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      let json: unknown
      try {
        json = JSON.parse(stdout)
      } catch {
        json = undefined
      }
      resolve({code, stdout, stderr, json, durationMs: performance.now() - started})
    })
    child.stdin.end(options.input ?? '')
  })
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

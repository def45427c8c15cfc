// Cold start of the CLI as a user meets it (`hcal --help`, `hcal --version`, `hcal meetings parse`), each a fresh
// Node process, measured side by side with a bare `node -e "import('@oclif/core')"`: the runs are interleaved
// so that load on the machine hits every command alike, and each command's median is reported as a ratio of
// the baseline's median. Target: within 1.5x of wall time. On Linux the CPU time of each run is reported too: on
// a busy machine it varies far less than wall time. Usage: node dist/scripts/bench-startup.js [--runs 15] [--json]
import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'
import {parseArgs} from 'node:util'

export const COLD_START_TARGET = 1.5

export interface ColdStartScenario {
  id: string
  command: string
  wallMs: number
  baselineMs: number
  /** wallMs / baselineMs. */
  ratio: number
  /** Median CPU time (user + system) of the runs and of the baseline, and their ratio; null where unmeasured. */
  cpuMs: number | null
  baselineCpuMs: number | null
  cpuRatio: number | null
  target: number
  met: boolean
}

interface Subject {
  id: string
  command: string
  argv: string[]
}

const root = fileURLToPath(new URL('../../', import.meta.url))
const bin = join(root, 'bin', 'run.js')

const BASELINE: Subject = {
  id: 'baseline',
  command: `node -e "import('@oclif/core')"`,
  argv: ['-e', "import('@oclif/core')"],
}
const SUBJECTS: Subject[] = [
  {id: 'cold-start:help', command: 'hcal --help', argv: [bin, '--help']},
  {id: 'cold-start:version', command: 'hcal --version', argv: [bin, '--version']},
  {
    id: 'cold-start:meetings-parse',
    command: 'hcal meetings parse',
    argv: [bin, 'meetings', 'parse', '--location', 'Room 4 @webex', '--body', 'https://acme.webex.com/meet/jane'],
  },
]

/**
 * CPU time (user + system) of the children this process has waited for, in ms: fields 16 and 17 of
 * /proc/self/stat, in clock ticks of 10 ms (USER_HZ is 100 on Linux). Undefined where there is no /proc.
 */
function childrenCpuMs(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[13]) + Number(fields[14])) * 10
  } catch {
    return undefined
  }
}

function timeOnce(subject: Subject, env: NodeJS.ProcessEnv): {wall: number; cpu: number | undefined} {
  const cpuBefore = childrenCpuMs()
  const started = performance.now()
  const result = spawnSync(process.execPath, subject.argv, {cwd: root, env, stdio: 'ignore'})
  const wall = performance.now() - started
  const cpuAfter = childrenCpuMs()
  if (result.status !== 0) throw new Error(`${subject.command} exited ${String(result.status)}`)
  return {wall, cpu: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore}
}

function round2(value: number): number {
  return Math.round(value * 100) / 100
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/** Runs every subject and the baseline `runs` times, interleaved (the order rotates each round). */
export function measureColdStart(runs: number): ColdStartScenario[] {
  const home = mkdtempSync(join(tmpdir(), 'hcal-bench-'))
  // A fresh config and data directory: no profile, no keychain access, nothing of the user's read.
  const env = {...process.env, HCAL_CONFIG_DIR: join(home, 'config'), HCAL_DATA_DIR: join(home, 'data')}
  try {
    const all = [BASELINE, ...SUBJECTS]
    const walls = new Map<string, number[]>(all.map((s) => [s.id, []]))
    const cpus = new Map<string, number[]>(all.map((s) => [s.id, []]))
    for (const subject of all) timeOnce(subject, env) // warm the file system cache once
    for (let round = 0; round < runs; round++) {
      for (let i = 0; i < all.length; i++) {
        const subject = all[(round + i) % all.length]!
        const {wall, cpu} = timeOnce(subject, env)
        walls.get(subject.id)!.push(wall)
        if (cpu !== undefined) cpus.get(subject.id)!.push(cpu)
      }
    }
    const cpuMedian = (id: string) => (cpus.get(id)!.length === runs ? median(cpus.get(id)!) : null)
    const baselineMs = median(walls.get(BASELINE.id)!)
    const baselineCpuMs = cpuMedian(BASELINE.id)
    return SUBJECTS.map((subject) => {
      const wallMs = median(walls.get(subject.id)!)
      const ratio = wallMs / baselineMs
      const cpuMs = cpuMedian(subject.id)
      return {
        id: subject.id,
        command: subject.command,
        wallMs: Math.round(wallMs),
        baselineMs: Math.round(baselineMs),
        ratio: round2(ratio),
        cpuMs,
        baselineCpuMs,
        cpuRatio: cpuMs === null || !baselineCpuMs ? null : round2(cpuMs / baselineCpuMs),
        target: COLD_START_TARGET,
        met: ratio <= COLD_START_TARGET,
      }
    })
  } finally {
    rmSync(home, {recursive: true, force: true})
  }
}

function main(): void {
  const {values} = parseArgs({options: {runs: {type: 'string', default: '15'}, json: {type: 'boolean'}}})
  const runs = Number(values.runs)
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, not ${values.runs}`)
  const scenarios = measureColdStart(runs)
  if (values.json) {
    const params = {runs, node: process.version, baseline: BASELINE.command}
    process.stdout.write(`${JSON.stringify({params, scenarios}, null, 2)}\n`)
    return
  }
  console.log(`Cold start, median of ${runs} interleaved runs, against ${BASELINE.command}:`)
  for (const s of scenarios) {
    const verdict = s.met ? 'met' : `NOT met (${(s.ratio - s.target).toFixed(2)}x over)`
    const cpu = s.cpuRatio === null ? '' : `; CPU ${s.cpuMs} ms vs ${s.baselineCpuMs} ms = ${s.cpuRatio.toFixed(2)}x`
    console.log(
      `  ${s.command.padEnd(20)} ${String(s.wallMs).padStart(5)} ms vs ${s.baselineMs} ms = ${s.ratio.toFixed(2)}x (target <= ${s.target}x: ${verdict})${cpu}`,
    )
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main()

/**
 * One measured run of the built CLI (bin/run.js, a child process as an admin or a cron job runs it), with
 * scripts/bench/process-usage.ts preloaded so the process reports its own peak RSS and CPU time on exit.
 */
import {mkdtemp, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

import {runCli} from '../../test/helpers/cli.js'
import type {ProcessUsage} from './process-usage.js'

export interface HcalRun {
  code: number | null
  /** Parsed stdout (the JSON envelope with --json). */
  json: unknown
  stderr: string
  /** Spawn to exit. */
  wallMs: number
  peakRssMb: number | null
  cpuMs: number | null
  tlsConnections: number | null
}

export interface HcalRunOptions {
  env: NodeJS.ProcessEnv
  /** Where to write a V8 CPU profile of the run. */
  cpuProfile?: string
  timeoutMs?: number
}

const HOOK = pathToFileURL(fileURLToPath(new URL('process-usage.js', import.meta.url))).href

export async function runHcal(args: string[], options: HcalRunOptions): Promise<HcalRun> {
  const work = await mkdtemp(join(tmpdir(), 'hcal-bench-usage-'))
  const usageFile = join(work, 'usage.json')
  try {
    const run = await runCli(args, {
      env: {
        ...options.env,
        HCAL_BENCH_USAGE_FILE: usageFile,
        NODE_OPTIONS: `--import=${HOOK}`,
        ...(options.cpuProfile ? {HCAL_BENCH_CPU_PROFILE: options.cpuProfile} : {}),
      },
      timeoutMs: options.timeoutMs ?? 3_600_000,
    })
    const usage = await readFile(usageFile, 'utf8')
      .then((text) => JSON.parse(text) as ProcessUsage)
      .catch(() => undefined)
    return {
      code: run.code,
      json: run.json,
      stderr: run.stderr,
      wallMs: Math.round(run.durationMs),
      peakRssMb: usage ? Math.round(usage.maxRssKb / 1024) : null,
      cpuMs: usage ? usage.userCpuMs + usage.systemCpuMs : null,
      tlsConnections: usage?.tlsConnections ?? null,
    }
  } finally {
    await rm(work, {recursive: true, force: true})
  }
}

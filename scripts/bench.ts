/**
 * `npm run bench`: issue 13's benchmark report. Per calendar system, against the sandbox in its own process
 * with the providers' limits on and a fixed round-trip latency: (1) first full sync, (2) incremental with
 * nothing changed (and its calendar requests per mailbox), (3) incremental with 1% of mailboxes changed, each
 * against the lower bound the limits and the latency set, and (1) against a straightforward script's time.
 * Then (4) watch latency (not measured yet), (5) cold start, (6) core throughput, (7) peak RSS of a full sync
 * of 10,000 mailboxes. Targets not met are printed with their gap. Progress goes to stderr; the report to
 * stdout (`--json`: `{"params", "scenarios"}`).
 *
 *   node dist/scripts/bench.js [--providers google,microsoft,exchange|none] [--mailboxes 2000] [--meetings 40]
 *     [--latency 20] [--changed-share 0.01] [--baseline-sample 100] [--rss-mailboxes 10000 (0 skips)]
 *     [--rss-provider microsoft] [--startup-runs 15 (0 skips)] [--quick] [--json] [--json-file FILE] [--cpu-prof-dir DIR]
 */
import {writeFile} from 'node:fs/promises'
import {cpus, loadavg} from 'node:os'
import {parseArgs} from 'node:util'

import type {SandboxProviderId} from '../src/sandbox/types.js'
import {measureCoreThroughput, seedEvents} from './bench/core-throughput.js'
import {type BenchReport, type BenchScenario, type Check, formatReport, gaps, scenario} from './bench/report.js'
import {SANDBOX_PROVIDERS} from './bench/sandbox-process.js'
import {providerScenarios, rssScenario, type SyncBenchSpec} from './bench/sync-scenarios.js'
import {measureColdStart} from './bench-startup.js'

const WATCH_P99_TARGET_MS = 1000

interface Flags {
  providers: SandboxProviderId[]
  spec: SyncBenchSpec
  rssMailboxes: number
  rssProvider: SandboxProviderId
  startupRuns: number
  json: boolean
  /** Also writes the JSON report here (the text goes to stdout). */
  jsonFile: string | undefined
}

function positive(name: string, text: string | undefined, fallback: number, allowZero = false): number {
  if (text === undefined) return fallback
  const value = Number(text)
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new Error(`--${name} must be a ${allowZero ? 'non-negative' : 'positive'} number, not ${text}`)
  }
  return value
}

function providerList(text: string): SandboxProviderId[] {
  // "none" runs no per-provider sync scenarios (e.g. only the memory run of --rss-mailboxes).
  if (text === 'none') return []
  const list = text.split(',').map((p) => p.trim()) as SandboxProviderId[]
  const unknown = list.filter((p) => !SANDBOX_PROVIDERS.includes(p))
  if (unknown.length)
    throw new Error(`unknown provider(s) ${unknown.join(', ')}; known: ${SANDBOX_PROVIDERS.join(', ')}`)
  return list
}

function readFlags(argv: string[]): Flags {
  const {values} = parseArgs({
    args: argv,
    options: {
      providers: {type: 'string'},
      mailboxes: {type: 'string'},
      meetings: {type: 'string'},
      latency: {type: 'string'},
      'changed-share': {type: 'string'},
      'baseline-sample': {type: 'string'},
      'rss-mailboxes': {type: 'string'},
      'rss-provider': {type: 'string'},
      'startup-runs': {type: 'string'},
      quick: {type: 'boolean', default: false},
      json: {type: 'boolean', default: false},
      'cpu-prof-dir': {type: 'string'},
      'json-file': {type: 'string'},
    },
  })
  const quick = values.quick
  return {
    providers: providerList(values.providers ?? SANDBOX_PROVIDERS.join(',')),
    spec: {
      mailboxes: positive('mailboxes', values.mailboxes, quick ? 200 : 2000),
      meetings: positive('meetings', values.meetings, 40),
      latencyMs: positive('latency', values.latency, 20, true),
      changedShare: positive('changed-share', values['changed-share'], 0.01),
      baselineSample: positive('baseline-sample', values['baseline-sample'], quick ? 20 : 100, true),
      ...(values['cpu-prof-dir'] ? {cpuProfileDir: values['cpu-prof-dir']} : {}),
    },
    rssMailboxes: positive('rss-mailboxes', values['rss-mailboxes'], quick ? 0 : 10_000, true),
    rssProvider: providerList(values['rss-provider'] ?? 'microsoft')[0]!,
    startupRuns: positive('startup-runs', values['startup-runs'], quick ? 3 : 15, true),
    json: values.json,
    jsonFile: values['json-file'],
  }
}

function coldStartRows(runs: number, notes: Map<BenchScenario, string[]>): BenchScenario[] {
  process.stderr.write(`cold start: ${runs} interleaved runs\n`)
  return measureColdStart(runs).map((s) => {
    const check: Check = {label: 'wallMs / baselineMs', actual: s.wallMs / s.baselineMs, op: '<=', limit: s.target}
    const row = scenario(
      s.id,
      {wallMs: s.wallMs, baselineMs: s.baselineMs, speedup: Math.round((s.baselineMs / s.wallMs) * 100) / 100},
      [check],
    )
    notes.set(row, [
      `${s.command} against node -e "import('@oclif/core')" (median of ${runs}); CPU ${s.cpuMs ?? '?'} ms vs ${s.baselineCpuMs ?? '?'} ms`,
      ...gaps([check]).map((g) => `GAP: ${g}`),
    ])
    return row
  })
}

function coreRow(spec: SyncBenchSpec, notes: Map<BenchScenario, string[]>): BenchScenario {
  const users = Math.min(spec.mailboxes, 2000)
  const core = measureCoreThroughput(seedEvents(users, spec.meetings))
  const row = scenario('core-throughput', {wallMs: core.wallMs, p50Ms: core.p50Ms, p99Ms: core.p99Ms})
  notes.set(row, [
    `${core.eventsPerSecond.toLocaleString('en-US')} events decided per second of wall time, ${core.eventsPerCpuSecond.toLocaleString('en-US')} per CPU second (${core.events.toLocaleString('en-US')} events of ${users} x ${spec.meetings} seeded meetings, every copy; p50/p99 per event, wall time)`,
  ])
  return row
}

function watchRow(notes: Map<BenchScenario, string[]>): BenchScenario {
  const check: Check = {label: 'p99Ms', actual: null, op: '<', limit: WATCH_P99_TARGET_MS}
  const row = scenario('watch-latency', {}, [check])
  notes.set(row, ['not measured yet: watch mode (issue 12) is being built; this slot measures it once it lands'])
  return row
}

async function main(): Promise<void> {
  const flags = readFlags(process.argv.slice(2))
  const startedAt = new Date().toISOString()
  const loads: number[] = [loadavg()[0]!]
  const scenarios: BenchScenario[] = []
  const notes = new Map<BenchScenario, string[]>()
  const facts: Record<string, unknown> = {}
  const report = (): BenchReport => ({
    params: {
      mailboxes: flags.spec.mailboxes,
      meetings: flags.spec.meetings,
      latencyMs: flags.spec.latencyMs,
      providers: flags.providers.join(','),
      changedShare: flags.spec.changedShare,
      baselineSample: flags.spec.baselineSample,
      rssMailboxes: flags.rssMailboxes,
      rssProvider: flags.rssMailboxes > 0 ? flags.rssProvider : null,
      startupRuns: flags.startupRuns,
      ...facts,
      machine: {cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '?', node: process.version},
      loadAverage1m: {min: Math.min(...loads), max: Math.max(...loads)},
      startedAt,
      finishedAt: new Date().toISOString(),
    },
    scenarios,
  })
  // A long run keeps what it has measured so far (JSON, and the text beside it) after each part.
  const keep = async () => {
    loads.push(loadavg()[0]!)
    if (!flags.jsonFile) return
    await writeFile(flags.jsonFile, `${JSON.stringify(report(), null, 2)}\n`)
    await writeFile(`${flags.jsonFile}.txt`, formatReport(report(), notes))
  }
  for (const provider of flags.providers) {
    const result = await providerScenarios(provider, flags.spec)
    scenarios.push(...result.rows)
    for (const [row, lines] of result.notes) notes.set(row, lines)
    facts[`keywordShare.${provider}`] = result.facts.keywordShare
    await keep()
  }
  scenarios.push(watchRow(notes))
  if (flags.startupRuns > 0) scenarios.push(...coldStartRows(flags.startupRuns, notes))
  scenarios.push(coreRow(flags.spec, notes))
  await keep()
  if (flags.rssMailboxes > 0) {
    const rss = await rssScenario(flags.rssProvider, {...flags.spec, mailboxes: flags.rssMailboxes, baselineSample: 0})
    scenarios.push(...rss.rows)
    for (const [row, lines] of rss.notes) notes.set(row, lines)
    await keep()
  }
  const final = report()
  process.stdout.write(flags.json ? `${JSON.stringify(final, null, 2)}\n` : formatReport(final, notes))
}

await main()

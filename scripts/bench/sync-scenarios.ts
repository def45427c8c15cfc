/**
 * Scenarios (1)-(3) and (7) for one calendar system: a sandbox process with only that emulator (fresh quota
 * windows), N seeded mailboxes activated through the built CLI, then `hcal sync --json` runs measured one
 * by one: the first full sync, a settling run (our own writes echo back once: recognised, not written),
 * an incremental run with nothing changed, and one after 1% of the mailboxes were edited through the
 * control API. The baseline runs against a second, identical sandbox (hcal's writes would change its work).
 */
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {loadavg, tmpdir} from 'node:os'
import {join} from 'node:path'

import type {SyncResult} from '../../src/commands/sync.js'
import {REGISTRY} from '../../src/lib/providers/registry.js'
import {syncWindow} from '../../src/lib/sync/window.js'
import {createControlClient} from '../../src/sandbox/host/control-client.js'
import type {SandboxProviderId} from '../../src/sandbox/types.js'
import {runBaseline} from './baseline.js'
import {changedMailboxes, changeMailboxes} from './edits.js'
import {type HcalRun, runHcal} from './hcal-process.js'
import {type BenchScenario, type Check, gaps, scenario} from './report.js'
import {splitRequests} from './request-purpose.js'
import {type LoggedEntry, type SandboxProcess, startSandboxProcess} from './sandbox-process.js'
import {extrapolate, ratio} from './stats.js'
import {syncBound} from './sync-bound.js'

export const RATIO_TARGET = 1.3
export const THROTTLED_SHARE_TARGET = 0.01
export const RSS_TARGET_MB = 300

export interface SyncBenchSpec {
  mailboxes: number
  meetings: number
  latencyMs: number
  changedShare: number
  /** Mailboxes the baseline runs on (it is sequential: its time scales linearly to all); 0 skips it. */
  baselineSample: number
  cpuProfileDir?: string
}

export interface Rows {
  rows: BenchScenario[]
  notes: Map<BenchScenario, string[]>
  /** Facts for the report's params (keyword share, load). */
  facts: Record<string, unknown>
}

interface MeasuredSync {
  run: HcalRun
  entries: LoggedEntry[]
  summary: SyncResult['summary'] | undefined
  load: number
  /** CPU time the sandbox process spent answering (it shares the machine's cores with hcal). */
  sandboxCpuMs: number
}

/** The most frequent operations of a run, "events.list 2,000, events.patch 16,400, …". */
export function operationCounts(entries: readonly LoggedEntry[], top = 8): string {
  const counts = new Map<string, number>()
  for (const entry of entries) counts.set(entry.operation, (counts.get(entry.operation) ?? 0) + 1)
  return [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, top)
    .map(([operation, count]) => `${operation} ${count.toLocaleString('en-US')}`)
    .join(', ')
}

/** Reads the CLI's JSON envelope; a run that printed none is reported with its stderr. */
function summaryOf(run: HcalRun): SyncResult['summary'] | undefined {
  const summary = (run.json as {result?: SyncResult} | undefined)?.result?.summary
  if (!summary) process.stderr.write(`hcal sync printed no result (exit ${run.code}):\n${run.stderr.slice(-4000)}\n`)
  return summary
}

async function syncOnce(sandbox: SandboxProcess, label: string, spec: SyncBenchSpec, provider: string) {
  await sandbox.takeLog()
  const loadBefore = loadavg()[0]!
  const sandboxCpuBefore = await sandbox.cpuMs()
  const run = await runHcal(['sync', '--profile', 'acme', '--json'], {
    env: sandbox.ready.env,
    ...(spec.cpuProfileDir ? {cpuProfile: join(spec.cpuProfileDir, `${label}-${provider}.cpuprofile`)} : {}),
  })
  const measured: MeasuredSync = {
    run,
    entries: await sandbox.takeLog(),
    summary: summaryOf(run),
    load: Math.round(Math.max(loadBefore, loadavg()[0]!) * 10) / 10,
    sandboxCpuMs: (await sandbox.cpuMs()) - sandboxCpuBefore,
  }
  process.stderr.write(
    `  ${label} [${provider}]: exit ${run.code}, ${(run.wallMs / 1000).toFixed(1)} s, ${measured.entries.length} requests, load ${measured.load}\n`,
  )
  return measured
}

/** A (1)-(3) row: the run against its bound, its throttled share. */
function syncRow(id: string, provider: SandboxProviderId, m: MeasuredSync, spec: SyncBenchSpec, extra: Check[] = []) {
  const split = splitRequests(provider, m.entries, [])
  const bound = syncBound(provider, m.entries, REGISTRY[provider].capabilities.limits, spec.latencyMs)
  const lowerBoundMs = Math.round(bound.boundMs)
  const checks: Check[] = [
    {label: 'ratioToBound', actual: ratio(m.run.wallMs, lowerBoundMs), op: '<=', limit: RATIO_TARGET},
    {
      label: 'throttled share',
      actual: split.requests === 0 ? 0 : (split.throttled / split.requests) * 100,
      op: '<=',
      limit: THROTTLED_SHARE_TARGET * 100,
      unit: '%',
    },
    ...extra,
  ]
  const row = scenario(
    id,
    {
      provider,
      wallMs: m.run.wallMs,
      requests: split.requests,
      throttled: split.throttled,
      peakRssMb: m.run.peakRssMb,
      lowerBoundMs,
      ratioToBound: ratio(m.run.wallMs, lowerBoundMs),
    },
    checks,
  )
  const s = m.summary
  const notes = [
    `exit ${m.run.code}; ${s ? `${s.users} mailboxes, ${s.meetingsRead} meetings read, blocks written ${s.joinBlocks.written}, updated ${s.joinBlocks.updated}, removed ${s.joinBlocks.removed}; ${s.failedUsers} failed; hcal counted ${s.requests} requests` : 'no result'}`,
    `requests by purpose: calendar ${split.byPurpose.calendar}, settings ${split.byPurpose.settings}, token ${split.byPurpose.token}; by operation: ${operationCounts(m.entries)}`,
    `hcal CPU ${m.run.cpuMs ?? '?'} ms, sandbox CPU ${m.sandboxCpuMs} ms, ${m.run.tlsConnections ?? '?'} TLS connections; load average ${m.load}`,
    `bound: ${bound.limitedBy} (rate ${(bound.rateBoundMs / 1000).toFixed(2)} s, sustained rate ${(bound.sustainedRateMs / 1000).toFixed(2)} s, concurrency ${(bound.concurrencyBoundMs / 1000).toFixed(2)} s, busiest mailbox ${(bound.mailboxBoundMs / 1000).toFixed(2)} s)`,
    ...gaps(checks).map((gap) => `GAP: ${gap}`),
  ]
  return {row, notes}
}

/** A sandbox process with only `provider`'s emulator, seeded for `spec` (fresh quota windows). */
function sandboxFor(provider: SandboxProviderId, spec: SyncBenchSpec): Promise<SandboxProcess> {
  return startSandboxProcess({
    users: spec.mailboxes,
    events: spec.meetings,
    latencyMs: spec.latencyMs,
    providers: [provider],
  })
}

async function activate(sandbox: SandboxProcess, mailboxes: readonly string[]): Promise<string> {
  const work = await mkdtemp(join(tmpdir(), 'hcal-bench-sync-'))
  try {
    const csv = join(work, 'users.csv')
    await writeFile(csv, `email\n${mailboxes.join('\n')}\n`)
    const run = await runHcal(['users', 'activate', '--file', csv, '--profile', 'acme', '--json'], {
      env: sandbox.ready.env,
    })
    const users = (run.json as {result?: {users?: {state: string}[]}} | undefined)?.result?.users ?? []
    const active = users.filter((user) => user.state === 'active').length
    if (active !== mailboxes.length) process.stderr.write(`activation: ${active} of ${mailboxes.length} active\n`)
    return `activated ${active} of ${mailboxes.length} through the CLI in ${(run.wallMs / 1000).toFixed(1)} s (exit ${run.code})`
  } finally {
    await rm(work, {recursive: true, force: true})
  }
}

/** Scenarios (1)-(3) for one provider, with the baseline of (1). */
export async function providerScenarios(provider: SandboxProviderId, spec: SyncBenchSpec): Promise<Rows> {
  const rows: BenchScenario[] = []
  const notes = new Map<BenchScenario, string[]>()
  const add = ({row, notes: lines}: {row: BenchScenario; notes: string[]}) => {
    rows.push(row)
    notes.set(row, lines)
    return row
  }
  process.stderr.write(`${provider}: seeding ${spec.mailboxes} x ${spec.meetings}\n`)
  const sandbox = await sandboxFor(provider, spec)
  const control = createControlClient(sandbox.ready.origin, sandbox.ready.caPem, sandbox.ready.controlToken)
  const facts: Record<string, unknown> = {keywordShare: Math.round(sandbox.ready.keywordShare * 1000) / 1000}
  let full: BenchScenario
  try {
    const mailboxes = sandbox.ready.users[provider].slice(0, spec.mailboxes)
    const activation = await activate(sandbox, mailboxes)
    const first = await syncOnce(sandbox, 'full-sync', spec, provider)
    full = add(syncRow('full-sync', provider, first, spec))
    notes.get(full)!.unshift(activation)
    const settle = await syncOnce(sandbox, 'settle', spec, provider)
    const idle = await syncOnce(sandbox, 'incremental-unchanged', spec, provider)
    const idleRow = add(syncRow('incremental-unchanged', provider, idle, spec))
    notes
      .get(idleRow)!
      .unshift(
        `after a settling run (our writes echo back once): ${(settle.run.wallMs / 1000).toFixed(2)} s, ${settle.entries.length} requests, ${settle.summary?.joinBlocks.written ?? '?'} written`,
      )
    const split = splitRequests(provider, idle.entries, mailboxes)
    const perMailbox: Check[] = [
      {label: 'calendar requests per mailbox (max)', actual: split.calendarPerMailbox.max, op: '=', limit: 1},
      {label: 'calendar requests per mailbox (min)', actual: split.calendarPerMailbox.min, op: '=', limit: 1},
    ]
    add({
      row: scenario(
        'incremental-unchanged:calendar-requests',
        {provider, requests: split.byPurpose.calendar},
        perMailbox,
      ),
      notes: [
        `${split.byPurpose.calendar} calendar requests for ${mailboxes.length} mailboxes (mean ${split.calendarPerMailbox.mean.toFixed(2)})`,
        ...gaps(perMailbox).map((gap) => `GAP: ${gap}`),
      ],
    })
    add({row: scenario('incremental-unchanged:token-requests', {provider, requests: split.byPurpose.token}), notes: []})
    add({
      row: scenario('incremental-unchanged:settings-requests', {provider, requests: split.byPurpose.settings}),
      notes: ['locale and out-of-office reads'],
    })
    const changed = changedMailboxes(mailboxes, spec.changedShare)
    const edited = await changeMailboxes(provider, control, changed)
    const after = await syncOnce(sandbox, 'incremental-1pct', spec, provider)
    const changedRow = add(syncRow('incremental-1pct', provider, after, spec))
    notes.get(changedRow)!.unshift(`${edited} of ${changed.length} mailboxes had a meeting's location given @webex`)
  } finally {
    await control.close()
    await sandbox.stop()
  }
  if (spec.baselineSample > 0) await baselineOf(provider, spec, full, notes)
  return {rows, notes, facts}
}

async function baselineOf(
  provider: SandboxProviderId,
  spec: SyncBenchSpec,
  full: BenchScenario,
  notes: Map<BenchScenario, string[]>,
): Promise<void> {
  const sample = Math.min(spec.baselineSample, spec.mailboxes)
  const sandbox = await sandboxFor(provider, spec)
  try {
    await sandbox.takeLog()
    const outcome = await runBaseline(provider, {
      credentials: sandbox.ready.credentials,
      caPem: sandbox.ready.caPem,
      mailboxes: sandbox.ready.users[provider].slice(0, sample),
      window: syncWindow(),
      site: 'acme',
    })
    const requests = (await sandbox.takeLog()).length
    full.baselineMs = extrapolate(outcome.wallMs, outcome.mailboxes, spec.mailboxes)
    full.speedup = ratio(full.baselineMs, full.wallMs)
    notes
      .get(full)!
      .push(
        `baseline: ${outcome.mailboxes} mailboxes one after another in ${(outcome.wallMs / 1000).toFixed(1)} s, CPU ${(outcome.cpuMs / 1000).toFixed(1)} s (${requests} requests, ${outcome.meetingsRead} meetings read, ${outcome.written} patched), scaled to ${spec.mailboxes}`,
      )
  } finally {
    await sandbox.stop()
  }
}

/** Scenario (7): the peak RSS of one full sync of many mailboxes. */
export async function rssScenario(provider: SandboxProviderId, spec: SyncBenchSpec): Promise<Rows> {
  process.stderr.write(`${provider}: seeding ${spec.mailboxes} x ${spec.meetings} for the RSS run\n`)
  const sandbox = await sandboxFor(provider, spec)
  try {
    const activation = await activate(sandbox, sandbox.ready.users[provider].slice(0, spec.mailboxes))
    const first = await syncOnce(sandbox, 'full-sync-rss', spec, provider)
    const rss: Check = {label: 'peakRssMb', actual: first.run.peakRssMb, op: '<', limit: RSS_TARGET_MB, unit: ' MB'}
    const {row, notes: lines} = syncRow(`full-sync-${spec.mailboxes}`, provider, first, spec)
    // The target of (7) is the memory; the ratio and throttled share stay in the notes.
    const rssRow = scenario(row.id, {...row, target: null, met: null}, [rss])
    return {
      rows: [rssRow],
      notes: new Map([
        [rssRow, [activation, ...lines.filter((l) => !l.startsWith('GAP')), ...gaps([rss]).map((g) => `GAP: ${g}`)]],
      ]),
      facts: {},
    }
  } finally {
    await sandbox.stop()
  }
}

/**
 * The benchmark report of issue 13: scenarios in the JSON contract's shape (fields that do not apply are
 * null), their targets as checks, and the text table. A target not met is printed with its gap; a figure
 * not measured is "not measured yet", which is a target not met.
 */

/** One row of `npm run bench -- --json` (issue 13's contract, exactly these fields). */
export interface BenchScenario {
  id: string
  provider: string | null
  wallMs: number | null
  requests: number | null
  throttled: number | null
  peakRssMb: number | null
  lowerBoundMs: number | null
  ratioToBound: number | null
  baselineMs: number | null
  speedup: number | null
  p50Ms: number | null
  p99Ms: number | null
  /** The target in words ("ratioToBound <= 1.3; throttled <= 1% of requests"); null where none applies. */
  target: string | null
  met: boolean | null
}

export interface BenchReport {
  params: Record<string, unknown>
  scenarios: BenchScenario[]
}

/** One measurable condition of a target. `actual` null means it was not measured. */
export interface Check {
  label: string
  actual: number | null
  op: '<=' | '<' | '='
  limit: number
  /** Printed after numbers, e.g. ' MB', '%'. */
  unit?: string
}

const EMPTY: Omit<BenchScenario, 'id'> = {
  provider: null,
  wallMs: null,
  requests: null,
  throttled: null,
  peakRssMb: null,
  lowerBoundMs: null,
  ratioToBound: null,
  baselineMs: null,
  speedup: null,
  p50Ms: null,
  p99Ms: null,
  target: null,
  met: null,
}

export function passes(check: Check): boolean {
  if (check.actual === null || !Number.isFinite(check.actual)) return false
  switch (check.op) {
    case '<=':
      return check.actual <= check.limit
    case '<':
      return check.actual < check.limit
    case '=':
      return check.actual === check.limit
  }
}

const show = (value: number) => String(Math.round(value * 100) / 100)

/** Why a check is not met, in words; null when it is. */
export function gapOf(check: Check): string | null {
  if (passes(check)) return null
  const unit = check.unit ?? ''
  if (check.actual === null || !Number.isFinite(check.actual)) return `${check.label}: not measured yet`
  const over = check.actual - check.limit
  if (check.op === '=') {
    return `${check.label} ${show(check.actual)}${unit}, wanted ${show(check.limit)}${unit} (${over > 0 ? '+' : ''}${show(over)})`
  }
  const times = check.limit === 0 ? '' : `, ${show(check.actual / check.limit)}x the target`
  return `${check.label} ${show(check.actual)}${unit} is ${show(over)}${unit} over ${check.op} ${show(check.limit)}${unit}${times}`
}

/** A scenario row: every field not given is null; `checks` make its target and whether it was met. */
export function scenario(id: string, fields: Partial<Omit<BenchScenario, 'id'>>, checks: Check[] = []): BenchScenario {
  const row: BenchScenario = {id, ...EMPTY, ...fields}
  if (checks.length > 0) {
    row.target = checks.map((check) => `${check.label} ${check.op} ${show(check.limit)}${check.unit ?? ''}`).join('; ')
    row.met = checks.every(passes)
  }
  return row
}

/** The gaps of a scenario's checks (empty when met). */
export function gaps(checks: readonly Check[]): string[] {
  return checks.map(gapOf).filter((gap): gap is string => gap !== null)
}

const seconds = (ms: number | null) => (ms === null ? '-' : `${(ms / 1000).toFixed(2)} s`)
const num = (value: number | null) => (value === null ? '-' : value.toLocaleString('en-US'))
const x = (value: number | null) => (value === null ? '-' : `${value.toFixed(2)}x`)
const ms = (value: number | null) => (value === null ? '-' : `${value} ms`)

/** The report as text: one line per scenario, then its notes (gaps, splits, how it was measured). */
export function formatReport(report: BenchReport, notes: ReadonlyMap<BenchScenario, readonly string[]>): string {
  const lines: string[] = []
  const params = Object.entries(report.params)
    .filter(([, value]) => typeof value !== 'object')
    .map(([key, value]) => `${key}=${String(value)}`)
  lines.push(`hcal benchmark: ${params.join(', ')}`)
  for (const s of report.scenarios) {
    const verdict = s.met === null ? '' : s.met ? '  [met]' : '  [NOT met]'
    const parts = [
      s.wallMs !== null ? `wall ${seconds(s.wallMs)}` : '',
      s.requests !== null ? `requests ${num(s.requests)}` : '',
      s.throttled !== null ? `throttled ${num(s.throttled)}` : '',
      s.peakRssMb !== null ? `peak RSS ${s.peakRssMb} MB` : '',
      s.lowerBoundMs !== null ? `bound ${seconds(s.lowerBoundMs)} (ratio ${x(s.ratioToBound)})` : '',
      s.baselineMs !== null ? `baseline ${seconds(s.baselineMs)} (speed-up ${x(s.speedup)})` : '',
      s.p50Ms !== null || s.p99Ms !== null ? `p50 ${ms(s.p50Ms)}, p99 ${ms(s.p99Ms)}` : '',
    ].filter(Boolean)
    const name = s.provider ? `${s.id} [${s.provider}]` : s.id
    lines.push(`${name}: ${parts.join(', ') || 'not measured yet'}${verdict}`)
    if (s.target) lines.push(`    target: ${s.target}`)
    for (const note of notes.get(s) ?? []) lines.push(`    ${note}`)
  }
  return `${lines.join('\n')}\n`
}

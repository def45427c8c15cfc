/** Small numeric helpers of the benchmark report. */

export const round2 = (value: number): number => Math.round(value * 100) / 100

/** Nearest-rank percentile (p in 0..100) of values already sorted ascending; NaN for none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!
}

/** a / b rounded to two decimals, or null when either is unknown or b is 0. */
export function ratio(a: number | null, b: number | null): number | null {
  if (a === null || b === null || b === 0 || !Number.isFinite(a) || !Number.isFinite(b)) return null
  return round2(a / b)
}

/** A sequential run measured on `sample` of `total` units, scaled to all of them (linear: one after another). */
export function extrapolate(measuredMs: number, sample: number, total: number): number {
  if (sample <= 0) throw new Error('extrapolate: the sample must hold at least one unit')
  return Math.round((measuredMs * total) / sample)
}

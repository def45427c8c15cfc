/**
 * A one-line progress bar on stderr for long bulk runs, drawn only when stderr is a terminal (never in
 * pipes, CI logs or --json runs, where it would be noise): `[#########.........] 450/1000 validating users`.
 */
export interface Progress {
  update(done: number, total: number): void
  /** Clears the line. */
  stop(): void
}

const WIDTH = 24
const NONE: Progress = {update() {}, stop() {}}

export function progressBar(
  label: string,
  options: {stream?: NodeJS.WriteStream; enabled?: boolean; minIntervalMs?: number} = {},
): Progress {
  const stream = options.stream ?? process.stderr
  if (options.enabled === false || !stream.isTTY) return NONE
  const minIntervalMs = options.minIntervalMs ?? 100
  let drawnAt = 0
  let drawn = false
  return {
    update(done, total) {
      const now = Date.now()
      if (done < total && now - drawnAt < minIntervalMs) return
      drawnAt = now
      const filled = total === 0 ? WIDTH : Math.round((done / total) * WIDTH)
      stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${done}/${total} ${label}`)
      drawn = true
    },
    stop() {
      if (drawn) stream.write('\r\u001b[2K')
      drawn = false
    },
  }
}

/** Several bars on one line, one per named part (e.g. per calendar system): `google [###...] 3/10  exchange [#.....] 1/8`. */
export interface MultiProgress {
  update(name: string, done: number, total: number): void
  stop(): void
}

export function progressBars(
  label: string,
  options: {stream?: NodeJS.WriteStream; enabled?: boolean; minIntervalMs?: number} = {},
): MultiProgress {
  const stream = options.stream ?? process.stderr
  if (options.enabled === false || !stream.isTTY) return {update() {}, stop() {}}
  const minIntervalMs = options.minIntervalMs ?? 100
  const parts = new Map<string, {done: number; total: number}>()
  const width = 12
  let drawnAt = 0
  let drawn = false
  return {
    update(name, done, total) {
      parts.set(name, {done, total})
      const now = Date.now()
      const complete = [...parts.values()].every((part) => part.done >= part.total)
      if (!complete && now - drawnAt < minIntervalMs) return
      drawnAt = now
      const bars = [...parts].map(([part, {done: d, total: t}]) => {
        const filled = t === 0 ? width : Math.round((d / t) * width)
        return `${part} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${d}/${t}`
      })
      stream.write(`\r\u001b[2K${bars.join('  ')} ${label}`)
      drawn = true
    },
    stop() {
      if (drawn) stream.write('\r\u001b[2K')
      drawn = false
    },
  }
}

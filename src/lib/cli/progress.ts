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

import {closeSync, constants, openSync, statSync} from 'node:fs'
import {readFile} from 'node:fs/promises'

import {unlessAborted} from '../abort.js'

/**
 * Reads a file the user named (`--body-file`, `--file`), giving up when `signal` aborts. A FIFO with no
 * writer blocks open() inside a libuv worker thread, and a process cannot exit while one is blocked:
 * after an abort the FIFO is opened for writing and closed again, which lets that open() return. It is
 * retried until the read settles, since the signal may come before the worker has begun its open().
 */
export async function readInputFile(path: string, signal?: AbortSignal): Promise<string> {
  const reading = readFile(path, 'utf8')
  if (!signal) return reading
  let releaser: NodeJS.Timeout | undefined
  const startReleasing = () => {
    releaseFifo(path)
    releaser = setInterval(() => releaseFifo(path), 20)
  }
  signal.addEventListener('abort', startReleasing, {once: true})
  const settled = () => {
    signal.removeEventListener('abort', startReleasing)
    clearInterval(releaser)
  }
  reading.then(settled, settled)
  return unlessAborted(reading, signal)
}

function releaseFifo(path: string): void {
  try {
    if (!statSync(path).isFIFO()) return
    // Non-blocking: fails with ENXIO while no reader has the FIFO open yet, and is tried again.
    closeSync(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK))
  } catch {
    // Nothing to release (yet): the next try, or the read settling, ends this.
  }
}

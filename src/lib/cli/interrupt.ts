import {ExitCode, HcalError} from '../errors.js'

/** What every interrupted command reports, whatever it was doing when the signal came. */
export function interruptedError(signal?: NodeJS.Signals): HcalError {
  return new HcalError('INTERRUPTED', `Interrupted${signal ? ` by ${signal}` : ''} before the work finished.`, {
    exitCode: ExitCode.interrupted,
  })
}

/**
 * Settles like `work`, or rejects with an AbortError as soon as `signal` aborts. For waits that cannot
 * be cancelled themselves (opening a FIFO, a pipe nobody closes): the command stops waiting and ends,
 * and the process exit takes the abandoned wait with it.
 */
export function unlessAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work
  if (signal.aborted) return Promise.reject(abortError())
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError())
    signal.addEventListener('abort', onAbort, {once: true})
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(error instanceof Error ? error : new Error(String(error)))
      },
    )
  })
}

function abortError(): Error {
  return new DOMException('The operation was aborted.', 'AbortError')
}

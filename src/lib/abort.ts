/**
 * Settles like `work`, or rejects with an AbortError as soon as `signal` aborts. For waits that cannot
 * be cancelled themselves (a pipe nobody closes): the caller stops waiting and ends, and the process
 * exit takes the abandoned wait with it.
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

export function abortError(): Error {
  return new DOMException('The operation was aborted.', 'AbortError')
}

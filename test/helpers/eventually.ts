/**
 * Polls `probe` until it returns a value other than undefined, at most `timeoutMs`; rejects naming `what`
 * (and the last value seen) when the bound passes. For ground truth that changes asynchronously (a service
 * writing a join block): the test waits exactly as long as needed, up to its bound, never a fixed sleep.
 */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  options: {timeoutMs?: number; everyMs?: number} = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000)
  let last: unknown
  for (;;) {
    try {
      const value = await probe()
      if (value !== undefined) return value
    } catch (error) {
      last = error
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${what}: not reached within ${options.timeoutMs ?? 60_000} ms${last ? ` (last: ${String(last)})` : ''}`,
      )
    }
    await new Promise((resolve) => setTimeout(resolve, options.everyMs ?? 250))
  }
}

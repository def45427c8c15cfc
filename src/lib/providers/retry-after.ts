/**
 * Retry-After, as every provider's error mapping reads it (RFC 9110 section 10.2.3): delay-seconds or an
 * HTTP-date. Shared so the three mappings agree on what a hint means.
 */

/** Milliseconds to wait, or undefined when the header is absent or unreadable. A past date means 0. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  const text = value?.trim()
  if (!text) return undefined
  if (/^\d+$/.test(text)) return Number(text) * 1000
  if (!/[a-z]/i.test(text)) return undefined
  const date = Date.parse(text)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/** A header from a fetch Headers, a Node/axios header record, or anything with `get(name)`. */
export function headerValue(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined
  const getter = (headers as {get?: unknown}).get
  if (typeof getter === 'function') {
    const value: unknown = getter.call(headers, name)
    return typeof value === 'string' ? value : undefined
  }
  const wanted = name.toLowerCase()
  for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
    if (key.toLowerCase() !== wanted) continue
    if (typeof value === 'string') return value
    if (Array.isArray(value) && typeof value[0] === 'string') return value[0]
  }
  return undefined
}

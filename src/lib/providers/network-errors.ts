/** Network failures every provider's error mapping classifies as transient, whichever HTTP stack raised them. */

/** Network failures worth a retry (a reset or refused connection, a timeout, DNS hiccups). */
const TRANSIENT_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'ECONNABORTED',
])

/** True when `error` (or its cause) is a network failure worth retrying, by code or by Node's message. */
export function isTransientNetworkError(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    const code = (current as {code?: unknown}).code
    if (typeof code === 'string' && TRANSIENT_NETWORK_CODES.has(code)) return true
    const message = (current as {message?: unknown}).message
    if (
      typeof message === 'string' &&
      /\b(ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|socket hang up|other side closed)\b/i.test(message)
    ) {
      return true
    }
    current = (current as {cause?: unknown}).cause
  }
  return false
}

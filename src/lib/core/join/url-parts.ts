/** The parts of an http(s) URL hcal looks at; parsed by hand so that rejecting an unknown host costs nothing. */
export interface UrlParts {
  scheme: 'http' | 'https'
  /** Lower-case, without port, userinfo or trailing dot. */
  host: string
  /** Raw path, starting with `/` (or empty). */
  path: string
  /** Raw query without `?` (empty when absent). */
  query: string
  /** Raw fragment without `#` (empty when absent). */
  fragment: string
}

/** A DNS host name: labels of letters, digits and inner hyphens (checked in one pass, no regex backtracking). */
function isHostName(host: string): boolean {
  if (host.length === 0 || host.length > 253) return false
  let labelLength = 0
  for (let index = 0; index < host.length; index++) {
    const code = host.charCodeAt(index)
    if (code === 0x2e) {
      if (labelLength === 0 || host.charCodeAt(index - 1) === 0x2d) return false
      labelLength = 0
    } else if ((code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39)) {
      labelLength++
    } else if (code === 0x2d && labelLength > 0) {
      labelLength++
    } else {
      return false
    }
  }
  return labelLength > 0 && host.charCodeAt(host.length - 1) !== 0x2d
}

export function splitUrl(url: string): UrlParts | null {
  const colon = url.indexOf('://')
  if (colon !== 4 && colon !== 5) return null
  const scheme = url.slice(0, colon).toLowerCase()
  if (scheme !== 'http' && scheme !== 'https') return null
  const authorityStart = colon + 3
  let authorityEnd = url.length
  for (let index = authorityStart; index < url.length; index++) {
    const code = url.charCodeAt(index)
    // Browsers end the authority at `\` too, so `https://evil.example\@zoom.us/` opens evil.example.
    if (code === 0x2f || code === 0x3f || code === 0x23 || code === 0x5c) {
      authorityEnd = index
      break
    }
  }
  let authority = url.slice(authorityStart, authorityEnd)
  const at = authority.lastIndexOf('@')
  if (at !== -1) authority = authority.slice(at + 1)
  const portColon = authority.indexOf(':')
  if (portColon !== -1) authority = authority.slice(0, portColon)
  let host = authority.toLowerCase()
  if (host.endsWith('.')) host = host.slice(0, -1)
  if (!isHostName(host)) return null
  const rest = url.slice(authorityEnd)
  const hash = rest.indexOf('#')
  const beforeHash = hash === -1 ? rest : rest.slice(0, hash)
  const fragment = hash === -1 ? '' : rest.slice(hash + 1)
  const question = beforeHash.indexOf('?')
  const path = question === -1 ? beforeHash : beforeHash.slice(0, question)
  const query = question === -1 ? '' : beforeHash.slice(question + 1)
  return {scheme, host, path, query, fragment}
}

/** True when `host` is `domain` or one of its subdomains. */
export function isHostOrSub(host: string, domain: string): boolean {
  return (
    host === domain ||
    (host.length > domain.length && host.endsWith(domain) && host[host.length - domain.length - 1] === '.')
  )
}

/** Normalises a configured domain: lower-case, without a leading `*.` or `.` or a trailing dot. */
export function normaliseDomain(domain: string): string {
  let result = domain.trim().toLowerCase()
  if (result.startsWith('*.')) result = result.slice(2)
  while (result.startsWith('.')) result = result.slice(1)
  while (result.endsWith('.')) result = result.slice(0, -1)
  return result
}

/** The raw value of the first query parameter called `name` (case-insensitive), or null. */
export function queryParam(query: string, name: string): string | null {
  const wanted = name.toLowerCase()
  for (const pair of query.split('&')) {
    const equals = pair.indexOf('=')
    const key = equals === -1 ? pair : pair.slice(0, equals)
    if (key.toLowerCase() === wanted) return equals === -1 ? '' : pair.slice(equals + 1)
  }
  return null
}

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30
  if (code >= 0x41 && code <= 0x46) return code - 0x37
  if (code >= 0x61 && code <= 0x66) return code - 0x57
  return -1
}

/** Decodes `%XX` escapes as UTF-8 in one pass; malformed escapes stay as they are (never throws). */
export function percentDecode(text: string): string {
  if (!text.includes('%')) return text
  const input = Buffer.from(text, 'utf8')
  const output = Buffer.alloc(input.length)
  let length = 0
  for (let index = 0; index < input.length; index++) {
    const byte = input[index] ?? 0
    if (byte === 0x25 && index + 2 < input.length) {
      const high = hexValue(input[index + 1] ?? 0)
      const low = hexValue(input[index + 2] ?? 0)
      if (high !== -1 && low !== -1) {
        output[length++] = high * 16 + low
        index += 2
        continue
      }
    }
    output[length++] = byte
  }
  return output.toString('utf8', 0, length)
}

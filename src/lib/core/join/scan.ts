/** A link or address found in one line of text, in the order they appear. */
export type Finding = {kind: 'url'; url: string} | {kind: 'address'; address: string; sipUri: boolean}

/** Longer URLs are not meeting links (even nested wrappers stay far below this); skipping them bounds all later work. */
export const MAX_URL_LENGTH = 8192
const MAX_LOCAL_PART = 64
const MAX_DOMAIN = 253

/**
 * One pass over the line: the regex only finds literal starts (a scheme, `sip:`, a scheme-less Meet link or an `@`),
 * each token is then extended by a bounded character loop, and the next search starts after it. No backtracking.
 */
const STARTS = /https?:\/\/|sips?:|meet\.google\.com\/|@/gi

/** Characters a URL may contain in running text: printable ASCII except space, quotes, angle brackets and backtick. */
function isUrlChar(code: number): boolean {
  return code > 0x20 && code < 0x7f && code !== 0x22 && code !== 0x3c && code !== 0x3e && code !== 0x60
}

function isLocalChar(code: number): boolean {
  return isDomainChar(code) || code === 0x5f || code === 0x2b || code === 0x25 || code === 0x27 || code === 0x3d
}

function isDomainChar(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x61 && code <= 0x7a) ||
    code === 0x2e ||
    code === 0x2d
  )
}

export function scanLine(line: string): Finding[] {
  const findings: Finding[] = []
  let consumed = 0
  STARTS.lastIndex = 0
  for (let match = STARTS.exec(line); match !== null; match = STARTS.exec(line)) {
    const start = match.index
    const token = match[0].toLowerCase()
    let end: number
    if (token === '@') {
      end = readAddressAround(line, start, consumed, findings)
    } else if (token.startsWith('sip')) {
      end = readSipUri(line, start, token.length, findings)
    } else if (token.startsWith('meet.')) {
      end = readSchemelessMeet(line, start, findings)
    } else {
      end = readUrl(line, start, findings)
    }
    consumed = Math.max(end, start + 1)
    STARTS.lastIndex = consumed
  }
  return findings
}

function runEnd(line: string, from: number, accept: (code: number) => boolean): number {
  let end = from
  while (end < line.length && accept(line.charCodeAt(end))) end++
  return end
}

function readUrl(line: string, start: number, findings: Finding[]): number {
  const end = runEnd(line, start, isUrlChar)
  if (end - start <= MAX_URL_LENGTH) {
    const url = trimTrailing(line.slice(start, end))
    if (url.length > url.indexOf('://') + 3) findings.push({kind: 'url', url})
  }
  return end
}

function readSchemelessMeet(line: string, start: number, findings: Finding[]): number {
  const end = runEnd(line, start, isUrlChar)
  const before = start > 0 ? line.charCodeAt(start - 1) : 0x20
  // Part of a longer token (`xmeet.google.com`, `//meet.google.com` in an unrecognised scheme): not a bare link.
  if ((isUrlChar(before) && before !== 0x28 && before !== 0x5b) || end - start > MAX_URL_LENGTH) return end
  findings.push({kind: 'url', url: 'https://' + trimTrailing(line.slice(start, end))})
  return end
}

function readSipUri(line: string, start: number, prefixLength: number, findings: Finding[]): number {
  const before = start > 0 ? line.charCodeAt(start - 1) : 0x20
  if (isLocalChar(before)) return start + prefixLength
  const localStart = start + prefixLength
  const at = runEnd(line, localStart, isLocalChar)
  if (line.charCodeAt(at) !== 0x40) return at
  const end = runEnd(line, at + 1, isDomainChar)
  const address = toAddress(line.slice(localStart, at), line.slice(at + 1, end))
  if (address) findings.push({kind: 'address', address, sipUri: true})
  return end
}

/** `consumed` bounds the backwards scan, so every character is read at most twice over the whole line. */
function readAddressAround(line: string, at: number, consumed: number, findings: Finding[]): number {
  let localStart = at
  while (localStart > consumed && isLocalChar(line.charCodeAt(localStart - 1))) localStart--
  const end = runEnd(line, at + 1, isDomainChar)
  const address = toAddress(line.slice(localStart, at), line.slice(at + 1, end))
  if (address) findings.push({kind: 'address', address, sipUri: false})
  return end
}

function toAddress(rawLocal: string, rawDomain: string): string | null {
  const local = trimDots(rawLocal)
  const domain = trimDots(rawDomain).toLowerCase()
  if (local === '' || local.length > MAX_LOCAL_PART || domain.length > MAX_DOMAIN) return null
  const lastDot = domain.lastIndexOf('.')
  if (lastDot <= 0 || !/^[a-z]{2,63}$/.test(domain.slice(lastDot + 1))) return null
  if (domain.includes('..') || domain.startsWith('-')) return null
  return `${local}@${domain}`
}

function trimDots(text: string): string {
  let start = 0
  let end = text.length
  while (start < end && (text[start] === '.' || text[start] === '-')) start++
  while (end > start && (text[end - 1] === '.' || text[end - 1] === '-')) end--
  return text.slice(start, end)
}

const TRAILING = new Set(['.', ',', ';', ':', '!', '?', "'", '"', '*'])
const CLOSERS: Record<string, string> = {')': '(', ']': '[', '}': '{', '>': '<'}

/**
 * Drops sentence punctuation after a URL and closing brackets that have no opening partner inside it, so
 * `(https://zoom.us/j/123).` ends at `123` while `https://host/wiki/A_(b)` keeps its parenthesis.
 */
export function trimTrailing(url: string): string {
  let end = url.length
  const open: Record<string, number> = {'(': 0, '[': 0, '{': 0, '<': 0}
  const close: Record<string, number> = {')': 0, ']': 0, '}': 0, '>': 0}
  for (let index = 0; index < url.length; index++) {
    const char = url[index] ?? ''
    if (char in open) open[char] = (open[char] ?? 0) + 1
    else if (char in close) close[char] = (close[char] ?? 0) + 1
  }
  while (end > 0) {
    const char = url[end - 1] ?? ''
    const opener = CLOSERS[char]
    if (TRAILING.has(char)) {
      end--
    } else if (opener !== undefined && (close[char] ?? 0) > (open[opener] ?? 0)) {
      close[char] = (close[char] ?? 0) - 1
      end--
    } else {
      break
    }
  }
  return url.slice(0, end)
}

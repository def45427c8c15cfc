/** A link or address found in one line of text, in the order they appear. */
export type Finding = {kind: 'url'; url: string} | {kind: 'address'; address: string; sipUri: boolean}

/** Longer URLs are not meeting links (even nested wrappers stay far below this); skipping them bounds all later work. */
const MAX_URL_LENGTH = 8192
const MAX_LOCAL_PART = 64
const MAX_DOMAIN = 253

/**
 * Reports the links and addresses in a line, in order, until `onFinding` returns false. One pass: a character loop
 * spots literal starts (a scheme, `sip:`, a scheme-less Meet link, an `@`), each token is extended by a bounded
 * loop, and scanning resumes after it. No regex backtracking, every character is read at most twice.
 */
export function scanLine(line: string, onFinding: (finding: Finding) => boolean): void {
  let consumed = 0
  let index = 0
  const findings: Finding[] = []
  while (index < line.length) {
    const code = line.charCodeAt(index) | 0x20
    let end = -1
    if (code === 0x68 && startsWithIgnoreCase(line, index, 'http')) {
      const schemeEnd =
        line.charCodeAt(index + 4) === 0x3a ? index + 4 : (line.charCodeAt(index + 4) | 0x20) === 0x73 ? index + 5 : -1
      if (schemeEnd !== -1 && line.startsWith('://', schemeEnd)) end = readUrl(line, index, findings)
    } else if (code === 0x73 && startsWithIgnoreCase(line, index, 'sip')) {
      const prefix =
        line.charCodeAt(index + 3) === 0x3a
          ? 4
          : (line.charCodeAt(index + 3) | 0x20) === 0x73 && line.charCodeAt(index + 4) === 0x3a
            ? 5
            : 0
      if (prefix > 0) end = readSipUri(line, index, prefix, findings)
    } else if (code === 0x6d && startsWithIgnoreCase(line, index, 'meet.google.com/')) {
      end = readSchemelessMeet(line, index, findings)
    } else if (line.charCodeAt(index) === 0x40) {
      end = readAddressAround(line, index, consumed, findings)
    }
    if (end === -1) {
      index++
      continue
    }
    for (const finding of findings) if (!onFinding(finding)) return
    findings.length = 0
    consumed = Math.max(end, index + 1)
    index = consumed
  }
}

function startsWithIgnoreCase(line: string, index: number, prefix: string): boolean {
  for (let offset = 0; offset < prefix.length; offset++) {
    const code = line.charCodeAt(index + offset)
    const lowered = code >= 0x41 && code <= 0x5a ? code | 0x20 : code
    if (lowered !== prefix.charCodeAt(offset)) return false
  }
  return true
}

/** Characters a URL may contain in running text: printable ASCII except space, quotes, angle brackets and backtick. */
function isUrlChar(code: number): boolean {
  return code > 0x20 && code < 0x7f && code !== 0x22 && code !== 0x3c && code !== 0x3e && code !== 0x60
}

function isLocalChar(code: number): boolean {
  return isDomainChar(code) || code === 0x5f || code === 0x2b || code === 0x25 || code === 0x27
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

function runEnd(line: string, from: number, accept: (code: number) => boolean): number {
  let end = from
  while (end < line.length && accept(line.charCodeAt(end))) end++
  return end
}

/**
 * Where a URL ends inside a run of URL characters: before an HTML-escaped delimiter left in a text body
 * (`&lt;https://...&gt;`) and before a Markdown link's `](`, which no real link contains.
 */
const EMBEDDED_END = /&(?:gt|lt|quot|nbsp|#39|#34);|\]\(/i

function readUrl(line: string, start: number, findings: Finding[]): number {
  let end = runEnd(line, start, isUrlChar)
  if (end - start <= MAX_URL_LENGTH) {
    const cut = EMBEDDED_END.exec(line.slice(start, end))
    if (cut) end = start + cut.index + (cut[0] === '](' ? 1 : 0)
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
  // Cheap rejections first: an address needs a local part and a dotted domain (searched only inside the domain run).
  if (localStart === at || end - at < 5 || !hasInnerDot(line, at + 2, end - 1)) return end
  const address = toAddress(line.slice(localStart, at), line.slice(at + 1, end))
  if (address) findings.push({kind: 'address', address, sipUri: false})
  return end
}

function hasInnerDot(line: string, from: number, to: number): boolean {
  for (let index = from; index < to; index++) if (line.charCodeAt(index) === 0x2e) return true
  return false
}

function toAddress(rawLocal: string, rawDomain: string): string | null {
  // A local part starts with a letter or digit: drops the opening quote of `'room@x'`.
  let localStart = 0
  while (localStart < rawLocal.length && !/[A-Za-z0-9]/.test(rawLocal[localStart] ?? '')) localStart++
  const local = trimDots(rawLocal.slice(localStart))
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

/** Sentence punctuation dropped from the end of a URL. */
const TRAILING = '.,;:!?\'"*'
/** Closing brackets and their openers; a closer is dropped only when the URL holds more closers than openers. */
const PAIRS: readonly [string, string][] = [
  [')', '('],
  [']', '['],
  ['}', '{'],
  ['>', '<'],
]

function count(text: string, char: string): number {
  let total = 0
  for (let index = text.indexOf(char); index !== -1; index = text.indexOf(char, index + 1)) total++
  return total
}

/**
 * Drops sentence punctuation after a URL and closing brackets that have no opening partner inside it, so
 * `(https://zoom.us/j/123).` ends at `123` while `https://host/wiki/A_(b)` keeps its parenthesis.
 */
export function trimTrailing(url: string): string {
  let end = url.length
  let balance: Map<string, number> | undefined
  while (end > 0) {
    const char = url[end - 1] ?? ''
    if (TRAILING.includes(char)) {
      end--
      continue
    }
    const pair = PAIRS.find(([closer]) => closer === char)
    if (!pair) break
    balance ??= new Map<string, number>()
    const surplus = balance.get(char) ?? count(url, char) - count(url, pair[1])
    if (surplus <= 0) break
    balance.set(char, surplus - 1)
    end--
  }
  return end === url.length ? url : url.slice(0, end)
}

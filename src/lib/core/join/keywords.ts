export const DEFAULT_KEYWORDS: readonly string[] = ['@webex', '@meet']

export type KeywordVariant = 'space' | 'myroom'

export interface KeywordHit {
  keyword: string
  variant: KeywordVariant | null
}

const VARIANTS: readonly KeywordVariant[] = ['space', 'myroom']

/** Characters that glue a keyword into a larger token: an address (`jane@webex.com`), a word, a URL (`/@webex`). */
const GLUE_BEFORE = new Set(['.', '_', '-', '+', '%', '@', '/', '=', '?', '&', '#'])

function isGlueBefore(char: string): boolean {
  return isAsciiAlnum(char.charCodeAt(0)) || GLUE_BEFORE.has(char)
}

function isAsciiAlnum(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a)
}

/** True when the token that starts at `index` continues the keyword (`@webexy`, `@webex.com`, `@webex-2`, `@webex@x`). */
function continuesToken(text: string, index: number): boolean {
  const code = text.charCodeAt(index)
  if (Number.isNaN(code)) return false
  if (isAsciiAlnum(code) || code === 0x5f || code === 0x2d || code === 0x40 || code === 0x2b || code === 0x25)
    return true
  // `.` or `:` followed by a word character continues the token (a domain, an unknown suffix); at the end of a
  // sentence (`@webex.`) or before a space (`@webex: Room 4`) it does not.
  if (code === 0x2e || code === 0x3a) return isAsciiAlnum(text.charCodeAt(index + 1))
  return false
}

/**
 * Finds the first configured keyword that stands as a whole token in the location, case-insensitive, optionally
 * followed by `:space` or `:myroom`. `jane@webex.com`, `@webexy` and `@webex:other` are not keywords.
 */
export function findKeyword(location: string, keywords: readonly string[] = DEFAULT_KEYWORDS): KeywordHit | null {
  const haystack = location.toLowerCase()
  let best: {index: number; hit: KeywordHit} | null = null
  for (const raw of keywords) {
    const keyword = raw.trim().toLowerCase()
    if (keyword === '') continue
    let from = 0
    // Each keyword scans the location once: indexOf only moves forward.
    while (from <= haystack.length) {
      const index = haystack.indexOf(keyword, from)
      if (index === -1 || (best !== null && index >= best.index)) break
      from = index + 1
      if (index > 0 && isGlueBefore(haystack[index - 1] ?? '')) continue
      const end = index + keyword.length
      const hit = matchSuffix(haystack, end, keyword)
      if (hit) {
        best = {index, hit}
        break
      }
    }
  }
  return best?.hit ?? null
}

function matchSuffix(haystack: string, end: number, keyword: string): KeywordHit | null {
  if (haystack.charCodeAt(end) === 0x3a) {
    for (const variant of VARIANTS) {
      if (haystack.startsWith(variant, end + 1) && !continuesToken(haystack, end + 1 + variant.length)) {
        return {keyword, variant}
      }
    }
  }
  return continuesToken(haystack, end) ? null : {keyword, variant: null}
}

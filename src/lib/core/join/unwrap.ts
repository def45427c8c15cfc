import {isHostOrSub, percentDecode, queryParam, splitUrl, type UrlParts} from './url-parts.js'

/** Wrappers nest (Proofpoint around Safe Links, ...); more than this many layers is not a real link. */
const MAX_LAYERS = 6

const SAFE_LINKS_DOMAINS = [
  'safelinks.protection.outlook.com',
  'safelinks.protection.office365.us',
  'safelinks.protection.outlook.de',
  'safelinks.protection.partner.outlook.cn',
]

/**
 * Removes link-protection wrappers, outermost first: Microsoft Defender Safe Links, Google `url?q=` redirects,
 * Proofpoint URL Defense v1, v2 and v3. Anything else is returned unchanged, as is a wrapper whose payload is
 * missing or malformed.
 */
export function unwrapLink(url: string): string {
  return unwrapToParts(url).url
}

/** As unwrapLink, also returning the parts of the result (null when it is not an http(s) URL). */
export function unwrapToParts(url: string): {url: string; parts: UrlParts | null} {
  let current = url
  let parts = splitUrl(current)
  for (let layer = 0; layer < MAX_LAYERS && parts !== null; layer++) {
    const inner = unwrapOnce(current, parts)
    if (inner === null || inner === current) break
    current = inner
    parts = splitUrl(current)
  }
  return {url: current, parts}
}

function unwrapOnce(url: string, {host, path, query}: UrlParts): string | null {
  const lowerPath = path.toLowerCase()
  if (SAFE_LINKS_DOMAINS.some((domain) => isHostOrSub(host, domain) && host !== domain)) {
    return decodedParam(query, 'url')
  }
  if (host === 'statics.teams.cdn.office.net' && lowerPath.includes('/safelinks/')) return decodedParam(query, 'url')
  if ((host === 'www.google.com' || host === 'google.com') && lowerPath === '/url') {
    return decodedParam(query, 'q') ?? decodedParam(query, 'url')
  }
  if (host === 'urldefense.proofpoint.com') {
    if (lowerPath === '/v1/url') return decodedParam(query, 'u')
    if (lowerPath === '/v2/url') return decodeProofpointV2(query)
  }
  if (host === 'urldefense.com' && path.startsWith('/v3/__')) return decodeProofpointV3(url)
  return null
}

function decodedParam(query: string, name: string): string | null {
  const value = queryParam(query, name)
  if (value === null || value === '') return null
  return absoluteHttp(percentDecode(value))
}

function absoluteHttp(url: string): string | null {
  return /^https?:\/\//i.test(url) ? url : null
}

/** v2 escapes the target as percent-encoding with `-` for `%` and `_` for `/`. */
function decodeProofpointV2(query: string): string | null {
  const value = queryParam(query, 'u')
  if (!value) return null
  return absoluteHttp(percentDecode(value.replaceAll('-', '%').replaceAll('_', '/')))
}

/** `**X` replaces a run of characters whose length X encodes: A=2, B=3, ... (Proofpoint's run mapping). */
const RUN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/**
 * v3: `https://urldefense.com/v3/__<url>__;<base64url>!!<tags>$`. Characters Proofpoint removed from `<url>` are
 * replaced by `*` (one character) or `**X` (a run); the removed characters, in order, are the base64url payload.
 */
function decodeProofpointV3(url: string): string | null {
  const start = url.indexOf('/v3/__') + '/v3/__'.length
  const separator = url.indexOf('__;', start)
  if (separator === -1) return null
  const bang = url.indexOf('!', separator + 3)
  const encodedUrl = percentDecode(url.slice(start, separator))
  const payload = url.slice(separator + 3, bang === -1 ? url.length : bang)
  const replaced = Array.from(Buffer.from(payload, 'base64url').toString('utf8'))
  let cursor = 0
  let result = ''
  for (let index = 0; index < encodedUrl.length; index++) {
    const char = encodedUrl[index]
    if (char !== '*') {
      result += char
      continue
    }
    let runLength = 1
    if (encodedUrl[index + 1] === '*' && index + 2 < encodedUrl.length) {
      runLength = RUN_ALPHABET.indexOf(encodedUrl[index + 2] ?? '') + 2
      if (runLength < 2) return null
      index += 2
    }
    if (cursor + runLength > replaced.length) return null
    result += replaced.slice(cursor, cursor + runLength).join('')
    cursor += runLength
  }
  return absoluteHttp(result)
}

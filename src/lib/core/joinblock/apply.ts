import type {BodyType} from '../model.js'
import {locateJoinBlocks} from './locate.js'

/** The line ending a text body uses; a block written into it uses the same one. */
export function bodyNewline(body: string): '\n' | '\r\n' {
  return body.includes('\r\n') ? '\r\n' : '\n'
}

/**
 * Puts `block` into the body, replacing an existing hcal block in place (and dropping any duplicate),
 * or takes the block out when `block` is null. Bytes outside the block are kept exactly; a text block
 * is appended after one blank line, and that separator is removed with it, so insert-then-remove
 * gives back the original body byte for byte. HTML blocks go before `</body>` when there is one.
 */
export function applyJoinBlock(body: string, bodyType: BodyType, block: string | null): string {
  const {regions} = locateJoinBlocks(body, bodyType)
  const newline = bodyNewline(body)
  const separator = bodyType === 'text' ? newline + newline : ''
  if (regions.length === 0) {
    if (block === null) return body
    if (bodyType === 'text') return body === '' ? block : body + separator + block
    const close = body.search(/<\/body\s*>(?![\s\S]*<\/body\s*>)/i)
    return close < 0 ? body + block : body.slice(0, close) + block + body.slice(close)
  }
  let result = ''
  let cursor = 0
  regions.forEach((region, index) => {
    let start = region.start
    const keep = block !== null && index === 0
    // The separator hcal added goes with the block, unless the block stays.
    if (!keep && separator && body.slice(cursor, start).endsWith(separator)) start -= separator.length
    result += body.slice(cursor, start) + (keep ? block : '')
    cursor = region.end
  })
  return result + body.slice(cursor)
}

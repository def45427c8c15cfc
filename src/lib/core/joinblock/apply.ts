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
    return insertHtmlBlock(body, block)
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

/**
 * Before `</body>`, else at the end; but where broken markup precedes that point (an unclosed tag or
 * comment swallows what follows), a block put there could not be found again and every run would add
 * another. Then it goes after `<body>`, and at the very start as the last resort, where nothing precedes it.
 */
function insertHtmlBlock(body: string, block: string): string {
  const close = body.search(/<\/body\s*>(?![\s\S]*<\/body\s*>)/i)
  const open = /<body\b[^>]*>/i.exec(body)
  const points = [close < 0 ? body.length : close, ...(open ? [open.index + open[0].length] : []), 0]
  for (const point of points) {
    const written = body.slice(0, point) + block + body.slice(point)
    const [region, ...others] = locateJoinBlocks(written, 'html').regions
    if (others.length === 0 && region?.start === point && region.end === point + block.length) return written
  }
  return block + body
}

import {Parser} from 'htmlparser2'

import type {BodyType} from '../model.js'
import {HTML_BLOCK_ID, TEXT_BEGIN, TEXT_END} from './render.js'

/** A half-open range [start, end) of the body that holds one hcal block. */
export interface BlockRegion {
  start: number
  end: number
}

export interface LocatedBlocks {
  regions: BlockRegion[]
  /**
   * hcal's identifiers appear in the body but no complete block can be delimited (a client kept the
   * begin sentinel and dropped the end, say). The body is then left alone rather than guessed at.
   */
  trace: boolean
}

const COMMENT = new RegExp(`^\\s*${HTML_BLOCK_ID}:(begin|end)\\s*$`, 'i')
// Outlook prefixes ids with "x_" when it re-serialises a body into a reply or a copy.
const BLOCK_ID = new RegExp(`(^|_)${HTML_BLOCK_ID}$`, 'i')

export function locateJoinBlocks(body: string, bodyType: BodyType): LocatedBlocks {
  return bodyType === 'text' ? locateText(body) : locateHtml(body)
}

function locateText(body: string): LocatedBlocks {
  const regions: BlockRegion[] = []
  let from = 0
  for (;;) {
    const start = body.indexOf(TEXT_BEGIN, from)
    if (start < 0) break
    const endSentinel = body.indexOf(TEXT_END, start + TEXT_BEGIN.length)
    if (endSentinel < 0) return {regions, trace: true}
    const end = endSentinel + TEXT_END.length
    regions.push({start, end})
    from = end
  }
  const trace = body.indexOf(TEXT_END, regions.at(-1)?.end ?? 0) >= 0
  return {regions, trace}
}

/**
 * Finds blocks by their comment sentinels, and by the block's div where a client dropped the comments
 * (Exchange and Outlook keep ids, sometimes with an "x_" prefix). One linear pass of htmlparser2.
 */
function locateHtml(body: string): LocatedBlocks {
  const commentRegions: BlockRegion[] = []
  const divRegions: BlockRegion[] = []
  let openComment: number | null = null
  let unmatched = false
  const stack: {name: string; blockStart: number | null}[] = []
  const parser = new Parser(
    {
      oncomment(data) {
        const match = COMMENT.exec(data)
        if (!match) return
        if (match[1]?.toLowerCase() === 'begin') {
          if (openComment !== null) unmatched = true
          openComment = parser.startIndex
        } else if (openComment === null) {
          unmatched = true
        } else {
          commentRegions.push({start: openComment, end: parser.endIndex + 1})
          openComment = null
        }
      },
      onopentag(name, attributes) {
        const id = attributes.id ?? ''
        stack.push({name, blockStart: BLOCK_ID.test(id) ? parser.startIndex : null})
      },
      onclosetag() {
        const open = stack.pop()
        if (open?.blockStart !== null && open?.blockStart !== undefined) {
          divRegions.push({start: open.blockStart, end: parser.endIndex + 1})
        }
      },
    },
    {decodeEntities: true, recognizeSelfClosing: true},
  )
  parser.end(body)
  if (openComment !== null) unmatched = true
  const inComment = (r: BlockRegion) => commentRegions.some((c) => c.start <= r.start && r.end <= c.end)
  const regions = [...commentRegions, ...divRegions.filter((r) => !inComment(r))].sort((a, b) => a.start - b.start)
  // A text block inside an HTML body: a client converted the body's type after hcal wrote it.
  const converted = body.includes(TEXT_BEGIN) || body.includes(TEXT_END)
  return {regions, trace: (unmatched || converted) && regions.length === 0}
}

import {escapeAttribute, escapeText} from 'entities'

import {type JoinBlockLanguage, joinBlockStrings} from '../i18n/index.js'
import type {BodyType} from '../model.js'
import type {KeywordJoinDetails} from './details.js'

/** Bumped when the block's layout changes, so existing blocks are rewritten once. */
export const JOIN_BLOCK_VERSION = 1

export const TEXT_BEGIN = '--- hcal join details: begin ---'
export const TEXT_END = '--- hcal join details: end ---'
export const HTML_BLOCK_ID = 'hcal-join-block'
export const HTML_BEGIN_COMMENT = `<!-- ${HTML_BLOCK_ID}:begin -->`
export const HTML_END_COMMENT = `<!-- ${HTML_BLOCK_ID}:end -->`

/**
 * The block as it goes into a body. Text blocks use the body's own line ending so a CRLF body stays
 * CRLF; HTML blocks are one line of markup with every value escaped.
 */
export function renderJoinBlock(
  details: KeywordJoinDetails,
  bodyType: BodyType,
  language: JoinBlockLanguage,
  newline: '\n' | '\r\n' = '\n',
): string {
  const strings = joinBlockStrings(language)
  const footer = strings.footer.replace('{keyword}', details.keyword)
  if (bodyType === 'text') {
    return [
      TEXT_BEGIN,
      strings.heading,
      `${strings.joinByLink}: ${details.url}`,
      `${strings.joinByVideo}: ${details.sip}`,
      footer,
      TEXT_END,
    ].join(newline)
  }
  const line = (content: string, style = '') => `<p style="margin:0${style}">${content}</p>`
  return [
    HTML_BEGIN_COMMENT,
    `<div id="${HTML_BLOCK_ID}" data-hcal-version="${JOIN_BLOCK_VERSION}" lang="${language}" style="margin-top:16px">`,
    line(`<b>${escapeText(strings.heading)}</b>`),
    line(`${escapeText(strings.joinByLink)}: <a href="${escapeAttribute(details.url)}">${escapeText(details.url)}</a>`),
    line(
      `${escapeText(strings.joinByVideo)}: <a href="sip:${escapeAttribute(details.sip)}">${escapeText(details.sip)}</a>`,
    ),
    line(escapeText(footer), ';color:#666666;font-size:smaller'),
    '</div>',
    HTML_END_COMMENT,
  ].join('')
}

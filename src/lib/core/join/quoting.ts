import type {Lines} from './types.js'

/**
 * Separator lines mail clients put above a quoted earlier message or invitation, compared with runs of dashes,
 * underscores and spaces collapsed and lower-cased: Outlook in English, German, French, Spanish, Polish and Japanese.
 * Gmail's "Forwarded message" is not one: an invitation forwarded to a room calendar is the meeting to join.
 */
const SEPARATORS = new Set(
  [
    'original appointment',
    'original message',
    'ursprünglicher termin',
    'ursprüngliche nachricht',
    "rendez-vous d'origine",
    "message d'origine",
    'cita original',
    'mensaje original',
    'oryginalny termin',
    'termin oryginalny',
    'wiadomość oryginalna',
    'oryginalna wiadomość',
    '元の予定',
    '元のメッセージ',
  ].map(compact),
)

/**
 * Outlook's header of a quoted message: a "From" line, then within a few lines a "Sent" line, in each language.
 * "Date:" headers are left alone: Gmail and Thunderbird write them above forwarded invitations, which count.
 */
const FROM_LINE = /^[\s*]*(?:from|von|de|od|差出人)[\s*]*[:：]/i
const SENT_LINE = /^[\s*]*(?:sent|gesendet|envoyé|enviado|enviado el|wysłano|wysłane|送信日時)[\s*]*[:：]/i

/** Gmail-style attribution lines: "On <date> Jane <jane@x> wrote:", "Am ... schrieb Max <max@x>:" and translations. */
const ATTRIBUTION_OPENING = /^(?:on|am|le|el|w dniu)\s/
const ATTRIBUTION_VERB = /wrote|schrieb|a écrit|escribió|napisał|pisze/

/** Markers are short; longer lines are never compared (keeps the per-line work bounded). */
const MAX_MARKER_LINE = 200
/** How many lines after a "From:" line may hold the "Sent:" line (a long "To:" list can sit between). */
const HEADER_WINDOW = 3

function compact(text: string): string {
  return text
    .replace(/[-_\s]+/g, ' ')
    .trim()
    .toLowerCase()
}

function isSeparator(line: string): boolean {
  const trimmed = line.trim()
  if (trimmed.charCodeAt(0) !== 0x2d && trimmed.charCodeAt(0) !== 0x5f) return false
  if (!/^[-_]{2}/.test(trimmed) || !/[-_]{2}$/.test(trimmed)) return false
  return SEPARATORS.has(compact(trimmed))
}

/** The attribution may wrap: its opening can sit on the previous line. */
function isAttribution(line: string, previous: string | undefined): boolean {
  if (!line.trimEnd().endsWith(':')) return false
  const current = line.trim().toLowerCase()
  const before = previous !== undefined && previous.length <= MAX_MARKER_LINE ? previous.trim().toLowerCase() : ''
  if (!ATTRIBUTION_VERB.test(current)) return false
  return ATTRIBUTION_OPENING.test(current) || ATTRIBUTION_OPENING.test(before)
}

/** True for a `>`-quoted line. */
function isQuotePrefixed(line: string): boolean {
  for (let index = 0; index < line.length; index++) {
    const char = line[index]
    if (char === '>') return true
    if (char !== ' ' && char !== '\t') return false
  }
  return false
}

/**
 * Marks as quoted everything from the first quote marker on (a separator line, a From/Sent header, an
 * attribution line) and every `>`-quoted line. Lines already quoted (HTML blockquotes) stay quoted.
 */
export function markQuoted(lines: Lines): Lines {
  const {texts, quoted} = lines
  let previousText: string | undefined
  for (let index = 0; index < texts.length; index++) {
    const text = texts[index] ?? ''
    if (text.length === 0) continue
    if (!quoted[index] && startsQuotedMessage(texts, index, previousText)) {
      quoted.fill(true, index)
      return lines
    }
    if (isQuotePrefixed(text)) quoted[index] = true
    previousText = text
  }
  return lines
}

function startsQuotedMessage(texts: string[], index: number, previousText: string | undefined): boolean {
  const text = texts[index] ?? ''
  if (text.length > MAX_MARKER_LINE) return false
  if (isSeparator(text) || isAttribution(text, previousText)) return true
  if (!FROM_LINE.test(text)) return false
  for (let next = index + 1, seen = 0; next < texts.length && seen < HEADER_WINDOW; next++) {
    const nextText = texts[next] ?? ''
    if (!/\S/.test(nextText)) continue
    seen++
    if (nextText.length <= MAX_MARKER_LINE && SENT_LINE.test(nextText)) return true
  }
  return false
}

/** Splits a plain-text body into lines (CRLF, CR or LF). */
export function textLines(body: string): Lines {
  const texts = (body.includes('\r') ? body.replace(/\r\n?/g, '\n') : body).split('\n')
  return {texts, quoted: new Array<boolean>(texts.length).fill(false)}
}

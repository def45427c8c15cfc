import type {TextLine} from './types.js'

/**
 * Separator lines mail clients put above a quoted earlier message or invitation, compared after removing dashes,
 * underscores and spaces and lower-casing: Outlook in English, German, French, Spanish, Polish and Japanese, plus
 * Gmail's forward header.
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
    'forwarded message',
  ].map(compact),
)

/** Header labels of a quoted message: a "From" line followed closely by a "Sent"/"Date" line. */
const FROM_LABELS = new Set(['from', 'von', 'de', 'od', '差出人'])
const SENT_LABELS = new Set([
  'sent',
  'date',
  'gesendet',
  'datum',
  'envoyé',
  'enviado',
  'enviado el',
  'wysłano',
  'wysłane',
  'data',
  '送信日時',
])

/** Gmail-style attribution lines: "On <date> Jane <jane@x> wrote:" and translations. */
const ATTRIBUTION_ENDINGS = ['wrote:', 'schrieb:', 'a écrit :', 'a écrit:', 'escribió:', 'napisał(a):', 'pisze:']

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

function headerLabel(line: string): string | null {
  if (line.length > MAX_MARKER_LINE) return null
  const match = /^[\s*]*([^:：]{1,20}?)\s*[:：]/.exec(line)
  return match?.[1]?.toLowerCase() ?? null
}

function isSeparator(line: string): boolean {
  if (line.length > MAX_MARKER_LINE || !/^\s*[-_]{2,}/.test(line) || !/[-_]{2,}\s*$/.test(line)) return false
  return SEPARATORS.has(compact(line))
}

function isAttribution(line: string, previous: string | undefined): boolean {
  if (line.length > MAX_MARKER_LINE) return false
  const lower = line.trim().toLowerCase()
  if (!ATTRIBUTION_ENDINGS.some((ending) => lower.endsWith(ending))) return false
  const opening = (previous !== undefined && previous.length <= MAX_MARKER_LINE ? previous + ' ' + lower : lower)
    .trim()
    .toLowerCase()
  return /^(?:on|am|le|el|w dniu)\s/.test(opening) || /^(?:on|am|le|el|w dniu)\s/.test(lower)
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
export function markQuoted(lines: TextLine[]): TextLine[] {
  let restQuoted = false
  let previousText: string | undefined
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]
    if (!line) continue
    if (!restQuoted && !line.quoted && startsQuotedMessage(lines, index, previousText)) restQuoted = true
    if (restQuoted || isQuotePrefixed(line.text)) line.quoted = true
    if (line.text.trim() !== '') previousText = line.text
  }
  return lines
}

function startsQuotedMessage(lines: TextLine[], index: number, previousText: string | undefined): boolean {
  const text = lines[index]?.text ?? ''
  if (isSeparator(text) || isAttribution(text, previousText)) return true
  const label = headerLabel(text)
  if (label === null || !FROM_LABELS.has(label)) return false
  for (let next = index + 1, seen = 0; next < lines.length && seen < HEADER_WINDOW; next++) {
    const nextText = lines[next]?.text ?? ''
    if (nextText.trim() === '') continue
    seen++
    const nextLabel = headerLabel(nextText)
    if (nextLabel !== null && SENT_LABELS.has(nextLabel)) return true
  }
  return false
}

/** Splits a plain-text body into lines (CRLF, CR or LF). */
export function textLines(body: string): TextLine[] {
  return body.split(/\r\n|\r|\n/).map((text) => ({text, quoted: false}))
}

import {QuoteType, Tokenizer, type TokenizerCallbacks} from 'htmlparser2'
import type {Lines} from './types.js'

/** Elements that end a line of rendered text. */
const BLOCK_TAGS = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'br',
  'dd',
  'div',
  'dl',
  'dt',
  'fieldset',
  'figcaption',
  'figure',
  'footer',
  'form',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hr',
  'li',
  'main',
  'nav',
  'ol',
  'p',
  'pre',
  'section',
  'table',
  'tbody',
  'td',
  'tfoot',
  'th',
  'thead',
  'tr',
  'ul',
])
/** Elements whose content is never shown: styles, scripts, the document head (mail runs no scripts, so noscript shows). */
const HIDDEN_TAGS = new Set(['style', 'script', 'head', 'template', 'title'])
/** Attributes hcal reads; others are skipped without building strings. */
const WANTED_ATTRIBUTES = new Set(['href', 'id', 'class'])

const NO_ATTRIBUTES: Readonly<Record<string, string>> = Object.freeze({})

/**
 * The URL a browser opens for an href: surrounding spaces trimmed, tabs and line breaks removed (mail encoders wrap
 * long attribute values), inner spaces percent-encoded.
 */
function browserHref(href: string): string {
  return href
    .trim()
    .replace(/[\t\r\n]/g, '')
    .replace(/ /g, '%20')
}

function hasClass(classList: string, name: string): boolean {
  return classList.split(/\s+/).includes(name)
}

/**
 * Renders HTML to lines of text, in document order, with every link's href written inline before its text and
 * entities decoded. Uses htmlparser2's Tokenizer rather than its Parser: the Parser keeps an element stack it
 * shifts and searches per tag, which is quadratic on deeply nested or unbalanced markup; counters suffice here.
 *
 * Quoted content (`<blockquote>`, Gmail's `gmail_quote`, and everything after Outlook's `divRplyFwdMsg` or
 * `OutlookMessageHeader`) is marked quoted.
 */
export function htmlLines(html: string): Lines {
  const lines: Lines = {texts: [], quoted: []}
  let current = ''
  let lineQuoted = false
  let hidden = 0
  let blockquotes = 0
  let divDepth = 0
  const quoteDivDepths: number[] = []
  let restQuoted = false
  let tagName = ''
  let attributeName = ''
  let attributeValue: string[] = []
  let attributes: Record<string, string> | null = null

  const quotedNow = (): boolean => restQuoted || blockquotes > 0 || quoteDivDepths.length > 0
  const flush = (): void => {
    if (current.length === 0) return
    lines.texts.push(current)
    lines.quoted.push(lineQuoted)
    current = ''
  }
  const append = (text: string): void => {
    if (hidden > 0) return
    const quoted = quotedNow()
    if (current.length > 0 && quoted !== lineQuoted) flush()
    if (current.length === 0) lineQuoted = quoted
    current += text
  }
  const openTag = (name: string, attrs: Readonly<Record<string, string>>): void => {
    // <body> ends the head even when </head> is missing.
    if (name === 'body') hidden = 0
    if (HIDDEN_TAGS.has(name)) {
      hidden++
      return
    }
    if (BLOCK_TAGS.has(name)) flush()
    const classList = attrs['class'] ?? ''
    const id = attrs['id'] ?? ''
    if (name === 'div') {
      divDepth++
      if (id === 'divRplyFwdMsg' || hasClass(classList, 'OutlookMessageHeader')) restQuoted = true
      if (hasClass(classList, 'gmail_quote')) quoteDivDepths.push(divDepth)
    } else if (name === 'blockquote') {
      blockquotes++
    } else if (name === 'hr' && id === 'stopSpelling') {
      restQuoted = true
    }
    const href = attrs['href']
    if ((name === 'a' || name === 'area') && href !== undefined) {
      const target = browserHref(href)
      if (target !== '') append(` ${target} `)
    }
  }
  const closeTag = (name: string): void => {
    if (HIDDEN_TAGS.has(name)) {
      hidden = Math.max(0, hidden - 1)
      return
    }
    if (name === 'div') {
      if (quoteDivDepths[quoteDivDepths.length - 1] === divDepth) quoteDivDepths.pop()
      divDepth = Math.max(0, divDepth - 1)
    } else if (name === 'blockquote') {
      blockquotes = Math.max(0, blockquotes - 1)
    }
    if (BLOCK_TAGS.has(name)) flush()
  }

  // Adjacent text events (the tokenizer splits text at every stray `<`) are merged into one slice of the input.
  let pendingStart = -1
  let pendingEnd = -1
  const takePending = (): void => {
    if (pendingStart === -1) return
    append(html.slice(pendingStart, pendingEnd))
    pendingStart = -1
  }

  const callbacks: TokenizerCallbacks = {
    ontext: (start, end) => {
      if (pendingStart !== -1 && start === pendingEnd) {
        pendingEnd = end
        return
      }
      takePending()
      pendingStart = start
      pendingEnd = end
    },
    ontextentity: (codepoint) => {
      takePending()
      append(String.fromCodePoint(codepoint))
    },
    onopentagname: (start, end) => {
      takePending()
      tagName = html.slice(start, end).toLowerCase()
      attributes = null
    },
    onattribname: (start, end) => {
      attributeName = html.slice(start, end).toLowerCase()
      attributeValue = []
    },
    onattribdata: (start, end) => {
      if (WANTED_ATTRIBUTES.has(attributeName)) attributeValue.push(html.slice(start, end))
    },
    onattribentity: (codepoint) => {
      if (WANTED_ATTRIBUTES.has(attributeName)) attributeValue.push(String.fromCodePoint(codepoint))
    },
    onattribend: (quote) => {
      if (WANTED_ATTRIBUTES.has(attributeName)) {
        attributes ??= {}
        attributes[attributeName] ??= quote === QuoteType.NoValue ? '' : attributeValue.join('')
      }
      attributeValue = []
    },
    onopentagend: () => openTag(tagName, attributes ?? NO_ATTRIBUTES),
    onselfclosingtag: () => {
      openTag(tagName, attributes ?? NO_ATTRIBUTES)
      if (!BLOCK_TAGS.has(tagName) || tagName === 'br' || tagName === 'hr') return
      closeTag(tagName)
    },
    onclosetag: (start, end) => {
      takePending()
      closeTag(html.slice(start, end).toLowerCase())
    },
    oncdata: () => undefined,
    oncomment: () => undefined,
    ondeclaration: () => undefined,
    onprocessinginstruction: () => undefined,
    onend: () => {
      takePending()
      flush()
    },
  }
  const tokenizer = new Tokenizer({decodeEntities: true}, callbacks)
  tokenizer.write(html)
  tokenizer.end()
  return lines
}

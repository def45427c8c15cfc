import type {ChalkInstance} from 'chalk'

import {type HcalError, isHcalError} from '../errors.js'
import {redactText} from '../log/redact.js'

/** How deep "Caused by:" follows `error.cause`, and how long one cause may be: the rest is in the debug log. */
const MAX_CAUSES = 3
const MAX_CAUSE_LENGTH = 300

/** The error envelope printed on stdout under --json. */
export interface ErrorEnvelope {
  status: number
  error: {code: string; message: string; suggestions: string[]; data?: Record<string, unknown>}
  warnings: string[]
}

/** Suggestions in order, each once: several failures can share one fix (doctor's keychain and store checks). */
export function uniqueSuggestions(error: HcalError): string[] {
  return [...new Set(error.suggestions)]
}

export function errorEnvelope(error: HcalError, warnings: string[]): ErrorEnvelope {
  return {
    status: error.exitCode,
    error: {
      code: error.code,
      message: error.message,
      suggestions: uniqueSuggestions(error),
      ...(error.data ? {data: error.data} : {}),
    },
    warnings,
  }
}

/** The human rendering on stderr: what failed, its code, why underneath, and what to try. */
export function humanErrorLines(error: HcalError, color: ChalkInstance): string[] {
  return [
    `${color.red('Error:')} ${error.message}`,
    `${color.dim('Code:')} ${error.code}`,
    ...causeLines(error).map((line) => `${color.dim('Caused by:')} ${line}`),
    ...uniqueSuggestions(error).map((suggestion) => `${color.cyan('Try this:')} ${suggestion}`),
  ]
}

/**
 * One line per cause in the chain, redacted. Nothing from an error that says its cause may quote a secret; a cause
 * the message already quotes is not repeated.
 */
export function causeLines(error: HcalError): string[] {
  const lines: string[] = []
  let shown = error.message
  let holder: HcalError | undefined = error
  let cause: unknown = error.cause
  for (let depth = 0; depth < MAX_CAUSES && cause != null && !holder?.secretCause; depth++) {
    const text = cause instanceof Error ? cause.message : typeof cause === 'string' ? cause : ''
    const message = oneLine(text)
    if (message !== '' && !shown.includes(firstLine(text))) lines.push(redactText(describe(cause, message)))
    shown += `\n${text}`
    holder = isHcalError(cause) ? cause : undefined
    cause = cause instanceof Error ? cause.cause : undefined
  }
  return lines
}

/** `TypeError: …`, `… (ENOENT)`, `… (KEYCHAIN_UNAVAILABLE)`: the kind of failure when the message does not say it. */
function describe(cause: unknown, message: string): string {
  if (!(cause instanceof Error)) return message
  const code = (cause as {code?: unknown}).code
  const suffix = typeof code === 'string' && code !== '' && !message.includes(code) ? ` (${code})` : ''
  const prefix = isHcalError(cause) || cause.name === 'Error' ? '' : `${cause.name}: `
  return `${prefix}${message}${suffix}`
}

/** The message on one line (parsers quote the input, line breaks included), cut at MAX_CAUSE_LENGTH. */
function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim()
  return line.length > MAX_CAUSE_LENGTH ? `${line.slice(0, MAX_CAUSE_LENGTH - 1)}…` : line
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .find((line) => line.trim() !== '')
      ?.trim() ?? ''
  )
}

import {Errors} from '@oclif/core'

import {ExitCode, HcalError, isHcalError, UsageError} from '../errors.js'
import {redactText} from '../log/redact.js'

/**
 * Turns anything thrown during a command into an HcalError: ours pass through, oclif's parse errors
 * become usage errors (exit 2), an abort becomes an interruption (exit 130), and anything else is an
 * unexpected failure (exit 1). Messages pass through the redactor.
 */
export function toHcalError(err: unknown): HcalError {
  if (err instanceof Errors.ExitError) throw err
  if (isHcalError(err)) {
    const message = redactText(err.message)
    if (message === err.message) return err
    return new HcalError(err.code, message, {
      exitCode: err.exitCode,
      suggestions: err.suggestions,
      data: err.data,
      cause: err.cause,
      secretCause: err.secretCause,
    })
  }
  const error = err instanceof Error ? err : new Error(String(err))
  if (isParseError(error)) return usageInvalid(error)
  if (error.name === 'AbortError' || error.name === 'ExitPromptError') {
    return new HcalError('INTERRUPTED', 'Interrupted before the work finished.', {exitCode: ExitCode.interrupted})
  }
  return new HcalError('UNEXPECTED', redactText(firstLine(error.message) || error.name), {
    cause: error,
    suggestions: ['Re-run with --log-level debug for details, and report it if it persists.'],
  })
}

/** An error thrown while parsing flags and arguments: ours pass through, anything else is USAGE_INVALID. */
export function toUsageError(err: unknown): unknown {
  if (err instanceof Errors.ExitError || isHcalError(err)) return err
  return usageInvalid(err instanceof Error ? err : new Error(String(err)))
}

function usageInvalid(error: Error): UsageError {
  return new UsageError('USAGE_INVALID', redactText(parserMessage(error.message)), {
    suggestions: ['Run the command with --help to see its flags and examples.'],
  })
}

/**
 * oclif's parser messages as one sentence: its tab-indented lists ("The following errors occurred:",
 * "Parsing --lead \n\tExpected an integer") become "; "-separated clauses, its help hint is dropped.
 */
function parserMessage(raw: string): string {
  const parts = raw
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter((line) => line !== '' && !line.startsWith('See more help') && line !== 'The following errors occurred:')
  const parsing = /^Parsing (--[\w-]+)$/.exec(parts[0] ?? '')
  if (parsing && parts.length > 1) return `${parsing[1]}: ${parts.slice(1).join('; ')}`
  return parts.join('; ')
}

function isParseError(error: Error & {parse?: unknown; oclif?: {exit?: number}}): boolean {
  return error.parse !== undefined || (error instanceof Errors.CLIError && error.oclif?.exit === 2)
}

function firstLine(text: string): string {
  return text.split('\n').find((line) => line.trim() !== '') ?? ''
}

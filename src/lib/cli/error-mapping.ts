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
  if (isParseError(error)) {
    const message = error.message
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('See more help'))
      .join(' ')
    return new UsageError('USAGE_INVALID', redactText(message), {
      suggestions: ['Run the command with --help to see its flags and examples.'],
    })
  }
  if (error.name === 'AbortError' || error.name === 'ExitPromptError') {
    return new HcalError('INTERRUPTED', 'Interrupted before the work finished.', {exitCode: ExitCode.interrupted})
  }
  return new HcalError('UNEXPECTED', redactText(firstLine(error.message) || error.name), {
    cause: error,
    suggestions: ['Re-run with --log-level debug for details, and report it if it persists.'],
  })
}

function isParseError(error: Error & {parse?: unknown; oclif?: {exit?: number}}): boolean {
  return error.parse !== undefined || (error instanceof Errors.CLIError && error.oclif?.exit === 2)
}

function firstLine(text: string): string {
  return text.split('\n').find((line) => line.trim() !== '') ?? ''
}

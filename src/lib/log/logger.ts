import {pino, type Logger} from 'pino'

import {redactText, redactValue} from './redact.js'

export type LogLevel = 'error' | 'warn' | 'info' | 'debug'
export type LogFormat = 'text' | 'json'
export const LOG_LEVELS: LogLevel[] = ['error', 'warn', 'info', 'debug']
export type {Logger}

/**
 * Diagnostics go to stderr, never stdout. Every record (message and fields) passes through the
 * redactor first, so a secret that reaches a log call is scrubbed even at debug level.
 * `json` writes one JSON object per line; `text` writes `LEVEL message key=value`.
 */
export function createLogger(options: {level: LogLevel; format: LogFormat; stream?: NodeJS.WritableStream}): Logger {
  const stream = options.stream ?? process.stderr
  const destination = {
    write(line: string) {
      const safe = redactText(line)
      stream.write(options.format === 'json' ? safe : toText(safe))
    },
  }
  return pino(
    {
      level: options.level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {level: (label) => ({level: label})},
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((arg) => redactValue(arg)) as Parameters<typeof method>)
        },
      },
    },
    destination,
  )
}

function toText(jsonLine: string): string {
  const record = JSON.parse(jsonLine) as Record<string, unknown>
  const {level, time, msg, ...fields} = record
  const extras = Object.entries(fields)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ')
  return `${String(time)} ${String(level).toUpperCase()} ${String(msg ?? '')}${extras ? ` ${extras}` : ''}\n`
}

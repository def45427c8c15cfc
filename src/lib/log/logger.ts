import {createRequire} from 'node:module'

import type {LogFn, Logger as PinoLogger} from 'pino'

import {redactText, redactValue} from './redact.js'

export type LogLevel = 'error' | 'warn' | 'info' | 'debug'
export type LogFormat = 'text' | 'json'
export const LOG_LEVELS: LogLevel[] = ['error', 'warn', 'info', 'debug']

/** What hcal logs through. pino writes the records; it is loaded by the first record that passes the level. */
export interface Logger {
  level: LogLevel
  error: LogFn
  warn: LogFn
  info: LogFn
  debug: LogFn
  isLevelEnabled(level: LogLevel): boolean
}

// pino is CommonJS, so it can be loaded synchronously on first use: most runs log nothing at the default level.
const require = createRequire(import.meta.url)

/**
 * Diagnostics go to stderr, never stdout. Every record (message and fields) passes through the
 * redactor first, so a secret that reaches a log call is scrubbed even at debug level.
 * `json` writes one JSON object per line; `text` writes `LEVEL message key=value`.
 */
export function createLogger(options: {level: LogLevel; format: LogFormat; stream?: NodeJS.WritableStream}): Logger {
  const threshold = LOG_LEVELS.indexOf(options.level)
  const isLevelEnabled = (level: LogLevel) => LOG_LEVELS.indexOf(level) <= threshold
  let pinoLogger: PinoLogger | undefined
  const method = (level: LogLevel): LogFn =>
    ((...args: Parameters<LogFn>) => {
      if (!isLevelEnabled(level)) return
      pinoLogger ??= createPino(options)
      pinoLogger[level](...args)
    }) as LogFn
  return {
    level: options.level,
    error: method('error'),
    warn: method('warn'),
    info: method('info'),
    debug: method('debug'),
    isLevelEnabled,
  }
}

function createPino(options: {level: LogLevel; format: LogFormat; stream?: NodeJS.WritableStream}): PinoLogger {
  const {pino} = require('pino') as typeof import('pino')
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

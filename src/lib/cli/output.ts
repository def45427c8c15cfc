import {createRequire} from 'node:module'

import {Chalk, type ChalkInstance} from 'chalk'
import type TableConstructor from 'cli-table3'

// cli-table3 is loaded on the first table drawn for a terminal: pipes, --json and most commands never need it.
const require = createRequire(import.meta.url)

export interface Column<Row> {
  key: keyof Row & string
  header: string
  /** Formats a cell; defaults to String(value), '' for null/undefined. */
  format?: (value: Row[keyof Row], row: Row) => string
}

export interface OutputStreams {
  stdout: NodeJS.WritableStream & {isTTY?: boolean}
  stderr: NodeJS.WritableStream & {isTTY?: boolean}
}

/** Colour per stream: text styled for stdout must be styled by `color.stdout`, whatever stderr is. */
export interface StreamColors {
  stdout: ChalkInstance
  stderr: ChalkInstance
}

/**
 * The colour level for one stream, decided as Node decides its own: FORCE_COLOR wins ("0"/"false" off, "2"/"3"
 * more colours, anything else on), then NO_COLOR (any non-empty value) and TERM=dumb turn it off, and otherwise a
 * stream gets colour only when it is a terminal.
 */
export function colorLevel(stream: {isTTY?: boolean}, env: NodeJS.ProcessEnv): 0 | 1 | 2 | 3 {
  const force = env.FORCE_COLOR
  if (force !== undefined) {
    if (force === '0' || force === 'false') return 0
    return force === '2' ? 2 : force === '3' ? 3 : 1
  }
  if (env.NO_COLOR) return 0
  if (env.TERM === 'dumb') return 0
  return stream.isTTY ? 1 : 0
}

/**
 * The only way commands write. stdout carries data (a table, a value, the JSON envelope); everything
 * meant for the person at the terminal (progress, notes, warnings) goes to stderr. In JSON mode the
 * human channels are silent and warnings are collected for the envelope instead.
 */
export class Output {
  readonly warnings: string[] = []
  readonly color: StreamColors
  private readonly json: boolean
  private readonly streams: OutputStreams

  constructor(options: {json: boolean; env?: NodeJS.ProcessEnv; streams?: OutputStreams}) {
    const env = options.env ?? process.env
    this.streams = options.streams ?? {stdout: process.stdout, stderr: process.stderr}
    this.json = options.json
    this.color = {
      stdout: new Chalk({level: colorLevel(this.streams.stdout, env)}),
      stderr: new Chalk({level: colorLevel(this.streams.stderr, env)}),
    }
  }

  /** A line of data on stdout (suppressed in JSON mode, where the envelope carries the data). */
  data(text: string): void {
    if (!this.json) this.streams.stdout.write(text.endsWith('\n') ? text : `${text}\n`)
  }

  table<Row extends object>(rows: Row[], columns: Column<Row>[]): void {
    if (this.json) return
    if (!this.streams.stdout.isTTY) {
      // Plain, tab-separated rows for pipes and scripts: stable, grep- and cut-friendly.
      const lines = [columns.map((c) => c.header).join('\t')]
      for (const row of rows) lines.push(columns.map((c) => cell(row, c)).join('\t'))
      this.data(lines.join('\n'))
      return
    }
    const Table = require('cli-table3') as typeof TableConstructor
    const table = new Table({head: columns.map((c) => c.header), style: {head: [], border: []}})
    for (const row of rows) table.push(columns.map((c) => cell(row, c)))
    this.data(table.toString())
  }

  info(message: string): void {
    if (!this.json) this.streams.stderr.write(`${message}\n`)
  }

  success(message: string): void {
    this.info(`${this.color.stderr.green('✓')} ${message}`)
  }

  warn(message: string): void {
    this.warnings.push(message)
    if (!this.json) this.streams.stderr.write(`${this.color.stderr.yellow('!')} ${message}\n`)
  }

  /** Writes a JSON document to stdout regardless of mode (the envelope). */
  jsonDocument(value: unknown): void {
    this.streams.stdout.write(`${JSON.stringify(value, null, 2)}\n`)
  }

  /** Human error rendering on stderr. */
  error(lines: string[]): void {
    this.streams.stderr.write(`${lines.join('\n')}\n`)
  }
}

function cell<Row extends object>(row: Row, column: Column<Row>): string {
  const value = row[column.key]
  if (column.format) return column.format(value, row)
  return value === null || value === undefined ? '' : String(value)
}

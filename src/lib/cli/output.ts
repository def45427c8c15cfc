import {Chalk, type ChalkInstance} from 'chalk'
import Table from 'cli-table3'

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

/**
 * The only way commands write. stdout carries data (a table, a value, the JSON envelope); everything
 * meant for the person at the terminal (progress, notes, warnings) goes to stderr. In JSON mode the
 * human channels are silent and warnings are collected for the envelope instead.
 */
export class Output {
  readonly warnings: string[] = []
  readonly color: ChalkInstance
  private readonly json: boolean
  private readonly streams: OutputStreams

  constructor(options: {json: boolean; env?: NodeJS.ProcessEnv; streams?: OutputStreams}) {
    const env = options.env ?? process.env
    this.streams = options.streams ?? {stdout: process.stdout, stderr: process.stderr}
    this.json = options.json
    const colorAllowed = !('NO_COLOR' in env) && env.TERM !== 'dumb' && Boolean(this.streams.stderr.isTTY)
    this.color = new Chalk({level: colorAllowed ? 1 : 0})
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
    const table = new Table({head: columns.map((c) => c.header), style: {head: [], border: []}})
    for (const row of rows) table.push(columns.map((c) => cell(row, c)))
    this.data(table.toString())
  }

  info(message: string): void {
    if (!this.json) this.streams.stderr.write(`${message}\n`)
  }

  success(message: string): void {
    this.info(`${this.color.green('✓')} ${message}`)
  }

  warn(message: string): void {
    this.warnings.push(message)
    if (!this.json) this.streams.stderr.write(`${this.color.yellow('!')} ${message}\n`)
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

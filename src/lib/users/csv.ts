/**
 * Reads the user list an admin exported (Google Admin console, Entra/Microsoft 365 admin center, Exchange
 * Get-Mailbox | Export-Csv): the address from the first header it knows, an optional type (user or room)
 * and device per row. A bad row is reported by its line number; the good rows are kept.
 */
import {CsvError, parse} from 'csv-parse/sync'

import {UsageError} from '../errors.js'

/** Address headers, in order of preference, compared without case, spaces or punctuation. */
const ADDRESS_HEADERS = [
  'email',
  'mail',
  'userprincipalname',
  'primarysmtpaddress',
  'emailaddress',
  'emailaddressrequired',
]
const TYPE_HEADERS = ['type', 'kind', 'recipienttypedetails']
const DEVICE_HEADERS = ['device', 'devicesip', 'sip']

/** Type values that mean a room (Exchange's RecipientTypeDetails included); others that mean a person. */
const ROOM_TYPES = new Set(['room', 'roommailbox', 'resource', 'equipmentmailbox'])
const USER_TYPES = new Set(['', 'user', 'usermailbox', 'person', 'member'])

export interface CsvTarget {
  /** 1-based line of the file the row starts on. */
  line: number
  address: string
  kind?: 'user' | 'room'
  device?: string
}

export interface CsvProblem {
  line: number
  problem: string
}

export interface CsvUsers {
  targets: CsvTarget[]
  problems: CsvProblem[]
  /** The header the addresses were read from, as written in the file. */
  addressColumn: string
}

function key(header: string): string {
  return header.toLowerCase().replace(/[^a-z0-9]/g, '')
}

function columnOf(headers: string[], names: readonly string[]): number {
  for (const name of names) {
    const index = headers.findIndex((header) => key(header) === name)
    if (index >= 0) return index
  }
  return -1
}

function csvInvalid(path: string, message: string, line?: number): UsageError {
  return new UsageError('USERS_CSV_INVALID', `${path}${line ? ` line ${line}` : ''}: ${message}`, {
    suggestions: [
      'Give a CSV file with a header row naming the address column email, mail, userPrincipalName or PrimarySmtpAddress (optional columns: type, device).',
    ],
    data: {file: path, ...(line ? {line} : {})},
  })
}

export function parseUsersCsv(text: string, path: string): CsvUsers {
  let records: {record: string[]; info: {lines: number}}[]
  try {
    records = parse(text, {
      bom: true,
      delimiter: [',', ';', '\t'],
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
    }) as unknown as {record: string[]; info: {lines: number}}[]
  } catch (error) {
    if (error instanceof CsvError) throw csvInvalid(path, error.message, (error as {lines?: number}).lines)
    throw error
  }
  const [header, ...rows] = records
  if (!header) throw csvInvalid(path, 'the file is empty')
  const headers = header.record
  const addressIndex = columnOf(headers, ADDRESS_HEADERS)
  if (addressIndex < 0)
    throw csvInvalid(path, `no address column among ${headers.map((h) => `"${h}"`).join(', ')}`, header.info.lines)
  const typeIndex = columnOf(headers, TYPE_HEADERS)
  const deviceIndex = columnOf(headers, DEVICE_HEADERS)
  const targets: CsvTarget[] = []
  const problems: CsvProblem[] = []
  for (const {record, info} of rows) {
    // info.lines is the line the record ends on; a quoted field may span lines, so count them back.
    const line = info.lines - (record.join('').match(/\n/g)?.length ?? 0)
    const address = record[addressIndex] ?? ''
    if (address === '') {
      problems.push({line, problem: `no address in column "${headers[addressIndex]}"`})
      continue
    }
    const type = typeIndex >= 0 ? key(record[typeIndex] ?? '') : ''
    if (!ROOM_TYPES.has(type) && !USER_TYPES.has(type)) {
      problems.push({line, problem: `type "${record[typeIndex] ?? ''}" is neither user nor room`})
      continue
    }
    const device = deviceIndex >= 0 ? record[deviceIndex] : undefined
    targets.push({
      line,
      address,
      ...(typeIndex >= 0 ? {kind: ROOM_TYPES.has(type) ? 'room' : 'user'} : {}),
      ...(device ? {device} : {}),
    })
  }
  return {targets, problems, addressColumn: headers[addressIndex] ?? ''}
}

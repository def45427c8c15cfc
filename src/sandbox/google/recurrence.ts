/**
 * Series expansion as Calendar does it for `singleEvents=true` and `events.instances`: occurrences of the
 * RRULE, each possibly moved, edited or cancelled by an exception keyed by its original start.
 * Occurrences step in UTC (seed and API times are instants), so a series does not follow DST shifts.
 */
import {apiErrors} from './errors.js'
import type {InstanceOverride, Meeting, RecurrenceRule} from './model.js'

const DAY_MS = 86_400_000
/** Open-ended series are expanded this far (Calendar also stops expanding at some horizon). */
export const MAX_INSTANCES = 730

export interface Occurrence {
  originalStartMs: number
  startMs: number
  endMs: number
  override?: InstanceOverride
}

export function stepMs(rule: RecurrenceRule): number {
  return rule.interval * (rule.freq === 'WEEKLY' ? 7 : 1) * DAY_MS
}

export function originalStarts(meeting: Meeting): number[] {
  const rule = meeting.recurrence
  if (!rule) return [meeting.startMs]
  const step = stepMs(rule)
  const limit = Math.min(rule.count ?? MAX_INSTANCES, MAX_INSTANCES)
  const starts: number[] = []
  for (let i = 0; i < limit; i++) {
    const start = meeting.startMs + i * step
    if (rule.untilMs !== undefined && start > rule.untilMs) break
    starts.push(start)
  }
  return starts
}

export function occurrences(meeting: Meeting): Occurrence[] {
  const duration = meeting.endMs - meeting.startMs
  return originalStarts(meeting).map((originalStartMs) => {
    const override = meeting.exceptions?.get(originalStartMs)
    const startMs = override?.startMs ?? originalStartMs
    const endMs = override?.endMs ?? startMs + duration
    return override ? {originalStartMs, startMs, endMs, override} : {originalStartMs, startMs, endMs}
  })
}

export function isOccurrenceStart(meeting: Meeting, originalStartMs: number): boolean {
  const rule = meeting.recurrence
  if (!rule) return false
  const offset = originalStartMs - meeting.startMs
  const step = stepMs(rule)
  if (offset < 0 || offset % step !== 0) return false
  const index = offset / step
  if (index >= Math.min(rule.count ?? MAX_INSTANCES, MAX_INSTANCES)) return false
  return rule.untilMs === undefined || originalStartMs <= rule.untilMs
}

/** Parses the `recurrence` lines of an event resource; rules outside the supported subset are refused. */
export function parseRecurrence(lines: unknown): RecurrenceRule | undefined {
  if (lines === undefined || lines === null) return undefined
  if (!Array.isArray(lines) || lines.some((line) => typeof line !== 'string'))
    throw apiErrors.invalid('Invalid recurrence rule.')
  const rrule = (lines as string[]).find((line) => line.toUpperCase().startsWith('RRULE:'))
  if (!rrule) return undefined
  const parts = new Map(
    rrule
      .slice(6)
      .split(';')
      .map((part) => part.split('=') as [string, string | undefined])
      .map(([key, value]) => [key.toUpperCase(), (value ?? '').toUpperCase()]),
  )
  const freq = parts.get('FREQ')
  if (freq !== 'DAILY' && freq !== 'WEEKLY') throw apiErrors.invalid('Invalid recurrence rule.')
  const allowed = new Set(['FREQ', 'INTERVAL', 'COUNT', 'UNTIL', 'WKST'])
  if ([...parts.keys()].some((key) => !allowed.has(key))) throw apiErrors.invalid('Invalid recurrence rule.')
  const interval = parts.has('INTERVAL') ? Number(parts.get('INTERVAL')) : 1
  const count = parts.has('COUNT') ? Number(parts.get('COUNT')) : undefined
  if (!Number.isInteger(interval) || interval < 1 || (count !== undefined && (!Number.isInteger(count) || count < 1))) {
    throw apiErrors.invalid('Invalid recurrence rule.')
  }
  const rule: RecurrenceRule = {freq, interval}
  if (count !== undefined) rule.count = count
  const until = parts.get('UNTIL')
  if (until) rule.untilMs = parseIcalDate(until)
  return rule
}

function parseIcalDate(value: string): number {
  const match = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z?)?$/.exec(value)
  if (!match) throw apiErrors.invalid('Invalid recurrence rule.')
  const [, y, mo, d, h, mi, s] = match
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 23), Number(mi ?? 59), Number(s ?? 59))
  return ms
}

export function formatRrule(rule: RecurrenceRule): string {
  let line = `RRULE:FREQ=${rule.freq}`
  if (rule.interval !== 1) line += `;INTERVAL=${rule.interval}`
  if (rule.count !== undefined) line += `;COUNT=${rule.count}`
  if (rule.untilMs !== undefined) line += `;UNTIL=${new Date(rule.untilMs).toISOString().replace(/[-:]|\.\d{3}/g, '')}`
  return line
}

/** Instance ids: `<eventId>_<yyyymmddThhmmssZ>` (timed) or `<eventId>_<yyyymmdd>` (all-day). */
export function instanceId(meeting: Meeting, originalStartMs: number): string {
  const iso = new Date(originalStartMs).toISOString()
  const date = iso.slice(0, 10).replace(/-/g, '')
  return meeting.allDay ? `${meeting.id}_${date}` : `${meeting.id}_${date}T${iso.slice(11, 19).replace(/:/g, '')}Z`
}

export function parseInstanceId(id: string): {eventId: string; originalStartMs: number} | undefined {
  const match = /^([a-v0-9]+)_(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z)?$/.exec(id)
  if (!match) return undefined
  const [, eventId, y, mo, d, h, mi, s] = match
  if (!eventId) return undefined
  return {
    eventId,
    originalStartMs: Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0)),
  }
}

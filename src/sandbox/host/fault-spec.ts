import type {FaultSpec, SandboxProviderId} from '../types.js'

export const PROVIDER_IDS: readonly SandboxProviderId[] = ['google', 'microsoft', 'exchange']

/** Thrown for a fault spec that does not validate; `message` names the field and the rule. */
export class FaultSpecError extends Error {
  override name = 'FaultSpecError'
}

const KNOWN_KEYS = new Set([
  'latency',
  'errorRates',
  'resetRate',
  'tokenLifetimeSeconds',
  'dropNotificationRate',
  'providers',
  'mailboxes',
])

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function probability(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new FaultSpecError(`${field} must be a number from 0 to 1 (a probability), got ${JSON.stringify(value)}.`)
  }
  return value
}

function milliseconds(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 60_000) {
    throw new FaultSpecError(`${field} must be a whole number of milliseconds from 0 to 60000.`)
  }
  return value
}

function parseLatency(value: unknown): FaultSpec['latency'] {
  if (!isRecord(value)) throw new FaultSpecError('latency must be an object {minMs, maxMs}.')
  const minMs = milliseconds(value.minMs, 'latency.minMs')
  const maxMs = value.maxMs === undefined ? minMs : milliseconds(value.maxMs, 'latency.maxMs')
  if (maxMs < minMs) throw new FaultSpecError('latency.maxMs must not be less than latency.minMs.')
  return {minMs, maxMs}
}

function parseErrorRates(value: unknown): Record<string, number> {
  if (!isRecord(value))
    throw new FaultSpecError('errorRates must be an object mapping an HTTP status to a probability.')
  const rates: Record<string, number> = {}
  let total = 0
  for (const [status, rate] of Object.entries(value)) {
    if (!/^[45]\d\d$/.test(status)) {
      throw new FaultSpecError(`errorRates key "${status}" must be an HTTP error status from 400 to 599.`)
    }
    rates[status] = probability(rate, `errorRates.${status}`)
    total += rates[status]
  }
  if (total > 1) throw new FaultSpecError('errorRates must add up to at most 1.')
  return rates
}

function parseProviders(value: unknown): SandboxProviderId[] {
  if (!Array.isArray(value) || value.some((p) => !PROVIDER_IDS.includes(p as SandboxProviderId))) {
    throw new FaultSpecError(`providers must be a list of: ${PROVIDER_IDS.join(', ')}.`)
  }
  return value as SandboxProviderId[]
}

function parseMailboxes(value: unknown): string[] {
  if (!Array.isArray(value) || value.some((m) => typeof m !== 'string' || !m.includes('@'))) {
    throw new FaultSpecError('mailboxes must be a list of e-mail addresses.')
  }
  return value.map((m: string) => m.toLowerCase())
}

/** Validates untrusted input (a PUT body, a --faults flag) into a FaultSpec, naming the first bad field. */
export function parseFaultSpec(input: unknown): FaultSpec {
  if (!isRecord(input)) throw new FaultSpecError('The fault spec must be a JSON object.')
  const unknown = Object.keys(input).filter((key) => !KNOWN_KEYS.has(key))
  if (unknown.length > 0) {
    throw new FaultSpecError(`Unknown fault field(s): ${unknown.join(', ')}. Known: ${[...KNOWN_KEYS].join(', ')}.`)
  }
  const spec: FaultSpec = {}
  if (input.latency !== undefined) spec.latency = parseLatency(input.latency)
  if (input.errorRates !== undefined) spec.errorRates = parseErrorRates(input.errorRates)
  if (input.resetRate !== undefined) spec.resetRate = probability(input.resetRate, 'resetRate')
  if (input.dropNotificationRate !== undefined) {
    spec.dropNotificationRate = probability(input.dropNotificationRate, 'dropNotificationRate')
  }
  if (input.tokenLifetimeSeconds !== undefined) {
    const seconds = input.tokenLifetimeSeconds
    if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 1 || seconds > 86_400) {
      throw new FaultSpecError('tokenLifetimeSeconds must be a whole number of seconds from 1 to 86400.')
    }
    spec.tokenLifetimeSeconds = seconds
  }
  if (input.providers !== undefined) spec.providers = parseProviders(input.providers)
  if (input.mailboxes !== undefined) spec.mailboxes = parseMailboxes(input.mailboxes)
  return spec
}

/**
 * The profile's `publish` section: the sinks hcal publishes events to. Only where to send and what the
 * destination may see live here; each sink's signing secret is in the keychain
 * (`publish.<name>.signingSecret`, see src/lib/secrets/names.ts), never in the profile.
 */
import {isIP} from 'node:net'

import {UsageError} from '../errors.js'
import {SINK_NAME_PATTERN} from '../secrets/names.js'

export interface WebhookSinkConfig {
  name: string
  type: 'webhook'
  url: string
  /** Set by --allow-http: a plain-http receiver (local), which then gets no titles or invitees. */
  allowHttp?: boolean
  createdAt: string
}

export interface PublishConfig {
  sinks: WebhookSinkConfig[]
}

/** Whether a sink may see meeting titles and people: only over https (TLS-verified). */
export function seesPeople(sink: Pick<WebhookSinkConfig, 'url'>): boolean {
  return new URL(sink.url).protocol === 'https:'
}

export interface PublishProblem {
  provider: string
  field?: string
  problem: string
}

/** Problems of a profile's `publish` section (reported like the provider sections' problems). */
export function publishProblems(section: unknown): PublishProblem[] {
  if (section === undefined) return []
  const sinks = (section as {sinks?: unknown} | null)?.sinks
  if (!Array.isArray(sinks)) return [{provider: 'publish', field: 'sinks', problem: 'must be a list of sinks'}]
  const seen = new Set<string>()
  return sinks.flatMap((entry: unknown, index): PublishProblem[] => {
    const sink = (entry ?? {}) as Partial<Record<keyof WebhookSinkConfig, unknown>>
    const at = `publish.sinks[${index}]`
    const problems: PublishProblem[] = []
    if (typeof sink.name !== 'string' || !SINK_NAME_PATTERN.test(sink.name)) {
      problems.push({provider: at, field: 'name', problem: 'must be 1-40 lower-case letters, digits or "-"'})
    } else if (seen.has(sink.name)) {
      problems.push({provider: at, field: 'name', problem: `repeats the sink name "${sink.name}"`})
    } else seen.add(sink.name)
    if (sink.type !== 'webhook') problems.push({provider: at, field: 'type', problem: 'must be "webhook"'})
    const reason = typeof sink.url === 'string' ? urlProblem(sink.url, sink.allowHttp === true) : 'must be a URL'
    if (reason) problems.push({provider: at, field: 'url', problem: reason})
    if (sink.allowHttp !== undefined && typeof sink.allowHttp !== 'boolean') {
      problems.push({provider: at, field: 'allowHttp', problem: 'must be true or false'})
    }
    return problems
  })
}

/** Why `url` cannot be a webhook sink, or undefined. */
function urlProblem(url: string, allowHttp: boolean): string | undefined {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return 'is not an absolute URL'
  }
  if (parsed.protocol === 'http:' && !allowHttp) return 'is plain http (needs allowHttp: true)'
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'must be an https URL'
  if (parsed.username || parsed.password) return 'must not carry a user name or password'
  if (parsed.hash) return 'must not have a #fragment'
  return undefined
}

/** The URL as stored, checked: https, or http with --allow-http; SINK_URL_INVALID / SINK_URL_INSECURE otherwise. */
export function checkSinkUrl(input: string, allowHttp: boolean): string {
  let parsed: URL
  try {
    parsed = new URL(input)
  } catch {
    throw new UsageError('SINK_URL_INVALID', `"${input}" is not an absolute URL.`, {
      suggestions: ["Give the receiver's full address, e.g. https://hooks.acme.com/hcal."],
    })
  }
  if (parsed.protocol === 'http:' && !allowHttp) {
    throw new UsageError('SINK_URL_INSECURE', `${parsed.origin} is plain http: events would travel unencrypted.`, {
      suggestions: [
        'Use an https URL for the receiver.',
        'For a receiver on this host only, pass --allow-http (it then gets no meeting titles or invitees).',
      ],
    })
  }
  const reason = urlProblem(parsed.href, allowHttp)
  if (reason) {
    throw new UsageError('SINK_URL_INVALID', `The sink URL ${parsed.origin}${parsed.pathname} ${reason}.`, {
      suggestions: ['Give an https URL without credentials or fragment, e.g. https://hooks.acme.com/hcal.'],
    })
  }
  return parsed.href
}

/** A sink name from its URL's host when none is given: "hooks-acme-com". */
export function defaultSinkName(url: string): string {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '')
  const base = isIP(host) ? `webhook-${host}` : host
  const name = base
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .replace(/^(?![a-z])/, 'webhook-')
  return name.slice(0, 40).replace(/-+$/, '')
}

export function assertSinkName(name: string): void {
  if (!SINK_NAME_PATTERN.test(name)) {
    throw new UsageError('SINK_NAME_INVALID', `"${name}" is not a valid sink name.`, {
      suggestions: ['Use 1-40 lower-case letters, digits or "-", starting with a letter, e.g. --name teams-bridge.'],
    })
  }
}

import {readFile} from 'node:fs/promises'

import {UsageError} from '../../lib/errors.js'
import type {FaultSpec, LatencySpec} from '../types.js'
import {FaultSpecError, parseFaultSpec} from './fault-spec.js'

/** `--latency 20-80` (uniform, ms) or `--latency 50` (fixed). */
export function parseLatencyFlag(value: string): LatencySpec {
  const match = /^(\d+)(?:-(\d+))?$/.exec(value.trim())
  const minMs = Number(match?.[1])
  const maxMs = match?.[2] === undefined ? minMs : Number(match[2])
  if (!match || maxMs < minMs || maxMs > 60_000) {
    throw new UsageError('SANDBOX_LATENCY_INVALID', `--latency "${value}" is not a latency range in milliseconds.`, {
      suggestions: ['Pass a fixed delay such as --latency 50, or a range such as --latency 20-80 (at most 60000).'],
    })
  }
  return {minMs, maxMs}
}

/** `--faults` is inline JSON (starting with "{") or the path of a JSON file. */
export async function loadFaultsFlag(value: string): Promise<FaultSpec> {
  let text = value
  if (!value.trim().startsWith('{')) {
    try {
      text = await readFile(value, 'utf8')
    } catch (error) {
      throw new UsageError('SANDBOX_FAULTS_UNREADABLE', `Cannot read the --faults file "${value}".`, {
        cause: error,
        suggestions: ['Pass inline JSON such as --faults \'{"errorRates":{"503":0.05}}\', or an existing file.'],
      })
    }
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw new UsageError('SANDBOX_FAULTS_INVALID', `--faults is not valid JSON: ${(error as Error).message}`, {
      suggestions: ['Check the quoting: in a shell, wrap the JSON in single quotes.'],
    })
  }
  try {
    return parseFaultSpec(parsed)
  } catch (error) {
    if (!(error instanceof FaultSpecError)) throw error
    throw new UsageError('SANDBOX_FAULTS_INVALID', `--faults: ${error.message}`, {
      suggestions: [
        'Known fields: latency {minMs,maxMs}, errorRates {"429":0.1}, resetRate, tokenLifetimeSeconds, ' +
          'dropNotificationRate, providers, mailboxes.',
      ],
    })
  }
}

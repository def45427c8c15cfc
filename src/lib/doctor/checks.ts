import {access, constants} from 'node:fs/promises'

import {configDir} from '../config/paths.js'
import {isHcalError} from '../errors.js'
import {providerDoctorChecks} from '../providers/doctor.js'
import {PROVIDERS} from '../providers/registry.js'
import type {ProviderModule} from '../providers/types.js'
import type {CheckOutcome, CheckResult, DoctorCheck, DoctorContext} from './types.js'

export type {CheckOutcome, CheckResult, CheckStatus, DoctorCheck, DoctorContext} from './types.js'
import {meetingsCheck} from './profile-checks.js'
import {storeCheck} from './store-check.js'

const NODE_FLOOR = [20, 19] as const

export const nodeVersionCheck: DoctorCheck = {
  id: 'node',
  async run() {
    const [major = 0, minor = 0] = process.versions.node.split('.').map(Number)
    const ok = major > NODE_FLOOR[0] || (major === NODE_FLOOR[0] && minor >= NODE_FLOOR[1])
    return ok
      ? {status: 'pass', message: `Node ${process.versions.node}`}
      : {
          status: 'fail',
          message: `Node ${process.versions.node} is older than ${NODE_FLOOR.join('.')}`,
          fix: 'Install Node 20.19 or newer (20 LTS or 24 LTS).',
        }
  },
}

export const configCheck: DoctorCheck = {
  id: 'config',
  async run({profile, profileDocument}) {
    const dir = configDir()
    try {
      await access(dir, constants.R_OK | constants.W_OK)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        return {
          status: 'fail',
          message: `${dir} is not readable and writable`,
          fix: `Fix the owner/permissions of ${dir}.`,
        }
      }
    }
    // Provider sections are each checked by their own `<id>.connection` check.
    const loaded = await profileDocument()
    return loaded
      ? {status: 'pass', message: `profile "${profile}" read from ${dir}`}
      : {
          status: 'warn',
          message: `profile "${profile}" is not configured yet (${dir})`,
          fix: 'Run "hcal provision google|microsoft|exchange", or "hcal sandbox start" to try hcal locally.',
        }
  },
}

export const keychainCheck: DoctorCheck = {
  id: 'keychain',
  async run({secrets}) {
    await (await secrets()).probe()
    return {status: 'pass', message: 'probe item written, read back and deleted'}
  },
}

export const CORE_CHECKS: DoctorCheck[] = [nodeVersionCheck, configCheck, meetingsCheck, keychainCheck, storeCheck]

/** Every check doctor runs: hcal's own, then each registered calendar system's (`<id>.<check>`). */
export function doctorChecks(providers: readonly ProviderModule[] = PROVIDERS): DoctorCheck[] {
  return [...CORE_CHECKS, ...providers.flatMap(providerDoctorChecks)]
}

/** Runs the checks that apply, in order; a throwing check is a failure carrying the error's code and fix. */
export async function runChecks(checks: DoctorCheck[], context: DoctorContext): Promise<CheckResult[]> {
  const results: CheckResult[] = []
  for (const check of checks) {
    const started = performance.now()
    let outcome: CheckOutcome
    try {
      if (check.appliesTo && !(await check.appliesTo(context))) continue
      outcome = await check.run(context)
    } catch (error) {
      outcome = {
        status: 'fail',
        message: error instanceof Error ? error.message : String(error),
        ...(isHcalError(error) && error.suggestions.length > 0 ? {fix: error.suggestions.join(' ')} : {}),
        ...(isHcalError(error) ? {code: error.code} : {}),
      }
    }
    results.push({
      id: check.id,
      status: outcome.status,
      message: outcome.message,
      fix: outcome.fix ?? null,
      code: outcome.code ?? null,
      durationMs: Math.round(performance.now() - started),
    })
  }
  return results
}

/**
 * A fix already given by an earlier check (a missing D-Bus breaks the keychain and the store alike)
 * is replaced by a pointer to that check, so each fix is printed once.
 */
export function collapseRepeatedFixes(results: CheckResult[]): CheckResult[] {
  const firstWithFix = new Map<string, string>()
  return results.map((result) => {
    if (result.fix === null) return result
    const earlier = firstWithFix.get(result.fix)
    if (earlier === undefined) {
      firstWithFix.set(result.fix, result.id)
      return result
    }
    return {...result, fix: `Same fix as the "${earlier}" check.`}
  })
}

import {access, constants} from 'node:fs/promises'

import {configDir} from '../config/paths.js'
import {loadProfile} from '../config/profiles.js'
import {isHcalError} from '../errors.js'
import type {SecretStore} from '../secrets/index.js'
import {meetingsCheck} from './profile-checks.js'
import {storeCheck} from './store-check.js'

export type CheckStatus = 'pass' | 'warn' | 'fail'

export interface CheckOutcome {
  status: CheckStatus
  detail: string
  /** How to fix a warn or fail. */
  fix?: string
}

export interface CheckResult extends CheckOutcome {
  name: string
  durationMs: number
}

export interface DoctorContext {
  profile: string
  secrets(): Promise<SecretStore>
}

export interface DoctorCheck {
  name: string
  run(context: DoctorContext): Promise<CheckOutcome>
}

const NODE_FLOOR = [20, 19] as const

export const nodeVersionCheck: DoctorCheck = {
  name: 'node',
  async run() {
    const [major = 0, minor = 0] = process.versions.node.split('.').map(Number)
    const ok = major > NODE_FLOOR[0] || (major === NODE_FLOOR[0] && minor >= NODE_FLOOR[1])
    return ok
      ? {status: 'pass', detail: `Node ${process.versions.node}`}
      : {
          status: 'fail',
          detail: `Node ${process.versions.node} is older than ${NODE_FLOOR.join('.')}`,
          fix: 'Install Node 20.19 or newer (20 LTS or 24 LTS).',
        }
  },
}

export const configCheck: DoctorCheck = {
  name: 'config',
  async run({profile}) {
    const dir = configDir()
    try {
      await access(dir, constants.R_OK | constants.W_OK)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        return {
          status: 'fail',
          detail: `${dir} is not readable and writable`,
          fix: `Fix the owner/permissions of ${dir}.`,
        }
      }
    }
    const loaded = await loadProfile(profile)
    return loaded
      ? {status: 'pass', detail: `profile "${profile}" read from ${dir}`}
      : {
          status: 'warn',
          detail: `profile "${profile}" is not configured yet (${dir})`,
          fix: 'Run "hcal provision google|microsoft|exchange", or "hcal sandbox start" to try hcal locally.',
        }
  },
}

export const keychainCheck: DoctorCheck = {
  name: 'keychain',
  async run({secrets}) {
    await (await secrets()).probe()
    return {status: 'pass', detail: 'probe item written, read back and deleted'}
  },
}

export const CORE_CHECKS: DoctorCheck[] = [nodeVersionCheck, configCheck, meetingsCheck, keychainCheck, storeCheck]

/** Runs checks in order; a throwing check is a failure carrying the error's own fix. */
export async function runChecks(checks: DoctorCheck[], context: DoctorContext): Promise<CheckResult[]> {
  const results: CheckResult[] = []
  for (const check of checks) {
    const started = performance.now()
    let outcome: CheckOutcome
    try {
      outcome = await check.run(context)
    } catch (error) {
      outcome = {
        status: 'fail',
        detail: error instanceof Error ? error.message : String(error),
        ...(isHcalError(error) && error.suggestions.length > 0 ? {fix: error.suggestions.join(' ')} : {}),
      }
    }
    results.push({name: check.name, ...outcome, durationMs: Math.round(performance.now() - started)})
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
    if (result.fix === undefined) return result
    const earlier = firstWithFix.get(result.fix)
    if (earlier === undefined) {
      firstWithFix.set(result.fix, result.name)
      return result
    }
    return {...result, fix: `Same fix as the "${earlier}" check.`}
  })
}

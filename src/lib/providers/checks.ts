/**
 * Doctor check building blocks every provider module uses: the connection section is present and valid,
 * and a secret is present. Provider-specific checks (is the key well-formed?) build on `readSecret`.
 */
import type {CheckOutcome} from '../doctor/types.js'
import {isHcalError} from '../errors.js'
import type {ProviderCheck, ProviderCheckInput} from './types.js'

/** `<id>.connection`: the profile's section for this provider is there and matches the schema. */
export function connectionCheck<C>(): ProviderCheck<C> {
  return {
    name: 'connection',
    async run({module, profile, profilePath, section, problems, connection, secretsInEnv}) {
      if (section === undefined) {
        const fields = module.connection.fields
        const required = Object.keys(fields).filter((name) => !fields[name]?.optional)
        return {
          status: 'warn',
          message: `profile "${profile}" has no ${module.id} connection, yet ${secretsInEnv.join(', ')} is set`,
          fix: `Add a "${module.id}" section to ${profilePath} (${required.join(', ')}), or unset ${secretsInEnv.join(', ')}.`,
        }
      }
      if (problems.length > 0 || connection === undefined) {
        const list = problems.map((p) => (p.field ? `${module.id}.${p.field} ${p.problem}` : p.problem))
        return {
          status: 'fail',
          code: 'CONFIG_INVALID',
          message: `the ${module.displayName} connection in profile "${profile}" is not valid: ${list.join('; ')}`,
          fix: `Correct the "${module.id}" section of ${profilePath}; "hcal profile show ${profile}" lists what is set.`,
        }
      }
      return {status: 'pass', message: `${module.displayName}: ${module.connection.summary(connection)}`}
    },
  }
}

export type SecretRead = {ok: true; value: string} | {ok: false; outcome: CheckOutcome}

/** Reads a secret for a check: the value, or the failing outcome that says how to set it. */
export async function readSecret<C>(input: ProviderCheckInput<C>, name: string): Promise<SecretRead> {
  const value = await input.secret(name)
  if (value !== undefined) return {ok: true, value}
  const definition = input.module.secrets[name]
  return {
    ok: false,
    outcome: {
      status: 'fail',
      code: 'SECRET_MISSING',
      message: `${name} is not set (neither in the keychain nor in ${definition?.env ?? 'its environment variable'})`,
      fix: definition?.howToSet ?? `Store it with "hcal secrets set ${name}".`,
    },
  }
}

/** Runs a parser that throws coded HcalErrors; its error becomes a failing outcome with the code and fix. */
export function outcomeOf(secretName: string, parse: () => string): CheckOutcome {
  try {
    return {status: 'pass', message: parse()}
  } catch (error) {
    if (!isHcalError(error)) throw error
    return {
      status: 'fail',
      code: error.code,
      message: `${secretName}: ${error.message}`,
      ...(error.suggestions.length > 0 ? {fix: error.suggestions.join(' ')} : {}),
    }
  }
}

import {UsageError} from '../errors.js'
import {PROVIDERS, type ProviderSecretName} from '../providers/registry.js'
import type {ProviderModule, SecretDefinition} from '../providers/types.js'

/** True when every comma-separated part is base64 of exactly 32 bytes (an AES-256 key). */
export function isDataKeyList(value: string): boolean {
  const parts = value.split(',').map((part) => part.trim())
  return parts.every((part) => /^[A-Za-z0-9+/]{43}=$/.test(part) && Buffer.from(part, 'base64').length === 32)
}

/** hcal's own secrets; every other one belongs to a calendar system and is declared by its provider module. */
const CORE_SECRETS = {
  'store.dataKey': {
    env: 'HCAL_STORE_KEY',
    description:
      'Data key of the encrypted state store: base64 of 32 random bytes (created on first use). ' +
      'A comma-separated list is accepted: the first key encrypts, the others only decrypt.',
    howToSet:
      'Created on first use; "hcal keys rotate" replaces it; in CI put base64 of 32 random bytes in HCAL_STORE_KEY.',
    invalidReason: (value: string) =>
      isDataKeyList(value) ? undefined : 'it is not base64 of 32 bytes (or a comma-separated list of such keys)',
  },
} as const satisfies Record<string, SecretDefinition>

/**
 * Every secret hcal keeps: each calendar system's (in registry order), then hcal's own. A name is the
 * keychain account (service `hcal:<profile>`) and maps to one environment variable CI uses instead.
 */
export function secretDefinitionsFrom(
  providers: readonly ProviderModule[],
  core: Record<string, SecretDefinition> = CORE_SECRETS,
): Record<string, SecretDefinition> {
  const definitions: Record<string, SecretDefinition> = {}
  const add = (name: string, definition: SecretDefinition, owner: string) => {
    if (Object.hasOwn(definitions, name)) throw new Error(`secret "${name}" is declared twice (${owner})`)
    definitions[name] = definition
  }
  for (const provider of providers) {
    for (const [name, definition] of Object.entries(provider.secrets)) {
      if (!name.startsWith(`${provider.id}.`))
        throw new Error(`secret "${name}" of ${provider.id} must start "${provider.id}."`)
      add(name, definition, provider.id)
    }
  }
  for (const [name, definition] of Object.entries(core)) add(name, definition, 'core')
  return definitions
}

export type SecretName = ProviderSecretName | keyof typeof CORE_SECRETS

export const SECRET_DEFINITIONS = secretDefinitionsFrom(PROVIDERS) as Readonly<Record<SecretName, SecretDefinition>>

export const SECRET_NAMES = Object.keys(SECRET_DEFINITIONS) as SecretName[]

export function isSecretName(name: string): name is SecretName {
  return Object.hasOwn(SECRET_DEFINITIONS, name)
}

export function assertSecretName(name: string): asserts name is SecretName {
  if (!isSecretName(name)) {
    throw new UsageError('SECRET_NAME_UNKNOWN', `"${name}" is not a secret hcal knows.`, {
      suggestions: [`Use one of: ${SECRET_NAMES.join(', ')}.`],
      data: {validNames: SECRET_NAMES},
    })
  }
}

export function secretEnvVar(name: SecretName): string {
  return SECRET_DEFINITIONS[name].env
}

/** Why a value cannot be the named secret, or undefined when it can. Never quotes the value. */
export function invalidSecretReason(name: SecretName, value: string): string | undefined {
  if (value.trim() === '') return 'the value is empty'
  return SECRET_DEFINITIONS[name].invalidReason?.(value)
}

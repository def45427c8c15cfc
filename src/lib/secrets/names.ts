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

/** The secrets every profile may have: one name each. */
export type FixedSecretName = ProviderSecretName | keyof typeof CORE_SECRETS
/** One signing secret per publishing sink (`hcal publish add`), named after the sink. */
export type PublishSecretName = `publish.${string}.signingSecret`
export type SecretName = FixedSecretName | PublishSecretName

export const SECRET_DEFINITIONS = secretDefinitionsFrom(PROVIDERS) as Readonly<
  Record<FixedSecretName, SecretDefinition>
>

export const SECRET_NAMES = Object.keys(SECRET_DEFINITIONS) as FixedSecretName[]

/** A publishing sink's name: lower-case letters, digits and "-", 1-40 characters, starting with a letter. */
export const SINK_NAME_PATTERN = /^[a-z][a-z0-9-]{0,39}$/
const PUBLISH_SECRET = /^publish\.([a-z][a-z0-9-]{0,39})\.signingSecret$/

/** The keychain name of a sink's signing secret. */
export function publishSecretName(sink: string): PublishSecretName {
  return `publish.${sink}.signingSecret`
}

/** A Standard Webhooks secret: "whsec_" then base64 of 24 to 64 bytes. */
export function isWebhookSecret(value: string): boolean {
  const match = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(value)
  const bytes = match?.[1] ? Buffer.from(match[1], 'base64').length : 0
  return bytes >= 24 && bytes <= 64
}

/** The definition of any secret name, the per-sink signing secrets included. */
export function secretDefinition(name: SecretName): SecretDefinition {
  const sink = PUBLISH_SECRET.exec(name)?.[1]
  if (sink === undefined) return SECRET_DEFINITIONS[name as FixedSecretName]
  return {
    env: `HCAL_PUBLISH_${sink.toUpperCase().replaceAll('-', '_')}_SIGNING_SECRET`,
    description: `Signing secret of the publishing sink "${sink}" (Standard Webhooks, whsec_ and base64).`,
    howToSet: `Created by "hcal publish add"; the receiver verifies signatures with the same value.`,
    invalidReason: (value: string) =>
      isWebhookSecret(value) ? undefined : 'it is not "whsec_" followed by base64 of 24 to 64 bytes',
  }
}

export function isSecretName(name: string): name is SecretName {
  return Object.hasOwn(SECRET_DEFINITIONS, name) || PUBLISH_SECRET.test(name)
}

export function assertSecretName(name: string): asserts name is SecretName {
  if (!isSecretName(name)) {
    throw new UsageError('SECRET_NAME_UNKNOWN', `"${name}" is not a secret hcal knows.`, {
      suggestions: [`Use one of: ${SECRET_NAMES.join(', ')}, or publish.<sink>.signingSecret.`],
      data: {validNames: SECRET_NAMES},
    })
  }
}

export function secretEnvVar(name: SecretName): string {
  return secretDefinition(name).env
}

/**
 * The systemd credential that holds it (`$CREDENTIALS_DIRECTORY/<this>`, set by LoadCredential= or
 * LoadCredentialEncrypted=): the secret's own name, e.g. `exchange.password` or `store.dataKey`.
 */
export function secretCredentialName(name: SecretName): string {
  return name
}

/** Why a value cannot be the named secret, or undefined when it can. Never quotes the value. */
export function invalidSecretReason(name: SecretName, value: string): string | undefined {
  if (value.trim() === '') return 'the value is empty'
  return secretDefinition(name).invalidReason?.(value)
}

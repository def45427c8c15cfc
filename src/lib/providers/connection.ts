/**
 * What a provider needs to build its SDK clients for one profile: the connection section, the endpoint
 * overrides (`profile.endpoints.<id>`), the extra CA (`profile.caFile`) and the secrets. One builder for
 * every calendar system, so validation, sync and watch read a profile the same way.
 */
import type {ProfileConfig} from '../config/profiles.js'
import {AuthError, ConfigError} from '../errors.js'
import type {SecretStore} from '../secrets/index.js'
import {readProfileCa} from './ca.js'
import type {ProviderModule} from './types.js'

export interface ConnectionInput<C> {
  profile: string
  connection: C
  /** The module's endpoint overrides as set in the profile (absent ones are the public endpoints). */
  endpoints: Record<string, string>
  /** PEM of the profile's extra CA, when it has one. */
  caPem?: string
  /** A secret's value; SECRET_MISSING (exit 4) naming how to set it when it is not set. */
  secret(name: string): Promise<string>
}

/** PROVIDER_NOT_CONNECTED when the profile has no section for the module (nothing was provisioned). */
export function notConnected(module: ProviderModule, profile: string): ConfigError {
  return new ConfigError(
    'PROVIDER_NOT_CONNECTED',
    `Profile "${profile}" has no ${module.displayName} connection, so hcal cannot reach its mailboxes.`,
    {
      suggestions: [`Connect it with "hcal provision google|microsoft|exchange" (${module.id}).`],
      data: {provider: module.id},
    },
  )
}

export async function connectionInput<C>(
  profile: ProfileConfig,
  module: ProviderModule<string, C>,
  secrets: SecretStore,
): Promise<ConnectionInput<C>> {
  const connection = (profile as Record<string, unknown>)[module.id] as C | undefined
  if (connection === undefined) throw notConnected(module, profile.name)
  const endpoints = (profile.endpoints as Record<string, Record<string, string> | undefined> | undefined)?.[module.id]
  return {
    profile: profile.name,
    connection,
    endpoints: {...endpoints},
    ...(profile.caFile ? {caPem: await readProfileCa(profile.caFile)} : {}),
    async secret(name) {
      const value = await secrets.get(name)
      if (value !== undefined) return value
      const definition = module.secrets[name]
      throw new AuthError('SECRET_MISSING', `${name} is not set, so hcal cannot act for ${module.displayName}.`, {
        suggestions: [definition?.howToSet ?? `Store it with "hcal secrets set ${name}".`],
        data: {secret: name},
      })
    },
  }
}

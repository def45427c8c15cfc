/**
 * The calendar systems hcal connects to. The profile type (config/profiles.ts), the secret definitions
 * (secrets/names.ts), `hcal profile list|show` and `hcal doctor` are derived from this list.
 *
 * Adding a calendar system: a folder beside these whose index.ts declares the module (and adds its id to
 * core's CalendarSystems), and one line below. The `satisfies` clause fails to compile when the two disagree.
 */
import type {CalendarSystems, ProviderId} from '../core/model.js'
import {exchange} from './exchange/index.js'
import {google} from './google/index.js'
import {microsoft} from './microsoft/index.js'
import type {ProviderModule} from './types.js'

export const REGISTRY = {
  google,
  microsoft,
  exchange,
} satisfies {[K in ProviderId]: ProviderModule<K, CalendarSystems[K]>}

export type Registry = typeof REGISTRY

/** The registered modules, in the order above (the order of doctor checks and listings). */
export const PROVIDERS: readonly ProviderModule[] = Object.values(REGISTRY)

export const PROVIDER_IDS = Object.keys(REGISTRY) as ProviderId[]

export function isProviderId(value: string): value is ProviderId {
  return Object.hasOwn(REGISTRY, value)
}

/** Every secret name a registered provider declares ('google.serviceAccountKey', ...). */
export type ProviderSecretName = {[K in keyof Registry]: keyof Registry[K]['secrets'] & string}[keyof Registry]

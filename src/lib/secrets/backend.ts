import type {SecretName} from './names.js'

/** How long a stored value is, in classes coarse enough to reveal nothing useful about a secret. */
export type LengthClass = 'short' | 'medium' | 'long'

/** What a backend remembers about a stored secret besides its value (never the value itself). */
export interface StoredSecretEntry {
  name: SecretName
  createdAt: string
  length: LengthClass
}

/**
 * What the keychain itself answers for a secret: 'present' (it returned a value), 'missing' (hcal
 * stored it, the keychain no longer has it), 'unverified' (known only from hcal's index: the keychain
 * could not be asked, e.g. it is locked).
 */
export type SecretPresence = 'present' | 'missing' | 'unverified'

export interface CheckedSecretEntry {
  name: SecretName
  status: SecretPresence
  createdAt?: string
  length: LengthClass
}

/** A place that holds secret values: the OS keychain, or memory in unit tests. */
export interface SecretBackend {
  readonly source: 'keychain' | 'memory'
  get(name: SecretName): Promise<string | undefined>
  set(name: SecretName, value: string): Promise<void>
  delete(name: SecretName): Promise<boolean>
  /** Names, ages and length classes of stored secrets, read without touching any value. */
  entries(): Promise<StoredSecretEntry[]>
  /** Asks the store itself which of `names` it holds (reading values, never returning them). */
  check(names: SecretName[]): Promise<CheckedSecretEntry[]>
  probe(): Promise<void>
}

export function lengthClass(value: string): LengthClass {
  if (value.length <= 32) return 'short'
  if (value.length <= 256) return 'medium'
  return 'long'
}

/** A fixed mask: no character of a password or private key is ever shown, only a coarse length. */
export function maskFor(length: LengthClass): string {
  return `******** (${length})`
}

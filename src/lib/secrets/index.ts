import {UsageError} from '../errors.js'
import {registerSecret} from '../log/redact.js'
import {type CheckedSecretEntry, lengthClass, maskFor, type SecretBackend, type SecretPresence} from './backend.js'
import {KeychainBackend} from './keychain.js'
import {CREDENTIALS_DIRECTORY, secretFromCredentials} from './credentials.js'
import {MemoryBackend} from './memory.js'
import {
  assertSecretName,
  invalidSecretReason,
  SECRET_NAMES,
  secretCredentialName,
  secretEnvVar,
  type SecretName,
} from './names.js'

/**
 * hcal's secrets: service-account keys, client secrets, passwords and the state store's data key.
 *
 * Where a secret comes from, in order of precedence:
 *  1. its environment variable (see SECRET_DEFINITIONS in names.ts: HCAL_GOOGLE_SERVICE_ACCOUNT_JSON,
 *     HCAL_MICROSOFT_CLIENT_SECRET, HCAL_MICROSOFT_CERTIFICATE_KEY, HCAL_EXCHANGE_PASSWORD, HCAL_STORE_KEY);
 *     an environment value wins over the keychain and is read-only: `set`/`delete` refuse it;
 *  2. a systemd credential, `$CREDENTIALS_DIRECTORY/<secret name>` (LoadCredential= / LoadCredentialEncrypted=
 *     in the unit; see credentials.ts and deploy/systemd/), read-only like the environment; a file others
 *     could write, or a symbolic link leading out of that directory, is refused (SECRET_CREDENTIAL_UNSAFE);
 *  3. the OS keychain (macOS Keychain, Windows Credential Manager, the Secret Service on Linux, never the
 *     Linux kernel keyring), service `hcal:<profile>`, account = secret name. Every call is bounded
 *     (5 s per operation); an unreachable or locked keychain is a KEYCHAIN_UNAVAILABLE error, never a
 *     silent fall back to another store.
 * The memory backend exists for unit tests and is only used when asked for explicitly.
 * Values read are registered with the log redactor, so they are scrubbed from any log line or error.
 */
export interface SecretStore {
  get(name: string): Promise<string | undefined>
  set(name: string, value: string): Promise<void>
  /** True when something was deleted, false when there was nothing to delete. */
  delete(name: string): Promise<boolean>
  /**
   * Every secret that is set, with its source and a mask. By default from hcal's index, without
   * touching the keychain (entries are then 'unverified'); with `verify`, as the keychain answers.
   */
  list(options?: {verify?: boolean}): Promise<SecretInfo[]>
  /** Writes, reads back and deletes a throwaway keychain item (for `hcal doctor`). */
  probe(): Promise<void>
}

export interface SecretInfo {
  name: SecretName
  source: 'keychain' | 'env' | 'credential' | 'memory'
  /** Whether the source really holds it (see SecretPresence); environment values are always present. */
  status: SecretPresence
  /** When the keychain item was stored (unknown for environment variables). */
  createdAt?: string
  /** A fixed mask and a coarse length class; no character of the value. */
  masked: string
}

export interface SecretStoreOptions {
  profile: string
  env?: NodeJS.ProcessEnv
  backend?: 'keychain' | 'memory'
}

export {SECRET_DEFINITIONS, SECRET_NAMES, type SecretName} from './names.js'
export type {SecretPresence} from './backend.js'

export function createSecretStore(options: SecretStoreOptions): SecretStore {
  const env = options.env ?? process.env
  const backend: SecretBackend =
    options.backend === 'memory' ? new MemoryBackend() : new KeychainBackend(options.profile, env)
  return new LayeredSecretStore(backend, env)
}

/** Environment variables over a backend; validates names and values on the way in. */
class LayeredSecretStore implements SecretStore {
  constructor(
    private readonly backend: SecretBackend,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  async get(name: string): Promise<string | undefined> {
    assertSecretName(name)
    const value = this.fromEnv(name) ?? secretFromCredentials(name, this.env) ?? (await this.backend.get(name))
    if (value !== undefined) registerSecret(value)
    return value
  }

  async set(name: string, value: string): Promise<void> {
    assertSecretName(name)
    this.refuseEnv(name, 'set')
    const reason = invalidSecretReason(name, value)
    if (reason) {
      throw new UsageError('SECRET_VALUE_INVALID', `The value given for ${name} is not usable: ${reason}.`, {
        suggestions: [`Check the input you passed for ${name} and run the command again.`],
      })
    }
    registerSecret(value)
    await this.backend.set(name, value)
  }

  async delete(name: string): Promise<boolean> {
    assertSecretName(name)
    this.refuseEnv(name, 'delete')
    return this.backend.delete(name)
  }

  async list(options: {verify?: boolean} = {}): Promise<SecretInfo[]> {
    // The environment and systemd credentials win, so only the other names are asked of the keychain.
    // The fixed names, then the per-sink signing secrets hcal's index knows of.
    const indexed = await this.backend.entries()
    const names: SecretName[] = [
      ...SECRET_NAMES,
      ...indexed.map((entry) => entry.name).filter((name) => !(SECRET_NAMES as SecretName[]).includes(name)),
    ]
    const credential = new Map(names.map((name) => [name, secretFromCredentials(name, this.env)]))
    const notInEnv = names.filter((name) => this.fromEnv(name) === undefined && credential.get(name) === undefined)
    const found: CheckedSecretEntry[] = options.verify
      ? await this.backend.check(notInEnv)
      : indexed.map((entry) => ({...entry, status: 'unverified' as const}))
    const stored = new Map(found.map((entry) => [entry.name, entry]))
    const infos: SecretInfo[] = []
    for (const name of names) {
      const fromEnv = this.fromEnv(name)
      const fromCredential = credential.get(name)
      const entry = stored.get(name)
      if (fromEnv !== undefined) {
        infos.push({name, source: 'env', status: 'present', masked: maskFor(lengthClass(fromEnv))})
      } else if (fromCredential !== undefined) {
        infos.push({name, source: 'credential', status: 'present', masked: maskFor(lengthClass(fromCredential))})
      } else if (entry) {
        infos.push({
          name,
          source: this.backend.source,
          status: entry.status,
          ...(entry.createdAt ? {createdAt: entry.createdAt} : {}),
          masked: entry.status === 'missing' ? '-' : maskFor(entry.length),
        })
      }
    }
    return infos
  }

  probe(): Promise<void> {
    return this.backend.probe()
  }

  private fromEnv(name: SecretName): string | undefined {
    return secretFromEnv(name, this.env)
  }

  private refuseEnv(name: SecretName, action: 'set' | 'delete'): void {
    assertNotFromEnv(name, action, this.env)
  }
}

function secretFromEnv(name: SecretName, env: NodeJS.ProcessEnv): string | undefined {
  const value = env[secretEnvVar(name)]
  return value === undefined || value === '' ? undefined : value
}

/**
 * Fails when the secret comes from its environment variable or a systemd credential, which hcal never
 * changes. Commands call it before asking for a value, so nobody types a secret only to have it refused.
 */
export function assertNotFromEnv(
  name: SecretName,
  action: 'set' | 'delete',
  env: NodeJS.ProcessEnv = process.env,
): void {
  if (secretFromEnv(name, env) !== undefined) {
    const variable = secretEnvVar(name)
    throw new UsageError(
      'SECRET_FROM_ENV',
      `Cannot ${action} ${name}: it comes from ${variable}, which hcal only reads.`,
      {
        suggestions: [`Change or unset ${variable} in the environment instead, then run the command again.`],
      },
    )
  }
  if (secretFromCredentials(name, env) !== undefined) {
    const credential = `${CREDENTIALS_DIRECTORY}/${secretCredentialName(name)}`
    throw new UsageError(
      'SECRET_FROM_CREDENTIAL',
      `Cannot ${action} ${name}: it comes from the systemd credential ${credential}, which hcal only reads.`,
      {
        suggestions: [
          `Change the unit's LoadCredentialEncrypted=${secretCredentialName(name)}:… line (systemd-creds encrypt) instead.`,
        ],
      },
    )
  }
}

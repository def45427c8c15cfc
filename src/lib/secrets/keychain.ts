import {randomBytes} from 'node:crypto'
import {createRequire} from 'node:module'

import type {AsyncEntry as AsyncEntryType} from '@napi-rs/keyring'

import {HcalError} from '../errors.js'
import {type CheckedSecretEntry, lengthClass, type SecretBackend, type StoredSecretEntry} from './backend.js'
import {isLockedKeyring, keychainUnavailable} from './keychain-errors.js'
import type {SecretName} from './names.js'
import {SecretIndex} from './secret-index.js'

/** Total time one SecretStore operation may spend in the keychain (all its calls together). */
export const KEYCHAIN_BUDGET_MS = 5000

/**
 * Pinned to the Secret Service on Linux: left to choose, the library falls back to the kernel keyring,
 * which either fails after leaving the value there in clear or keeps it only until logout. Ignored on
 * macOS and Windows, which have one keychain each.
 */
const ENTRY_OPTIONS = {linux: {store: 'secret-service'}} as const

const PROBE_ACCOUNT = 'hcal.probe'

type AsyncEntryClass = typeof AsyncEntryType
let asyncEntryClass: AsyncEntryClass | undefined

/** Loaded on first use so commands that never touch the keychain do not load the native module. */
function AsyncEntry(): AsyncEntryClass {
  asyncEntryClass ??= (createRequire(import.meta.url)('@napi-rs/keyring') as {AsyncEntry: AsyncEntryClass}).AsyncEntry
  return asyncEntryClass
}

/** One keychain operation with its deadline; every native call inside it shares the same budget. */
class Deadline {
  private readonly endsAt = Date.now() + KEYCHAIN_BUDGET_MS

  constructor(private readonly action: string) {}

  async run<T>(call: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const remaining = this.endsAt - Date.now()
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`timed out after ${KEYCHAIN_BUDGET_MS / 1000} s`)),
        Math.max(0, remaining),
      )
    })
    try {
      // The signal asks the binding to give up; the race guarantees we stop waiting even if it cannot.
      return await Promise.race([call(AbortSignal.timeout(Math.max(1, remaining))), timeout])
    } catch (error) {
      throw keychainUnavailable(this.action, error)
    } finally {
      clearTimeout(timer)
    }
  }
}

/**
 * Secrets in the OS keychain: service `hcal:<profile>`, account = secret name. Alongside it, a
 * value-free index (names, creation times, length classes) so listing never reads values.
 */
export class KeychainBackend implements SecretBackend {
  readonly source = 'keychain' as const
  readonly service: string
  private readonly index: SecretIndex

  constructor(profile: string, env: NodeJS.ProcessEnv) {
    this.service = `hcal:${profile}`
    this.index = new SecretIndex(profile, env)
  }

  async get(name: SecretName): Promise<string | undefined> {
    const value = await new Deadline(`read ${name}`).run(async (signal) => this.entry(name).getPassword(signal))
    if (value !== null) return value
    const indexed = await this.index.find(name)
    if (indexed) {
      // The Secret Service answers "nothing" instead of an error when its keyring is locked or missing.
      throw new HcalError(
        'KEYCHAIN_ITEM_UNREADABLE',
        `The keychain returned nothing for ${name}, which hcal stored on ${indexed.createdAt}: the keyring is locked or the item was removed outside hcal.`,
        {
          suggestions: [
            'Unlock the login keyring and run the command again.',
            `If the item was deleted, store it again: hcal secrets set ${name} --stdin`,
          ],
        },
      )
    }
    return undefined
  }

  async set(name: SecretName, value: string): Promise<void> {
    await new Deadline(`store ${name}`).run(async (signal) => this.entry(name).setPassword(value, signal))
    await this.index.put({name, createdAt: new Date().toISOString(), length: lengthClass(value)})
  }

  async delete(name: SecretName): Promise<boolean> {
    const deleted = await new Deadline(`delete ${name}`).run(async (signal) => this.entry(name).deletePassword(signal))
    await this.index.remove(name)
    return deleted
  }

  async entries(): Promise<StoredSecretEntry[]> {
    return this.index.read()
  }

  /**
   * Reads each name from the keychain (values are dropped at once): what the keychain really holds,
   * whatever the index says. A locked keyring cannot say, so indexed entries come back 'unverified';
   * an unreachable one is KEYCHAIN_UNAVAILABLE.
   */
  async check(names: SecretName[]): Promise<CheckedSecretEntry[]> {
    const indexed = new Map((await this.index.read()).map((entry) => [entry.name, entry]))
    const deadline = new Deadline('check which secrets it holds')
    const checked: CheckedSecretEntry[] = []
    for (const name of names) {
      let value: string | null
      try {
        value = await deadline.run(async (signal) => this.entry(name).getPassword(signal))
      } catch (error) {
        if (!isLockedKeyring(error)) throw error
        return names.flatMap((n) => {
          const entry = indexed.get(n)
          return entry ? [{...entry, status: 'unverified' as const}] : []
        })
      }
      const entry = indexed.get(name)
      if (value !== null)
        checked.push({name, status: 'present', createdAt: entry?.createdAt, length: lengthClass(value)})
      else if (entry) checked.push({...entry, status: 'missing'})
    }
    return checked
  }

  /** Writes, reads back and deletes a throwaway item: proves the keychain works end to end. */
  async probe(): Promise<void> {
    const deadline = new Deadline('complete a write/read/delete probe')
    const value = randomBytes(16).toString('hex')
    const entry = () => new (AsyncEntry())(this.service, PROBE_ACCOUNT, ENTRY_OPTIONS)
    await deadline.run(async (signal) => entry().setPassword(value, signal))
    const readBack = await deadline.run(async (signal) => entry().getPassword(signal))
    await deadline.run(async (signal) => entry().deletePassword(signal))
    if (readBack !== value) {
      throw keychainUnavailable('complete a write/read/delete probe', new Error('the probe item read back differently'))
    }
  }

  private entry(name: SecretName): AsyncEntryType {
    // Constructing connects to the bus, which can throw; callers construct inside Deadline.run.
    return new (AsyncEntry())(this.service, name, ENTRY_OPTIONS)
  }
}

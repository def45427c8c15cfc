import {type CheckedSecretEntry, lengthClass, type SecretBackend, type StoredSecretEntry} from './backend.js'
import type {SecretName} from './names.js'

/** Keeps secrets in this process only; for unit tests, never chosen implicitly. */
export class MemoryBackend implements SecretBackend {
  readonly source = 'memory' as const
  private readonly items = new Map<SecretName, {value: string; createdAt: string}>()

  async get(name: SecretName): Promise<string | undefined> {
    return this.items.get(name)?.value
  }

  async set(name: SecretName, value: string): Promise<void> {
    this.items.set(name, {value, createdAt: new Date().toISOString()})
  }

  async delete(name: SecretName): Promise<boolean> {
    return this.items.delete(name)
  }

  async entries(): Promise<StoredSecretEntry[]> {
    return [...this.items].map(([name, item]) => ({name, createdAt: item.createdAt, length: lengthClass(item.value)}))
  }

  async check(names: SecretName[]): Promise<CheckedSecretEntry[]> {
    return (await this.entries())
      .filter((entry) => names.includes(entry.name))
      .map((entry) => ({...entry, status: 'present' as const}))
  }

  async probe(): Promise<void> {}
}

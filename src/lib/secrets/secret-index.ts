import {readFile} from 'node:fs/promises'
import {join} from 'node:path'

import {writeFileAtomic} from '../config/atomic-write.js'
import {errnoOf, fsFailure} from '../config/dirs.js'
import {configDir} from '../config/paths.js'
import {ConfigError} from '../errors.js'
import type {StoredSecretEntry} from './backend.js'
import {isSecretName} from './names.js'

/**
 * Which secrets a profile has in the keychain, and since when, so `secrets list` and `doctor` can show
 * names and ages without reading every value (each read may unlock or prompt). Holds no values.
 */
export class SecretIndex {
  readonly path: string

  constructor(profile: string, env: NodeJS.ProcessEnv) {
    this.path = join(configDir(env), 'secrets', profile, 'secrets-index.json')
  }

  async read(): Promise<StoredSecretEntry[]> {
    let text: string
    try {
      text = await readFile(this.path, 'utf8')
    } catch (error) {
      if (errnoOf(error) === 'ENOENT') return []
      throw await fsFailure(error, this.path, 'read the secret index')
    }
    try {
      const parsed = JSON.parse(text) as {secrets?: StoredSecretEntry[]}
      return (parsed.secrets ?? []).filter((entry) => isSecretName(entry.name))
    } catch (error) {
      throw new ConfigError('SECRET_INDEX_CORRUPT', `The secret index ${this.path} is not valid JSON.`, {
        cause: error,
        suggestions: [`Delete ${this.path}; it holds no secrets and is rebuilt as secrets are set again.`],
      })
    }
  }

  async find(name: string): Promise<StoredSecretEntry | undefined> {
    return (await this.read()).find((entry) => entry.name === name)
  }

  async put(entry: StoredSecretEntry): Promise<void> {
    const others = (await this.read()).filter((e) => e.name !== entry.name)
    await this.write([...others, entry])
  }

  async remove(name: string): Promise<void> {
    const entries = await this.read()
    if (entries.some((e) => e.name === name)) await this.write(entries.filter((e) => e.name !== name))
  }

  private async write(entries: StoredSecretEntry[]): Promise<void> {
    await writeFileAtomic(this.path, `${JSON.stringify({version: 1, secrets: entries}, null, 2)}\n`, 0o600)
  }
}

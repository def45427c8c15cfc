import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {assertNotFromEnv, SECRET_NAMES} from '../../lib/secrets/index.js'
import {readSecretInput} from '../../lib/secrets/input.js'
import {assertSecretName, secretDefinition} from '../../lib/secrets/names.js'

export interface SecretsSetResult {
  profile: string
  /** One of the names "hcal secrets set --help" lists. */
  name: string
  stored: 'keychain'
}

export default class SecretsSet extends BaseCommand<typeof SecretsSet> {
  static override args = {
    name: Args.string({description: `Secret to store: ${SECRET_NAMES.join(', ')}.`, required: true}),
  }
  static override flags = {
    stdin: Flags.boolean({summary: 'Read the value from standard input (piped).', exclusive: ['file']}),
    file: Flags.string({summary: 'Read the value from this file.', exclusive: ['stdin'], helpValue: 'PATH'}),
  }
  static override summary = 'Store a secret in the OS keychain.'
  static override description =
    'Reads the value from standard input, a file, or a hidden prompt (only in an interactive terminal), never from a flag value. One trailing newline is removed. A secret whose environment variable is set cannot be stored here: the variable wins.'
  static override examples = [
    '<%= config.bin %> <%= command.id %> exchange.password',
    '$ printf %s "$EXCHANGE_PASSWORD" | <%= config.bin %> <%= command.id %> exchange.password --stdin',
    '<%= config.bin %> <%= command.id %> google.serviceAccountKey --file ./service-account.json',
  ]

  async run(): Promise<SecretsSetResult> {
    const {name} = this.args
    assertSecretName(name)
    assertNotFromEnv(name, 'set')
    this.logger.debug(
      {name, from: this.flags.stdin ? 'stdin' : this.flags.file ? 'file' : 'prompt'},
      'reading the value',
    )
    const value = await readSecretInput({
      name,
      stdin: this.flags.stdin,
      file: this.flags.file,
      canPrompt: this.canPrompt(),
      promptMessage: `${secretDefinition(name).description} Value (hidden):`,
      onWarning: (message) => this.out.warn(message),
      // A pipe nobody closes would wait forever: a signal ends the wait (and the run, with 130).
      signal: this.abort.signal,
    })
    await (await this.secrets()).set(name, value)
    this.out.success(`Stored ${name} in the keychain (service hcal:${this.profileName}).`)
    return {profile: this.profileName, name, stored: 'keychain'}
  }
}

import {Args} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {SECRET_NAMES} from '../../lib/secrets/index.js'
import {assertSecretName} from '../../lib/secrets/names.js'

export interface SecretsDeleteResult {
  profile: string
  /** One of the names "hcal secrets set --help" lists. */
  name: string
  /** False when there was nothing to delete (still a success). */
  deleted: boolean
}

export default class SecretsDelete extends BaseCommand<typeof SecretsDelete> {
  static override args = {
    name: Args.string({description: `Secret to delete: ${SECRET_NAMES.join(', ')}.`, required: true}),
  }
  static override summary = 'Delete a secret from the OS keychain.'
  static override description =
    'Idempotent: deleting a secret that is not there succeeds and says so. A secret provided by its environment variable cannot be deleted here. Deleting store.dataKey makes the existing state store unreadable.'
  static override examples = ['<%= config.bin %> <%= command.id %> microsoft.clientSecret']

  async run(): Promise<SecretsDeleteResult> {
    const {name} = this.args
    assertSecretName(name)
    const deleted = await (await this.secrets()).delete(name)
    if (deleted) this.out.success(`Deleted ${name} from the keychain (service hcal:${this.profileName}).`)
    else this.out.info(`${name} is not in the keychain for profile "${this.profileName}"; nothing to delete.`)
    if (deleted && name === 'store.dataKey') {
      this.out.warn('The state store of this profile can no longer be decrypted; delete it or restore the key.')
    }
    return {profile: this.profileName, name, deleted}
  }
}

import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {removeProfile} from '../../lib/config/profiles.js'
import {UsageError} from '../../lib/errors.js'

export interface ProfileRemoveResult {
  name: string
  removed: boolean
}

export default class ProfileRemove extends BaseCommand<typeof ProfileRemove> {
  static override args = {
    name: Args.string({description: 'Profile to remove.', required: true}),
  }
  static override flags = {
    yes: Flags.boolean({summary: 'Confirm without a prompt (required when not interactive).'}),
  }
  static override summary = 'Remove a profile’s configuration.'
  static override description =
    'Removes the profile file. Its secrets stay in the keychain until you delete them with "hcal secrets delete", and its state store stays in the data directory.'
  static override examples = ['<%= config.bin %> <%= command.id %> old-tenant --yes']

  async run(): Promise<ProfileRemoveResult> {
    const {name} = this.args
    const confirmed = await this.requireInput('yes', this.flags.yes || undefined, async () => {
      const {confirm} = await import('@inquirer/prompts')
      return confirm({message: `Remove profile "${name}"?`, default: false}, {output: process.stderr})
    })
    if (!confirmed) throw new UsageError('NOT_CONFIRMED', `Profile "${name}" was not removed.`)
    const removed = await removeProfile(name)
    if (removed) this.out.success(`Removed profile "${name}".`)
    else this.out.info(`Profile "${name}" does not exist; nothing to remove.`)
    return {name, removed}
  }
}

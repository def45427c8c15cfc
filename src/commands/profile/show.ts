import {Args} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {type ProfileConfig, requireProfile} from '../../lib/config/profiles.js'

export default class ProfileShow extends BaseCommand<typeof ProfileShow> {
  static override args = {
    name: Args.string({description: 'Profile to show (default: --profile).'}),
  }
  static override summary = 'Show one profile’s non-secret configuration.'
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> sandbox --json',
  ]

  async run(): Promise<ProfileConfig> {
    const profile = await requireProfile(this.args.name ?? this.profileName)
    this.out.data(JSON.stringify(profile, null, 2))
    return profile
  }
}

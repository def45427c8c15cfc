import {Args} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {type ProfileConfig, requireProfile} from '../../lib/config/profiles.js'

/** `result` of `hcal profile show --json`: the profile file as stored (never a secret). */
export type ProfileShowResult = ProfileConfig

export default class ProfileShow extends BaseCommand<typeof ProfileShow> {
  static override args = {
    name: Args.string({description: 'Profile to show (default: --profile).'}),
  }
  static override summary = 'Show one profile’s non-secret configuration.'
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> sandbox --json',
  ]

  async run(): Promise<ProfileShowResult> {
    const profile = await requireProfile(this.args.name ?? this.profileName)
    this.out.data(JSON.stringify(profile, null, 2))
    return profile
  }
}

import {Args} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {type ProfileConfig, requireProfile} from '../../lib/config/profiles.js'
import {PROVIDERS} from '../../lib/providers/registry.js'

interface SettingRow {
  setting: string
  value: string
  about: string
}

/** One row per setting: the profile's own, then each connection's fields in its provider's schema order. */
function settingRows(profile: ProfileConfig): SettingRow[] {
  const rows: SettingRow[] = [
    {setting: 'name', value: profile.name, about: 'Profile name'},
    {setting: 'createdAt', value: profile.createdAt, about: 'Created'},
    {setting: 'updatedAt', value: profile.updatedAt, about: 'Last changed'},
  ]
  if (profile.caFile) rows.push({setting: 'caFile', value: profile.caFile, about: 'Extra CA trusted by this profile'})
  for (const provider of PROVIDERS) {
    const connection = (profile as Record<string, unknown>)[provider.id] as Record<string, unknown> | undefined
    if (!connection) continue
    for (const [field, spec] of Object.entries(provider.connection.fields)) {
      if (connection[field] === undefined) continue
      rows.push({setting: `${provider.id}.${field}`, value: String(connection[field]), about: spec.description})
    }
    rows.push({
      setting: `${provider.id} secrets`,
      value: Object.keys(provider.secrets).join(', '),
      about: `Kept in the keychain or the environment, never here (see "hcal secrets list")`,
    })
  }
  if (profile.meetings) {
    rows.push({setting: 'meetings', value: JSON.stringify(profile.meetings), about: 'See "hcal meetings settings"'})
  }
  return rows
}

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
    this.out.table(settingRows(profile), [
      {key: 'setting', header: 'Setting'},
      {key: 'value', header: 'Value'},
      {key: 'about', header: 'About'},
    ])
    return profile
  }
}

import {BaseCommand} from '../../lib/cli/base-command.js'
import {SECRET_NAMES, type SecretInfo} from '../../lib/secrets/index.js'

export interface SecretsListRow extends SecretInfo {
  /** Whole days since the keychain item was stored; absent for environment variables. */
  ageDays?: number
}

export interface SecretsListResult {
  profile: string
  secrets: SecretsListRow[]
}

export default class SecretsList extends BaseCommand<typeof SecretsList> {
  static override summary = 'List the secrets this profile has, where each comes from, and its age.'
  static override description =
    'Shows names, sources (keychain or environment variable; the environment wins), age and a fixed mask. No value, and no part of one, is ever shown; listing does not read keychain values.'
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --profile acme --json',
  ]

  async run(): Promise<SecretsListResult> {
    const infos = await (await this.secrets()).list()
    const now = Date.now()
    const secrets = infos.map((info) => ({
      ...info,
      ...(info.createdAt ? {ageDays: Math.floor((now - Date.parse(info.createdAt)) / 86_400_000)} : {}),
    }))
    if (secrets.length === 0) {
      this.out.info(`No secrets set for profile "${this.profileName}". Known names: ${SECRET_NAMES.join(', ')}.`)
    } else {
      this.out.table(secrets, [
        {key: 'name', header: 'Name'},
        {key: 'source', header: 'Source'},
        {key: 'ageDays', header: 'Age', format: (v) => (v === undefined ? '-' : `${String(v)}d`)},
        {key: 'masked', header: 'Value'},
      ])
    }
    return {profile: this.profileName, secrets}
  }
}

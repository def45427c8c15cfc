import {BaseCommand} from '../../lib/cli/base-command.js'
import {SECRET_NAMES, type SecretPresence} from '../../lib/secrets/index.js'

/** One secret as listed; spelled out here (not SecretInfo) so the JSON Schema can be generated from it. */
export interface SecretsListRow {
  /** One of the names "hcal secrets set --help" lists. */
  name: string
  source: 'keychain' | 'env' | 'credential' | 'memory'
  /** Whether the source really holds it; environment values are always present. */
  status: SecretPresence
  /** When the keychain item was stored (unknown for environment variables). */
  createdAt?: string
  /** A fixed mask and a coarse length class; no character of the value. */
  masked: string
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
    'Shows names, sources (keychain, systemd credential or environment variable; the environment wins, then the credential), status, age and a fixed mask. The keychain is asked for each secret, so the status is what it really holds: present, missing (stored by hcal, since removed from the keychain) or unverified (the keyring is locked). No value, and no part of one, is ever shown. Fails with KEYCHAIN_UNAVAILABLE when the keychain cannot be reached.'
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --profile acme --json',
  ]

  async run(): Promise<SecretsListResult> {
    const infos = await (await this.secrets()).list({verify: true})
    const now = Date.now()
    const secrets = infos.map((info) => ({
      ...info,
      ...(info.createdAt ? {ageDays: Math.floor((now - Date.parse(info.createdAt)) / 86_400_000)} : {}),
    }))
    const missing = secrets.filter((s) => s.status === 'missing').map((s) => s.name)
    if (missing.length > 0) {
      this.out.warn(
        `The keychain no longer holds ${missing.join(', ')} (removed outside hcal); store again with "hcal secrets set NAME".`,
      )
    }
    if (secrets.some((s) => s.status === 'unverified')) {
      this.out.warn(
        'The keyring is locked: secrets are listed from hcal’s index, unverified. Unlock it and list again.',
      )
    }
    if (secrets.length === 0) {
      this.out.info(`No secrets set for profile "${this.profileName}". Known names: ${SECRET_NAMES.join(', ')}.`)
    } else {
      this.out.table(secrets, [
        {key: 'name', header: 'Name'},
        {key: 'source', header: 'Source'},
        {key: 'status', header: 'Status'},
        {key: 'ageDays', header: 'Age', format: (v) => (v === undefined ? '-' : `${String(v)}d`)},
        {key: 'masked', header: 'Value'},
      ])
    }
    return {profile: this.profileName, secrets}
  }
}

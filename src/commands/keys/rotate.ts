import {BaseCommand} from '../../lib/cli/base-command.js'
import type {RotationResult} from '../../lib/store/index.js'

export interface KeysRotateResult extends RotationResult {
  profile: string
}

export default class KeysRotate extends BaseCommand<typeof KeysRotate> {
  static override profileNeed = 'existing' as const
  static override summary = 'Replace the data key that encrypts the state store.'
  static override description =
    'Creates a new data key, re-encrypts every encrypted field in one transaction, then drops the old key from the keychain; an interruption at any point leaves the store readable. With HCAL_STORE_KEY, put the new key first (HCAL_STORE_KEY=<new>,<old>), run this, then remove the old key from the variable.'
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '$ HCAL_STORE_KEY="$(openssl rand -base64 32),$HCAL_STORE_KEY" <%= config.bin %> <%= command.id %> --json',
  ]

  async run(): Promise<KeysRotateResult> {
    const result = await (await this.store()).rotateKey()
    this.out.success(`Re-encrypted ${result.fields} fields in ${result.rows} rows with data key ${result.keyId}.`)
    if (result.retiredKeyIds.length > 0) {
      this.out.info(
        `Retired data key ${result.retiredKeyIds.join(', ')} (if HCAL_STORE_KEY holds it, remove it from the variable).`,
      )
    }
    return {profile: this.profileName, ...result}
  }
}

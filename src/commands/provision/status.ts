import {BaseCommand} from '../../lib/cli/base-command.js'
import {type ProfileConfig, readProfileDocument} from '../../lib/config/profiles.js'
import {AuthError, HcalError} from '../../lib/errors.js'
import {printProofChecks, proofFailure} from '../../lib/provisioning/report.js'
import {type ConnectionStatus, provisionStatus} from '../../lib/provisioning/status.js'
import {PROVIDER_IDS, PROVIDERS} from '../../lib/providers/registry.js'

/** `result` of `hcal provision status --json`: each connection, its last proof, credential and mailbox scope. */
export interface ProvisionStatusResult {
  profile: string
  connections: ConnectionStatus[]
}

export default class ProvisionStatus extends BaseCommand<typeof ProvisionStatus> {
  static override profileNeed = 'existing' as const
  static override summary = 'Show each connection: its last proof, credential age and expiry, mailbox scope.'
  static override description =
    'Reads the profile and the secret list (names and dates, never values) and makes no network call. A credential expiring within 30 days is a warning, an expired one a failure (exit 4); a connection never proven is a warning naming "hcal provision <system> --test-user". Run "hcal doctor" to check the connections live.'
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --profile acme --json',
  ]

  async run(): Promise<ProvisionStatusResult> {
    const profile = ((await readProfileDocument(this.profileName)) ?? {}) as ProfileConfig
    const secrets = await (await this.secrets()).list()
    const connections = provisionStatus({
      profileName: this.profileName,
      profile,
      modules: PROVIDERS,
      secrets,
      now: new Date(),
    })
    const checks = connections.flatMap((connection) => connection.checks)
    if (connections.length === 0) {
      this.out.info(`Profile "${this.profileName}" has no connection yet: "hcal provision ${PROVIDER_IDS.join('|')}".`)
    } else {
      printProofChecks(this.out, checks)
    }
    const failure = proofFailure(`Provision status of "${this.profileName}"`, checks, 'PROVISION_STATUS_FAILED')
    if (failure) {
      // The whole status, not only the checks, so --json consumers see ages and dates of a failing run too.
      const data = {profile: this.profileName, connections, checks}
      const options = {suggestions: failure.suggestions, data}
      throw failure instanceof AuthError
        ? new AuthError(failure.code, failure.message, options)
        : new HcalError(failure.code, failure.message, options)
    }
    return {profile: this.profileName, connections}
  }
}

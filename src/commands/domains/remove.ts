import {Args} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'

export interface DomainsRemoveResult {
  domain: string
  /** The calendar system that served it; null when it was not verified (nothing changed). */
  provider: string | null
  removed: boolean
}

export default class DomainsRemove extends BaseCommand<typeof DomainsRemove> {
  static override profileNeed = 'existing' as const
  static override summary = 'Remove a verified domain.'
  static override description =
    'Users already activated in the domain stay in the store, but fail validation with DOMAIN_NOT_VERIFIED the next time "hcal users validate" runs; deactivate them with "hcal users deactivate" to stop processing at once. Removing a domain that is not verified is a no-op.'
  static override examples = ['<%= config.bin %> <%= command.id %> old.acme.com']
  static override args = {
    domain: Args.string({description: 'Verified domain to remove.', required: true}),
  }

  async run(): Promise<DomainsRemoveResult> {
    const {removeDomain} = await import('../../lib/domains/index.js')
    const outcome = await removeDomain(this.profileName, this.args.domain)
    if (outcome.provider) this.out.success(`${outcome.domain} is no longer a verified domain.`)
    else this.out.info(`${outcome.domain} was not a verified domain; nothing changed.`)
    return {...outcome, removed: outcome.provider !== null}
  }
}

import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import type {VerifiedDomain} from '../../lib/config/profiles.js'
import {PROVIDER_IDS, REGISTRY} from '../../lib/providers/registry.js'

export interface DomainsAddResult {
  domain: string
  provider: string
  /** False when the domain was already verified for this calendar system. */
  added: boolean
  domains: VerifiedDomain[]
}

export default class DomainsAdd extends BaseCommand<typeof DomainsAdd> {
  static override profileNeed = 'existing' as const
  static override summary = 'Add a verified domain and the calendar system that serves it.'
  static override description =
    'Users and rooms are activated only in verified domains, and the calendar system of a user follows from the domain of its address. One organisation may run Google Workspace for one domain and Exchange for another. The domain is stored lower-case (international names in punycode); adding it again is a no-op, and a domain already served by another calendar system is refused (DOMAIN_PROVIDER_CONFLICT).'
  static override examples = [
    '<%= config.bin %> <%= command.id %> acme.com --provider google',
    '<%= config.bin %> <%= command.id %> corp.acme.com --provider exchange --json',
  ]
  static override args = {
    domain: Args.string({description: 'Mail domain, as after the @ of addresses (acme.com).', required: true}),
  }
  static override flags = {
    provider: Flags.option({
      summary: 'Calendar system serving the domain.',
      options: PROVIDER_IDS,
      required: true,
    })(),
  }

  async run(): Promise<DomainsAddResult> {
    const [{addDomain}, {loadProfile}] = await Promise.all([
      import('../../lib/domains/index.js'),
      import('../../lib/config/profiles.js'),
    ])
    const provider = this.flags.provider
    const outcome = await addDomain(this.profileName, this.args.domain, provider)
    const {domain} = outcome.domain
    if (outcome.added) this.out.success(`${domain} is verified, served by ${REGISTRY[provider].displayName}.`)
    else this.out.info(`${domain} was already verified for ${REGISTRY[provider].displayName}; nothing changed.`)
    const profile = await loadProfile(this.profileName)
    if (profile && profile[provider] === undefined) {
      this.out.info(
        `This profile has no ${REGISTRY[provider].displayName} connection yet: connect it with "hcal provision google|microsoft|exchange" (${provider}).`,
      )
    }
    return {domain, provider, added: outcome.added, domains: outcome.domains}
  }
}

import {BaseCommand} from '../../lib/cli/base-command.js'

export interface DomainEntry {
  domain: string
  provider: string
  /** True when the profile has a connection for that calendar system (provisioned). */
  connected: boolean
}

export interface DomainsListResult {
  domains: DomainEntry[]
}

export default class DomainsList extends BaseCommand<typeof DomainsList> {
  static override profileNeed = 'existing' as const
  static override summary = 'List the verified domains and the calendar system serving each.'
  static override description =
    '"Connected" says whether the profile has a connection for that calendar system yet ("hcal provision google|microsoft|exchange" adds it); users of a domain without one cannot be validated.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  async run(): Promise<DomainsListResult> {
    const {requireProfile} = await import('../../lib/config/profiles.js')
    const profile = await requireProfile(this.profileName)
    const domains = (profile.domains ?? []).map((d) => ({
      domain: d.domain,
      provider: d.provider,
      connected: profile[d.provider] !== undefined,
    }))
    if (domains.length === 0) {
      this.out.info(
        'No verified domains yet. Add one with "hcal domains add DOMAIN --provider google|microsoft|exchange".',
      )
    } else {
      this.out.table(domains, [
        {key: 'domain', header: 'Domain'},
        {key: 'provider', header: 'Provider'},
        {key: 'connected', header: 'Connected', format: (v) => (v ? 'yes' : 'no')},
      ])
    }
    return {domains}
  }
}

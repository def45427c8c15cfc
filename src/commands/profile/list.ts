import {BaseCommand} from '../../lib/cli/base-command.js'
import {listProfiles} from '../../lib/config/profiles.js'
import {PROVIDERS} from '../../lib/providers/registry.js'

export interface ProfileSummary {
  name: string
  /** Ids of the calendar systems the profile connects to, in registry order. */
  connections: string[]
  updatedAt: string
}

/** `result` of `hcal profile list --json`. */
export type ProfileListResult = ProfileSummary[]

export default class ProfileList extends BaseCommand<typeof ProfileList> {
  static override summary = 'List profiles and the connections each one has.'
  static override description = `A profile holds one organisation: its ${PROVIDERS.map((p) => p.displayName).join(', ')} connections and meeting settings. Secrets are not shown here (see "hcal secrets list"). A profile file that cannot be read is left out with a warning, and the exit code is 3 (partial).`
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  async run(): Promise<ProfileListResult> {
    // One broken file must not hide the others: list what reads, warn about the rest (exit 3).
    const readable = await listProfiles(process.env, (error) =>
      this.markPartial(`${error.message} ${error.suggestions.join(' ')}`),
    )
    const profiles = readable.map((p) => ({
      name: p.name,
      connections: PROVIDERS.filter((provider) => (p as Record<string, unknown>)[provider.id] !== undefined).map(
        (provider) => provider.id,
      ),
      updatedAt: p.updatedAt,
    }))
    if (profiles.length === 0) {
      this.out.info(
        'No profiles yet. Create one with "hcal provision google|microsoft|exchange" or "hcal sandbox start".',
      )
    } else {
      this.out.table(profiles, [
        {key: 'name', header: 'Profile'},
        {key: 'connections', header: 'Connections', format: (v) => (v as string[]).join(', ') || '-'},
        {key: 'updatedAt', header: 'Updated'},
      ])
    }
    return profiles
  }
}

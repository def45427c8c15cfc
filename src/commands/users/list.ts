import {Flags} from '@oclif/core'

import {PROVIDER_IDS} from '../../lib/providers/registry.js'
import {UsersCommand} from '../../lib/users/command.js'
import {entryOf, report, type UsersReport} from '../../lib/users/report.js'

/** `result` of `hcal users list --json`. */
export type UsersListResult = UsersReport

export default class UsersList extends UsersCommand<typeof UsersList> {
  static override summary = 'List activated users and rooms, their state and why.'
  static override description =
    'A table of address (with the primary address when activated under an alias), kind, calendar system, state, reason (code, cause and fix), last validated and last synced; or, with --json, the users and a summary by state. Reads the state store only: nothing is sent to any calendar system.'
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --state error --provider microsoft --json',
  ]
  static override flags = {
    state: Flags.option({
      summary: 'Only users in this state.',
      options: ['pending', 'active', 'error', 'deactivated'] as const,
    })(),
    provider: Flags.option({summary: 'Only users of this calendar system.', options: PROVIDER_IDS})(),
  }

  async run(): Promise<UsersListResult> {
    const store = await this.store()
    const users = store.users.list({
      ...(this.flags.state ? {state: this.flags.state} : {}),
      ...(this.flags.provider ? {provider: this.flags.provider} : {}),
    })
    const result = report(users.map(entryOf))
    if (users.length === 0) {
      this.out.info('No users or rooms match. Activate some with "hcal users activate EMAIL...".')
    } else {
      this.renderEntries(result.users, new Map(users.map((user) => [user.email, user])))
    }
    return result
  }
}

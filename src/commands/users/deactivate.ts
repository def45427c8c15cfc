import {Args} from '@oclif/core'

import {UsageError} from '../../lib/errors.js'
import {UsersCommand} from '../../lib/users/command.js'
import type {DeactivatedUser} from '../../lib/users/deactivate.js'

/** `result` of `hcal users deactivate --json`. */
export interface UsersDeactivateResult {
  users: DeactivatedUser[]
  /** Rows removed from the state store over all users. */
  purged: {meetings: number; cursors: number}
}

export default class UsersDeactivate extends UsersCommand<typeof UsersDeactivate> {
  static override strict = false
  static override summary = 'Stop processing users or rooms and purge their stored meeting data.'
  static override description =
    'From the moment it runs, hcal no longer touches the mailbox (a running sync or watch stops at its next call to it); its push subscriptions are removed, and its stored meetings and sync cursors are deleted (the counts are printed). The record stays as deactivated; "hcal users activate" brings it back (it is then synced afresh). An address hcal does not know is reported and changes nothing (exit 3).'
  static override examples = [
    '<%= config.bin %> <%= command.id %> jane@acme.com',
    '<%= config.bin %> <%= command.id %> room-1@acme.com joe@acme.com --json',
  ]
  static override args = {
    email: Args.string({description: 'Addresses of users or rooms to deactivate.'}),
  }

  async run(): Promise<UsersDeactivateResult> {
    if (this.positional.length === 0) {
      throw new UsageError('USERS_MISSING', 'Name the users or rooms to deactivate.', {
        suggestions: ['Pass their addresses: "hcal users deactivate jane@acme.com".'],
      })
    }
    const {deactivateUsers} = await import('../../lib/users/deactivate.js')
    const run = await deactivateUsers(await this.store(), this.positional, {signal: this.abort.signal})
    for (const user of run.users) {
      if (!user.found) {
        this.markPartial(`${user.email} is not an activated user or room; nothing changed.`)
        continue
      }
      this.out.success(
        `${user.email} is deactivated (was ${user.previousState ?? 'unknown'}); purged ${user.meetingsPurged} stored meeting${user.meetingsPurged === 1 ? '' : 's'} and ${user.cursorsPurged} sync cursor${user.cursorsPurged === 1 ? '' : 's'}.`,
      )
    }
    return run
  }
}

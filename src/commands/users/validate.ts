import {Args} from '@oclif/core'

import {UsersCommand} from '../../lib/users/command.js'
import type {UsersReport} from '../../lib/users/report.js'

/** `result` of `hcal users validate --json`. */
export type UsersValidateResult = UsersReport

export default class UsersValidate extends UsersCommand<typeof UsersValidate> {
  static override strict = false
  static override summary = 'Validate users and rooms again and move them between states.'
  static override description =
    "Re-checks every activated user and room (or those named) against its calendar system, exactly as activation does: a fixed problem makes it active, a new one puts it in error with a reason code and a fix. A throttled check leaves it pending with the time to retry; an active user stays active when its calendar system is only throttling or unreachable. Deactivated users are not touched. Exit 3 when some are not active, 4 when a connection's credentials failed."
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> jane@acme.com --json',
  ]
  static override args = {
    email: Args.string({description: 'Addresses to validate (default: every activated user and room).'}),
  }

  async run(): Promise<UsersValidateResult> {
    const [{validateUsers}, {normaliseAddress}] = await Promise.all([
      import('../../lib/users/validate.js'),
      import('../../lib/users/address.js'),
    ])
    const store = await this.store()
    const named = this.positional.map((given) => normaliseAddress(given) ?? given.trim().toLowerCase())
    const users = named.length === 0 ? store.users.list().filter((user) => user.state !== 'deactivated') : []
    for (const address of new Set(named)) {
      const user = store.users.get(address)
      if (!user)
        this.markPartial(
          `${address} is not an activated user or room; activate it with "hcal users activate ${address}".`,
        )
      else if (user.state === 'deactivated') {
        this.markPartial(`${address} is deactivated; activate it again with "hcal users activate ${address}".`)
      } else users.push(user)
    }
    if (users.length === 0 && named.length === 0) {
      this.out.info('No users or rooms to validate. Activate some with "hcal users activate EMAIL...".')
      return this.finish([])
    }
    const {context, done} = await this.validationContext('validating')
    try {
      const run = await validateUsers(users, context)
      done()
      return this.finish(
        users.flatMap((user) => run.entries.get(user.email) ?? []),
        run.connectionFailures,
        run.notes,
      )
    } finally {
      done()
    }
  }
}

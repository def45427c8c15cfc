import {Args, Flags} from '@oclif/core'

import {UsageError} from '../../lib/errors.js'
import {UsersCommand} from '../../lib/users/command.js'
import type {UsersReport} from '../../lib/users/report.js'

/** `result` of `hcal users activate --json`. */
export type UsersActivateResult = UsersReport

export default class UsersActivate extends UsersCommand<typeof UsersActivate> {
  static override strict = false
  static override summary = 'Activate users and rooms, then validate each against its calendar system.'
  static override description =
    'Records each address (its calendar system follows from its verified domain, see "hcal domains list") as pending, then proves it: the address is in a verified domain, the mailbox exists under it (an alias is resolved to its primary address and reported), and hcal really can read its calendar and settings and write to it. Only active users and rooms are ever synced. Idempotent: an active user activated again as before is left as it is. A CSV file (--file) may be an export from the admin consoles: the address is read from the column email, mail, userPrincipalName or PrimarySmtpAddress; optional columns type (user or room) and device. Bad rows are reported by line number and the good ones processed. Exit 3 when some are not active (each row says why: ADDRESS_INVALID, DOMAIN_NOT_VERIFIED, MAILBOX_NOT_FOUND, USER_SUSPENDED, DELEGATION_SCOPE_MISSING, CONSENT_MISSING, ROLE_MISSING, OUT_OF_MAILBOX_SCOPE, IMPERSONATION_DENIED, NOT_A_CALENDAR_USER, THROTTLED, PROVIDER_UNREACHABLE), 4 when a connection\'s credentials failed.'
  static override examples = [
    '<%= config.bin %> <%= command.id %> jane@acme.com joe@acme.com',
    '<%= config.bin %> <%= command.id %> board-room@acme.com --room --device board-room@acme.rooms.webex.com',
    '<%= config.bin %> <%= command.id %> --file users.csv --json',
  ]
  static override args = {
    email: Args.string({description: 'Addresses of users (or rooms, with --room) to activate.'}),
  }
  static override flags = {
    file: Flags.string({
      summary: 'CSV file of users (header row: email/mail/userPrincipalName/PrimarySmtpAddress, type, device).',
    }),
    room: Flags.boolean({summary: 'The addresses are rooms (CSV rows without a type column too).'}),
    device: Flags.string({
      summary: "The room's video device (SIP address or device id) that gets its Join buttons.",
      dependsOn: ['room'],
      helpValue: 'SIP_OR_ID',
    }),
  }

  async run(): Promise<UsersActivateResult> {
    const addresses = this.positional
    const {file, room, device} = this.flags
    if (addresses.length === 0 && !file) {
      throw new UsageError('USERS_MISSING', 'Name the users or rooms to activate.', {
        suggestions: ['Pass addresses ("hcal users activate jane@acme.com") or a CSV file (--file users.csv).'],
      })
    }
    if (device && (addresses.length !== 1 || file)) {
      throw new UsageError(
        'DEVICE_NEEDS_ONE_ROOM',
        '--device names the device of one room, but several addresses were given.',
        {
          suggestions: ['Activate one room per command with --device, or put a device column in the CSV file.'],
        },
      )
    }
    const kind = room ? 'room' : 'user'
    const targets = addresses.map((address) => ({address, kind, ...(device ? {device} : {})}) as const)
    if (file) {
      const [{readInputFile}, {parseUsersCsv}] = await Promise.all([
        import('../../lib/files/input-file.js'),
        import('../../lib/users/csv.js'),
      ])
      const csv = parseUsersCsv(await readInputFile(file, this.abort.signal), file)
      for (const problem of csv.problems)
        this.markPartial(`${file} line ${problem.line}: ${problem.problem}; row skipped.`)
      for (const row of csv.targets) {
        targets.push({address: row.address, kind: row.kind ?? kind, ...(row.device ? {device: row.device} : {})})
      }
    }
    const {activateUsers} = await import('../../lib/users/activate.js')
    const {context, done} = await this.validationContext('activating')
    try {
      const run = await activateUsers(targets, context)
      done()
      return this.finish(run.entries, run.connectionFailures, run.notes)
    } finally {
      done()
    }
  }
}

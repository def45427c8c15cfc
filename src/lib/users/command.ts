/**
 * What the `hcal users` commands share: the validation context for the profile, the users table, and how a
 * run ends (exit 3 when some users or rooms are not active, 4 when a connection's credentials failed).
 */
import type {Command} from '@oclif/core'

import {BaseCommand} from '../cli/base-command.js'
import {progressBar} from '../cli/progress.js'
import {requireProfile} from '../config/profiles.js'
import {ExitCode} from '../errors.js'
import type {StoredUser} from '../store/types.js'
import type {UserEntry, UsersReport} from './report.js'
import {report} from './report.js'
import type {ConnectionFailure, ValidationContext} from './validate.js'

export abstract class UsersCommand<T extends typeof Command> extends BaseCommand<T> {
  static override profileNeed = 'existing' as const

  /** The context a validation run needs, with a progress bar on a terminal. */
  protected async validationContext(label: string): Promise<{context: ValidationContext; done(): void}> {
    const bar = progressBar(label, {enabled: !this.jsonEnabled()})
    return {
      context: {
        profile: await requireProfile(this.profileName),
        store: await this.store(),
        secrets: await this.secrets(),
        signal: this.abort.signal,
        onProgress: (done, total) => bar.update(done, total),
      },
      done: () => bar.stop(),
    }
  }

  /** Prints the table and the summary, marks failures; returns the JSON contract. */
  protected finish(entries: UserEntry[], failures: ConnectionFailure[] = [], notes: string[] = []): UsersReport {
    const result = report(entries)
    for (const note of notes) this.out.info(note)
    if (!this.jsonEnabled() && entries.length > 0) this.renderEntries(entries)
    const {active, error, pending, deactivated} = result.summary
    this.out.info(
      `${active} active, ${error} error, ${pending} pending${deactivated ? `, ${deactivated} deactivated` : ''}.`,
    )
    for (const failure of failures) {
      this.markPartial(
        `${failure.provider}: ${failure.users} not validated: ${failure.error.message} ${failure.error.suggestions.join(' ')}`.trim(),
        failure.error.exitCode === ExitCode.auth ? ExitCode.auth : ExitCode.partial,
      )
    }
    if (error + pending > 0) {
      this.markPartial(`${error + pending} of ${entries.length} not active: each row says why and what fixes it.`)
    }
    return result
  }

  protected renderEntries(entries: UserEntry[], stored?: Map<string, StoredUser>): void {
    this.out.table(
      entries.map((entry) => {
        const user = stored?.get(entry.email)
        return {
          ...entry,
          address: user?.primaryEmail ? `${entry.email} (alias of ${user.primaryEmail})` : entry.email,
          validated: user?.validatedAt ?? '',
          synced: user?.syncedAt ?? '',
          why: entry.reasonCode
            ? `${entry.reasonCode}: ${entry.reason ?? ''}${entry.fix ? ` Fix: ${entry.fix}` : ''}`
            : '',
        }
      }),
      [
        {key: 'address', header: 'Address'},
        {key: 'kind', header: 'Kind'},
        {key: 'provider', header: 'Provider', format: (v) => (v as string | null) ?? '-'},
        {key: 'state', header: 'State'},
        {key: 'why', header: 'Reason'},
        ...(stored
          ? [
              {key: 'validated' as const, header: 'Last validated'},
              {key: 'synced' as const, header: 'Last synced'},
            ]
          : []),
      ],
    )
  }
}

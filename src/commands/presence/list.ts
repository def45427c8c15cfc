import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {PRESENCE_COLUMNS, type PresenceEntry, presenceEntries} from '../../lib/presence/entries.js'

export type {PresenceEntry} from '../../lib/presence/entries.js'

/** `result` of `hcal presence list --json`. */
export interface PresenceListResult {
  presence: PresenceEntry[]
}

export default class PresenceList extends BaseCommand<typeof PresenceList> {
  static override profileNeed = 'existing' as const
  static override summary = 'Show out-of-office state per user, as the last sync read it.'
  static override description =
    'For each synced user: out-of-office state (off, on, or scheduled with its window), whether that means out of office now, where it was read (Gmail vacation responder, Graph automatic replies, EWS OOF settings) and when. Reads the state store only; "hcal sync" refreshes it.'
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --user jane@acme.com --json',
  ]
  static override flags = {
    user: Flags.string({summary: 'Only this user (repeatable).', multiple: true}),
  }

  async run(): Promise<PresenceListResult> {
    const store = await this.store()
    const named = new Set((this.flags.user ?? []).map((email) => email.trim().toLowerCase()))
    const presence = presenceEntries(store, named)
    for (const email of named) {
      if (!presence.some((entry) => entry.email === email)) {
        this.out.warn(
          `No presence stored for ${email}: it is not an active user, or "hcal sync" has not run for it yet.`,
        )
      }
    }
    if (!this.jsonEnabled()) {
      if (presence.length === 0) this.out.info('No presence stored yet. Run "hcal sync" to read it.')
      else {
        this.out.table(presence, [
          ...PRESENCE_COLUMNS,
          {key: 'source', header: 'Source'},
          {key: 'checkedAt', header: 'Read at'},
        ])
      }
    }
    return {presence}
  }
}

import {BaseCommand} from '../../lib/cli/base-command.js'
import type {SinkStatus} from '../../lib/publish/manage.js'

export interface PublishListResult {
  sinks: SinkStatus[]
}

export default class PublishList extends BaseCommand<typeof PublishList> {
  static override profileNeed = 'existing' as const
  static override summary = 'List the sinks with their undelivered and failed events.'
  static override description =
    '"Pending" events wait for their next attempt (retried with backoff); "failed" ones were given up after every attempt failed (dead-lettered), with the last error. Removing the sink deletes both.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  async run(): Promise<PublishListResult> {
    const [{requireProfile}, {sinkStatuses}] = await Promise.all([
      import('../../lib/config/profiles.js'),
      import('../../lib/publish/manage.js'),
    ])
    const profile = await requireProfile(this.profileName)
    const configured = profile.publish?.sinks ?? []
    // No sink, no need to open (or create) the store.
    const stats = configured.length === 0 ? [] : (await this.store()).outbox.stats()
    const sinks = sinkStatuses(profile, stats)
    if (sinks.length === 0) {
      this.out.info('No sinks. Add one with "hcal publish add webhook https://...".')
    } else {
      this.out.table(sinks, [
        {key: 'name', header: 'Name'},
        {key: 'url', header: 'URL'},
        {key: 'people', header: 'Titles', format: (v) => (v ? 'yes' : 'no')},
        {key: 'pending', header: 'Pending'},
        {key: 'failed', header: 'Failed'},
        {key: 'lastError', header: 'Last error', format: (v) => (v === null ? '-' : String(v))},
      ])
    }
    return {sinks}
  }
}

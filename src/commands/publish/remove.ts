import {Args} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'

export interface PublishRemoveResult {
  name: string
  url: string
  /** Undelivered events (pending and failed) deleted with the sink. */
  purged: number
  /** False when the keychain held no secret for it (or it comes from the environment). */
  secretDeleted: boolean
}

export default class PublishRemove extends BaseCommand<typeof PublishRemove> {
  static override profileNeed = 'existing' as const
  static override summary = 'Remove a sink, its signing secret and its undelivered events.'
  static override description =
    'Nothing more is queued for it; events not yet delivered are deleted (the count is reported), as is the keychain item publish.<name>.signingSecret.'
  static override examples = ['<%= config.bin %> <%= command.id %> hooks-acme-com']
  static override args = {
    name: Args.string({description: 'Sink name (or its URL), as "hcal publish list" shows.', required: true}),
  }

  async run(): Promise<PublishRemoveResult> {
    const {findSink, removeSink} = await import('../../lib/publish/manage.js')
    const sink = await findSink(this.profileName, this.args.name)
    const removed = await removeSink(this.profileName, sink, await this.store(), await this.secrets())
    this.out.success(
      `Sink "${sink.name}" removed; ${removed.purged} undelivered event${removed.purged === 1 ? '' : 's'} deleted.`,
    )
    return {name: sink.name, url: sink.url, purged: removed.purged, secretDeleted: removed.secretDeleted}
  }
}

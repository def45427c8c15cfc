import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {HcalError} from '../../lib/errors.js'

export interface PublishTestResult {
  name: string
  url: string
  /** The webhook-id of the test event. */
  messageId: string
  /** The receiver's HTTP status; null when it did not answer. */
  status: number | null
  ok: boolean
}

export default class PublishTest extends BaseCommand<typeof PublishTest> {
  static override profileNeed = 'existing' as const
  static override summary = 'Send a signed test event to a sink and report what the receiver answered.'
  static override description =
    'Posts {"type": "hcal.test"} signed like every event, straight to the receiver (not through the outbox). A 2xx answer is success; anything else fails with SINK_TEST_FAILED (exit 1) and the status or connection error.'
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> hooks-acme-com --json',
  ]
  static override args = {
    name: Args.string({description: 'Sink name or URL; may be left out when there is one sink.'}),
  }
  static override flags = {
    timeout: Flags.integer({summary: 'Seconds to wait for the answer.', default: 10, min: 1, max: 120}),
  }

  async run(): Promise<PublishTestResult> {
    const [{requireProfile}, {findSink, testSink}] = await Promise.all([
      import('../../lib/config/profiles.js'),
      import('../../lib/publish/manage.js'),
    ])
    const sink = await findSink(this.profileName, this.args.name)
    const profile = await requireProfile(this.profileName)
    const attempt = await testSink(sink, profile, await this.secrets(), this.flags.timeout * 1000)
    const result = {
      name: sink.name,
      url: sink.url,
      messageId: attempt.messageId,
      status: attempt.status,
      ok: attempt.ok,
    }
    if (!attempt.ok) {
      throw new HcalError(
        'SINK_TEST_FAILED',
        `The receiver at ${sink.url} did not accept the test event: ${attempt.error ?? 'no answer'}.`,
        {
          suggestions: [
            attempt.status === 401 || attempt.status === 403
              ? `The receiver refused the signature: give it the secret publish.${sink.name}.signingSecret holds, or store the receiver's with "hcal secrets set publish.${sink.name}.signingSecret --stdin".`
              : 'Check that the receiver runs and answers 2xx to POST requests at that URL (and that its certificate is trusted: caFile in the profile).',
          ],
          data: result,
        },
      )
    }
    this.out.success(`The receiver at ${sink.url} answered ${attempt.status ?? ''} to test event ${attempt.messageId}.`)
    return result
  }
}

import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {UsageError} from '../../lib/errors.js'

export interface PublishAddResult {
  name: string
  type: 'webhook'
  url: string
  /** Whether the sink gets meeting titles and invitees (https only). */
  people: boolean
  /** Keychain name of the signing secret (never its value). */
  secretName: string
  /** "generated": hcal made it and showed it once on stderr; "given": read from --stdin or --file. */
  secret: 'generated' | 'given'
}

export default class PublishAdd extends BaseCommand<typeof PublishAdd> {
  static override profileNeed = 'existing' as const
  static override summary = 'Add a webhook sink: hcal posts signed events (meetings, presence, OBTP) to it.'
  static override description =
    'Events are JSON, signed as the Standard Webhooks spec says (webhook-id, webhook-timestamp, webhook-signature). The signing secret (whsec_...) is kept in the keychain as publish.<name>.signingSecret, never in the profile. Without --stdin or --file, hcal generates one and shows it ONCE on stderr (a terminal, or with --show-secret): give it to the receiver. Payloads never carry a meeting body; titles and invitees go only to https sinks. Plain http needs --allow-http (a receiver on this host) and gets neither.'
  static override examples = [
    '<%= config.bin %> <%= command.id %> webhook https://hooks.acme.com/hcal',
    '$ printf %s "$HCAL_WEBHOOK_SECRET" | <%= config.bin %> <%= command.id %> webhook https://hooks.acme.com/hcal --name teams-bridge --stdin',
    '<%= config.bin %> <%= command.id %> webhook http://127.0.0.1:9000/events --allow-http --show-secret',
  ]
  static override args = {
    type: Args.string({description: 'Kind of sink.', options: ['webhook'], required: true}),
    url: Args.string({description: 'Receiver URL (https).', required: true}),
  }
  static override flags = {
    name: Flags.string({summary: 'Sink name (default: from the URL host).', helpValue: 'NAME'}),
    'allow-http': Flags.boolean({summary: 'Accept a plain-http URL (local receiver; it gets no titles or invitees).'}),
    stdin: Flags.boolean({
      summary: "Read the receiver's signing secret (whsec_...) from standard input.",
      exclusive: ['file', 'show-secret'],
    }),
    file: Flags.string({
      summary: 'Read the signing secret from this file.',
      helpValue: 'PATH',
      exclusive: ['stdin', 'show-secret'],
    }),
    'show-secret': Flags.boolean({summary: 'Print the generated secret on stderr even when it is not a terminal.'}),
  }

  async run(): Promise<PublishAddResult> {
    const [{planWebhookSink, addWebhookSink}, {newSigningSecret}, {readSecretInput}, {publishSecretName}] =
      await Promise.all([
        import('../../lib/publish/manage.js'),
        import('../../lib/publish/webhook.js'),
        import('../../lib/secrets/input.js'),
        import('../../lib/secrets/names.js'),
      ])
    const sink = await planWebhookSink(this.profileName, {
      url: this.args.url,
      allowHttp: this.flags['allow-http'],
      ...(this.flags.name === undefined ? {} : {name: this.flags.name}),
    })
    const secretName = publishSecretName(sink.name)
    const given = this.flags.stdin || this.flags.file !== undefined
    const shown = !given && (this.flags['show-secret'] || Boolean(process.stderr.isTTY))
    if (!given && !shown) {
      throw new UsageError(
        'SINK_SECRET_UNSEEN',
        'No signing secret was given, and one generated now could not be shown to anybody.',
        {
          suggestions: [
            'Give the receiver\'s secret: printf %s "$SECRET" | hcal publish add webhook URL --stdin (or --file PATH).',
            'Or pass --show-secret to print the generated secret once on stderr.',
          ],
        },
      )
    }
    const secret = given
      ? await readSecretInput({
          name: secretName,
          stdin: this.flags.stdin,
          file: this.flags.file,
          canPrompt: false,
          promptMessage: 'Signing secret:',
          onWarning: (message) => this.out.warn(message),
          signal: this.abort.signal,
        })
      : newSigningSecret()
    await addWebhookSink(this.profileName, sink, secret, await this.secrets())
    if (shown) {
      // Once, on stderr only (never stdout or the JSON result): the receiver needs it to verify signatures.
      process.stderr.write(`Signing secret for "${sink.name}" (shown once; give it to the receiver):\n${secret}\n`)
    }
    const people = new URL(sink.url).protocol === 'https:'
    this.out.success(
      `Sink "${sink.name}" added: events go to ${sink.url}${people ? '' : ' without titles or invitees (plain http)'}.`,
    )
    this.out.info(`Check it with "hcal publish test ${sink.name}".`)
    return {name: sink.name, type: 'webhook', url: sink.url, people, secretName, secret: given ? 'given' : 'generated'}
  }
}

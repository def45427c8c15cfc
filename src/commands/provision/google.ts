import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {UsageError} from '../../lib/errors.js'
import {GOOGLE_KEY_SECRET} from '../../lib/providers/google/key.js'
import type {GoogleProvisioning} from '../../lib/providers/google/provisioning/provision.js'
import {readSecretInput} from '../../lib/secrets/input.js'

export interface ProvisionGoogleResult extends GoogleProvisioning {
  /** Whether --copy put the delegation details on the clipboard; null without --copy. */
  copied: boolean | null
}

export default class ProvisionGoogle extends BaseCommand<typeof ProvisionGoogle> {
  static override flags = {
    'key-file': Flags.string({
      summary: 'The service-account key JSON downloaded from the Cloud console.',
      helpValue: 'PATH',
      exclusive: ['key-stdin'],
    }),
    'key-stdin': Flags.boolean({summary: 'Read the key JSON from standard input (piped).', exclusive: ['key-file']}),
    domain: Flags.string({
      summary: 'The Workspace primary domain (default: from the profile or --test-user).',
      helpValue: 'DOMAIN',
    }),
    'test-user': Flags.string({
      summary: 'Prove delegation as this user: a token per scope, then calendar settings and Gmail vacation.',
      helpValue: 'EMAIL',
    }),
    copy: Flags.boolean({summary: 'Put the client ID, scopes and deep link on the clipboard, when there is one.'}),
  }
  static override summary = 'Set up the Google Workspace connection: store the key, print what to authorise, prove it.'
  static override description = [
    'Stores the service-account key in the keychain (never in the profile) and records the client ID, client email and Workspace domain in the profile.',
    "Prints what a super admin pastes under Admin console > Security > Access and data control > API controls > Domain-wide delegation: the client ID, the comma-separated scopes, and a pre-filled link that replaces the client's scope list with the whole list.",
    "With --test-user it proves delegation: a token per scope (PASS/FAIL each), the user's calendar settings and Gmail vacation settings, and the clock against Google's; each failure names its cause and fix (exit 4).",
    'Run again with the same key: "already configured" (exit 0). A different key replaces the stored one.',
  ].join('\n\n')
  static override examples = [
    '<%= config.bin %> <%= command.id %> --key-file ./service-account.json --domain example.com',
    '<%= config.bin %> <%= command.id %> --key-file ./service-account.json --test-user alice@example.com --copy',
    '$ cat service-account.json | <%= config.bin %> <%= command.id %> --key-stdin --test-user alice@example.com --json',
  ]

  async run(): Promise<ProvisionGoogleResult> {
    const {flags} = this
    if (!flags['key-file'] && !flags['key-stdin']) {
      throw new UsageError('MISSING_FLAG', 'Pass the service-account key with --key-file PATH or --key-stdin.', {
        suggestions: [
          'Download a JSON key (Cloud console > IAM & Admin > Service accounts > Keys > Add key > JSON) and pass --key-file PATH.',
        ],
      })
    }
    const keyJson = await readSecretInput({
      name: GOOGLE_KEY_SECRET,
      stdin: flags['key-stdin'],
      file: flags['key-file'],
      canPrompt: false,
      promptMessage: '',
      onWarning: (message) => this.out.warn(message),
      signal: this.abort.signal,
    })
    const {provisionGoogle} = await import('../../lib/providers/google/provisioning/provision.js')
    const result = await provisionGoogle({
      profile: this.profileName,
      keyJson,
      ...(flags.domain ? {domain: flags.domain} : {}),
      ...(flags['test-user'] ? {testUser: flags['test-user']} : {}),
      secrets: await this.secrets(),
    })
    const {reportProvisioning} = await import('../../lib/providers/google/provisioning/report.js')
    return {...result, copied: await reportProvisioning(this.out, result, {copy: flags.copy})}
  }
}

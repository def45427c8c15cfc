import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {isHcalError, UsageError} from '../../lib/errors.js'
import {CLOUD_IDS} from '../../lib/providers/microsoft/provisioning/clouds.js'
import type {MicrosoftCredentialInput} from '../../lib/providers/microsoft/provisioning/credential.js'
import {PORTAL} from '../../lib/providers/microsoft/provisioning/portal.js'
import type {MicrosoftProvisioningResult} from '../../lib/providers/microsoft/provisioning/provision.js'
import type {ProofCheck} from '../../lib/provisioning/checks.js'
import {printProofChecks} from '../../lib/provisioning/report.js'
import {readSecretInput} from '../../lib/secrets/input.js'

export type ProvisionMicrosoftResult = MicrosoftProvisioningResult

const CREDENTIAL_FLAGS = ['certificate', 'client-secret-file', 'client-secret-stdin'] as const

export default class ProvisionMicrosoft extends BaseCommand<typeof ProvisionMicrosoft> {
  static override summary =
    'Connect a Microsoft 365 tenant: store the app credential, get admin consent, prove the app can read calendars.'
  static override description = [
    'Uses an Entra app registration with the Microsoft Graph application permissions Calendars.ReadWrite and MailboxSettings.ReadWrite. ' +
      'The credential is a certificate (--certificate, a PEM holding the private key and the certificate: what Microsoft recommends) or a client secret (--client-secret-file, --client-secret-stdin, or a hidden prompt); it goes to the OS keychain, never into the profile.',
    `Admin consent: hcal prints the tenant's admin-consent URL on stderr (and opens a browser when interactive), listens on a localhost port for Entra's redirect and checks its state. Register ${PORTAL.consentRedirect} as a Web redirect URI of the app (${PORTAL.authentication}) first; Entra ignores the port. --skip-consent when consent was already granted.`,
    'Proof: a client-credentials token whose roles include both permissions, then, with --test-user, that mailbox’s calendar and mailbox settings read through Graph; plus clock skew and the credential’s expiry. A tenant in a national cloud is refused unless --cloud names it.',
    'Running it again with the same app and credential reports "already configured" and re-runs the proof. Exit codes: 0 proven, 2 bad flags or a national cloud without --cloud, 4 a credential, consent or role failure (the fix is printed), 1 anything else.',
  ].join('\n\n')
  static override examples = [
    '<%= config.bin %> <%= command.id %> --tenant contoso.onmicrosoft.com --client-id 6f1e4a4b-2d0c-4c7e-9d35-0a3c1f2b7e11 --certificate ./hcal-app.pem --test-user room1@contoso.com',
    '$ printf %s "$CLIENT_SECRET" | <%= config.bin %> <%= command.id %> --tenant contoso.onmicrosoft.com --client-id 6f1e4a4b-2d0c-4c7e-9d35-0a3c1f2b7e11 --client-secret-stdin --client-secret-expires 2027-06-30 --no-browser',
    '<%= config.bin %> <%= command.id %> --tenant contoso.onmicrosoft.us --client-id 6f1e4a4b-2d0c-4c7e-9d35-0a3c1f2b7e11 --certificate ./hcal-app.pem --cloud usgov --skip-consent --json',
  ]
  static override flags = {
    tenant: Flags.string({
      summary: 'The tenant: its Directory (tenant) ID or a verified domain.',
      helpValue: 'ID|DOMAIN',
    }),
    'client-id': Flags.string({
      summary: "The app registration's Application (client) ID.",
      helpValue: 'GUID',
    }),
    certificate: Flags.string({
      summary: 'PEM file holding the unencrypted private key and its certificate (recommended).',
      helpValue: 'PATH',
      exclusive: ['client-secret-file', 'client-secret-stdin'],
    }),
    'client-secret-file': Flags.string({
      summary: "Read the client secret's value from this file.",
      helpValue: 'PATH',
      exclusive: ['certificate', 'client-secret-stdin'],
    }),
    'client-secret-stdin': Flags.boolean({
      summary: "Read the client secret's value from standard input (piped).",
      exclusive: ['certificate', 'client-secret-file'],
    }),
    'client-secret-expires': Flags.string({
      summary: "The client secret's Expires date from the portal (recorded; the token endpoint never tells it).",
      helpValue: 'DATE',
      exclusive: ['certificate'],
    }),
    cloud: Flags.option({
      summary: 'The Microsoft cloud of the tenant; default the worldwide one (global).',
      options: CLOUD_IDS,
    })(),
    'test-user': Flags.string({
      summary: 'A mailbox whose calendar and mailbox settings prove access (kept as the test mailbox).',
      helpValue: 'EMAIL',
    }),
    'skip-consent': Flags.boolean({summary: 'Consent was already granted: do not ask for it.'}),
    'no-browser': Flags.boolean({summary: 'Only print the consent URL; never open a browser.'}),
    'consent-timeout': Flags.integer({
      summary: 'Seconds to wait for the admin to answer the consent prompt.',
      default: 300,
      min: 1,
      max: 3600,
    }),
  }

  async run(): Promise<ProvisionMicrosoftResult> {
    const {flags} = this
    const ask = async (message: string) =>
      (await import('@inquirer/prompts')).input({message}, {output: process.stderr})
    const tenant = await this.requireInput('tenant', flags.tenant, () => ask('Tenant (ID or verified domain):'))
    const clientId = await this.requireInput('client-id', flags['client-id'], () => ask('Application (client) ID:'))
    const credential = await this.readCredential()
    const [{provisionMicrosoft}, {parseExpiry}] = await Promise.all([
      import('../../lib/providers/microsoft/provisioning/provision.js'),
      import('../../lib/providers/microsoft/provisioning/credential.js'),
    ])
    if (credential.kind === 'secret' && flags['client-secret-expires']) {
      credential.expiresAt = parseExpiry(flags['client-secret-expires'], '--client-secret-expires')
    }
    let result: ProvisionMicrosoftResult
    try {
      result = await provisionMicrosoft(
        {
          profile: this.profileName,
          tenant,
          clientId,
          credential,
          cloud: flags.cloud,
          testUser: flags['test-user'],
          consent: flags['skip-consent'] ? 'skip' : 'ask',
          consentTimeoutMs: flags['consent-timeout'] * 1000,
          openBrowser: this.canPrompt() && !flags['no-browser'],
          signal: this.abort.signal,
        },
        {
          secrets: await this.secrets(),
          onConsentUrl: (url) => {
            // On stderr in every mode (--json too): the admin, or a script acting as the browser, needs it.
            process.stderr.write(
              `Open this URL signed in as a Global Administrator or Privileged Role Administrator to grant admin consent ` +
                `(waiting ${flags['consent-timeout']} s):\n${url}\n`,
            )
          },
        },
      )
    } catch (error) {
      const checks = isHcalError(error) ? (error.data?.checks as ProofCheck[] | undefined) : undefined
      if (checks) printProofChecks(this.out, checks)
      throw error
    }
    printProofChecks(this.out, result.checks)
    const app = `tenant ${result.tenantId}, app ${result.clientId}`
    this.out.success(
      result.alreadyConfigured
        ? `Microsoft 365 is already configured for profile "${result.profile}" (${app}); the proof passed again.`
        : `Microsoft 365 is configured for profile "${result.profile}" (${app}, ${result.auth === 'certificate' ? 'certificate' : 'client secret'} in the keychain).`,
    )
    return result
  }

  /** The certificate file or the client secret (file, pipe, prompt); never a flag value. */
  private async readCredential(): Promise<MicrosoftCredentialInput> {
    const {flags} = this
    if (flags.certificate !== undefined) {
      const pem = await readSecretInput({
        name: 'microsoft.certificateKey',
        file: flags.certificate,
        canPrompt: false,
        promptMessage: '',
        onWarning: (message) => this.out.warn(message),
        signal: this.abort.signal,
      })
      return {kind: 'certificate', pem}
    }
    if (!flags['client-secret-stdin'] && flags['client-secret-file'] === undefined && !this.canPrompt()) {
      throw new UsageError('MICROSOFT_CREDENTIAL_MISSING', 'No app credential given, and hcal cannot prompt here.', {
        suggestions: [
          `Pass ${CREDENTIAL_FLAGS.map((flag) => `--${flag}`).join(', ')}: --certificate app.pem (recommended), or the secret piped in with --client-secret-stdin.`,
        ],
      })
    }
    const value = await readSecretInput({
      name: 'microsoft.clientSecret',
      stdin: flags['client-secret-stdin'],
      file: flags['client-secret-file'],
      canPrompt: this.canPrompt(),
      promptMessage: 'Client secret (its Value, not its Secret ID; hidden):',
      onWarning: (message) => this.out.warn(message),
      signal: this.abort.signal,
    })
    return {kind: 'secret', value}
  }
}

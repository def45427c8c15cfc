import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {UsageError} from '../../lib/errors.js'
import {checkEwsUrl} from '../../lib/providers/exchange/provisioning/endpoint-url.js'
import type {ExchangeProvisioningResult} from '../../lib/providers/exchange/provisioning/provision.js'
import {printProofChecks, proofFailure} from '../../lib/provisioning/report.js'
import {readSecretInput} from '../../lib/secrets/input.js'

export type ProvisionExchangeResult = ExchangeProvisioningResult

export default class ProvisionExchange extends BaseCommand<typeof ProvisionExchange> {
  static override profileNeed = 'none' as const
  static override summary = 'Connect on-premises Exchange (EWS with an impersonation account) and prove it works.'
  static override description = [
    "Finds EWS (--ews-url, or --autodiscover with a mailbox address), then checks in order: tls (TLS and reachability), credentials, convert-id (ConvertId connectivity), server-version (warns when Microsoft no longer supports the release; Exchange Server SE is current) and impersonation (GetFolder of --test-user's calendar). A check after a blocking failure is skipped. ErrorImpersonateUserDenied is answered with the New-ManagementRoleAssignment command that grants ApplicationImpersonation (scoped with --management-scope).",
    'The password is read from --password-file, --password-stdin or a hidden prompt, never from a flag value, and stored in the keychain (exchange.password); the profile gets the connection, the CA (--ca-file) and the provisioning record. Nothing is saved when a check fails. Re-running with the same settings and password reports "already configured".',
    'Exit codes: 0 configured (warnings allowed), 1 unreachable or TLS failure, 2 usage (e.g. an http URL without --allow-insecure-http), 4 credentials or impersonation refused.',
  ].join('\n\n')
  static override examples = [
    '$ printf %s "$EWS_PASSWORD" | <%= config.bin %> <%= command.id %> --ews-url https://mail.contoso.com/EWS/Exchange.asmx --username "CONTOSO\\svc-hcal" --password-stdin --test-user alice@contoso.com',
    '<%= config.bin %> <%= command.id %> --autodiscover alice@contoso.com --username svc-hcal@contoso.com --auth ntlm --ca-file ./contoso-root-ca.pem',
    '<%= config.bin %> <%= command.id %> --ews-url https://mail.contoso.com/EWS/Exchange.asmx --username "CONTOSO\\svc-hcal" --password-file ./ews.pw --test-user alice@contoso.com --management-scope "Calendar users" --json',
  ]
  static override flags = {
    'ews-url': Flags.string({
      summary: 'The EWS endpoint, https://<server>/EWS/Exchange.asmx.',
      helpValue: 'URL',
      exactlyOne: ['ews-url', 'autodiscover'],
    }),
    autodiscover: Flags.string({
      summary: 'Find the EWS URL with Autodiscover for this mailbox address (also the default --test-user).',
      helpValue: 'EMAIL',
      exactlyOne: ['ews-url', 'autodiscover'],
    }),
    username: Flags.string({
      summary: 'The impersonation (service) account: DOMAIN\\user or user@domain.',
      required: true,
    }),
    'password-file': Flags.string({
      summary: "Read the service account's password from this file.",
      helpValue: 'PATH',
      exclusive: ['password-stdin'],
    }),
    'password-stdin': Flags.boolean({
      summary: "Read the service account's password from standard input (piped).",
      exclusive: ['password-file'],
    }),
    auth: Flags.option({
      options: ['basic', 'ntlm'] as const,
      summary: "How the account signs in (default: the profile's, else basic).",
    })(),
    'ca-file': Flags.string({
      summary: "PEM of the CA that issued Exchange's certificate (a private CA); the profile trusts it from then on.",
      helpValue: 'PATH',
    }),
    'allow-insecure-http': Flags.boolean({
      summary: 'Accept a plain http EWS URL (the password crosses the network unencrypted): isolated labs only.',
    }),
    'test-user': Flags.string({
      summary: "A mailbox to prove impersonation with (default: the --autodiscover address, else the profile's).",
      helpValue: 'EMAIL',
    }),
    'management-scope': Flags.string({
      summary: 'The management scope that limits the impersonation assignment (New-ManagementScope).',
      helpValue: 'NAME',
    }),
  }

  async run(): Promise<ProvisionExchangeResult> {
    const {flags} = this
    // A URL that cannot be used fails before anyone is asked for a password.
    if (flags['ews-url'] !== undefined) checkEwsUrl(flags['ews-url'], flags['allow-insecure-http'], '--ews-url')
    const password = await readSecretInput({
      name: 'exchange.password',
      stdin: flags['password-stdin'],
      file: flags['password-file'],
      canPrompt: this.canPrompt(),
      promptMessage: `Password of ${flags.username} (hidden):`,
      onWarning: (message) => this.out.warn(message),
      signal: this.abort.signal,
    }).catch((error: unknown) => {
      throw passwordInputError(error)
    })
    const {provisionExchange} = await import('../../lib/providers/exchange/provisioning/provision.js')
    const result = await provisionExchange({
      profile: this.profileName,
      secrets: await this.secrets(),
      ...(flags['ews-url'] === undefined ? {} : {ewsUrl: flags['ews-url']}),
      ...(flags.autodiscover === undefined ? {} : {autodiscoverEmail: flags.autodiscover}),
      username: flags.username,
      password,
      ...(flags.auth ? {auth: flags.auth} : {}),
      ...(flags['ca-file'] === undefined ? {} : {caFile: flags['ca-file']}),
      allowInsecureHttp: flags['allow-insecure-http'],
      ...(flags['test-user'] === undefined ? {} : {testMailbox: flags['test-user']}),
      ...(flags['management-scope'] === undefined ? {} : {managementScope: flags['management-scope']}),
      signal: this.abort.signal,
      onWarning: (message) => this.out.warn(message),
    })
    printProofChecks(this.out, result.checks)
    const failure = proofFailure('Exchange provisioning', result.checks, 'EXCHANGE_PROVISIONING_FAILED')
    if (failure) throw failure
    this.out.success(summary(result))
    return result
  }
}

function summary(result: ProvisionExchangeResult): string {
  const where = `${result.ewsUrl} as ${result.username}`
  if (result.state === 'unchanged')
    return `Already configured: ${where} in profile "${result.profile}"; nothing changed.`
  if (result.state === 'updated')
    return `Updated ${result.changes.join(', ')}: ${where} in profile "${result.profile}".`
  return `Configured ${where} in profile "${result.profile}"; the password is in the keychain (exchange.password).`
}

/** readSecretInput names its own flags (--stdin, --file); here they are --password-stdin and --password-file. */
function passwordInputError(error: unknown): unknown {
  if (!(error instanceof UsageError)) return error
  const rename = (text: string) =>
    text
      .replace(/--stdin\b/g, '--password-stdin')
      .replace(/--file\b/g, '--password-file')
      .replace(/hcal secrets set exchange\.password/g, 'hcal provision exchange')
  return new UsageError(error.code, rename(error.message), {
    cause: error.cause,
    suggestions: error.suggestions.map(rename),
  })
}

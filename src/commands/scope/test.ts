import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {type ProfileConfig, readProfileDocument} from '../../lib/config/profiles.js'
import type {ProviderId} from '../../lib/core/model.js'
import {recordScopeTest, scopeRecordOf} from '../../lib/scope/record.js'
import {PROVIDER_IDS, PROVIDERS} from '../../lib/providers/registry.js'
import {chooseModule, scopeConnection} from '../../lib/scope/connection.js'
import {type MailboxOutcome, testMailboxScope} from '../../lib/scope/test.js'

/** `result` of `hcal scope test --json`: what the app's real access reached, per mailbox. */
export interface ScopeTestResult {
  provider: string
  /** False for a calendar system with no per-mailbox scope (Google Workspace): nothing to test. */
  supported: boolean
  /** True when the in-scope mailbox was readable and the out-of-scope one denied; null when unsupported. */
  passed: boolean | null
  /** The in-scope mailbox, then the out-of-scope one (on failure, in the error's `data.mailboxes`). */
  mailboxes: MailboxOutcome[]
  /** Why there is nothing to test, and what limits hcal instead (unsupported systems only). */
  reason: string | null
  control: string | null
}

export default class ScopeTest extends BaseCommand<typeof ScopeTest> {
  static override profileNeed = 'existing' as const
  static override summary = 'Prove the mailbox scope: one mailbox readable, the canary denied.'
  static override description =
    'Acts as the app (Microsoft 365: its client credentials over Graph) or the service account (Exchange: impersonation over EWS) exactly as hcal does, and reads the calendar of an in-scope mailbox and of an out-of-scope canary. Passes only when the first is readable AND the second is denied; otherwise exits 4 and says why (no scope, a tenant-wide grant or an unscoped assignment that overrides it, a scope that does not include the mailbox, or one still propagating). Google Workspace has no per-mailbox scope: the answer says so and names user activation as the control.'
  static override examples = [
    '<%= config.bin %> <%= command.id %> --in alice@acme.com --out canary@acme.com',
    '<%= config.bin %> <%= command.id %> --provider exchange --in alice@acme.com --out canary@acme.com --json',
  ]
  static override flags = {
    in: Flags.string({summary: 'A mailbox inside the scope: must be readable.', required: true, helpValue: 'EMAIL'}),
    out: Flags.string({
      summary: 'A canary mailbox outside the scope: must be denied.',
      required: true,
      helpValue: 'EMAIL',
    }),
    provider: Flags.option({
      summary: 'The calendar system (default: the one the profile configures).',
      options: PROVIDER_IDS,
    })(),
  }

  async run(): Promise<ScopeTestResult> {
    const document = (await readProfileDocument(this.profileName)) ?? {}
    const module = chooseModule(document, PROVIDERS, this.flags.provider)
    const base = {provider: module.id, mailboxes: [], reason: null, control: null}
    if (module.scope.kind === 'none') {
      if (!this.jsonEnabled()) this.out.data(`${module.scope.reason}\n${module.scope.control}`)
      return {...base, supported: false, passed: null, reason: module.scope.reason, control: module.scope.control}
    }
    const target = await scopeConnection(document, this.profileName, module)
    const secrets = await this.secrets()
    const id = module.id as ProviderId
    const now = new Date()
    this.out.info(`Reading ${this.flags.in} and ${this.flags.out} as the ${module.displayName} app does…`)
    const report = await testMailboxScope({
      module,
      target,
      secret: (name) => secrets.get(name),
      in: this.flags.in,
      out: this.flags.out,
      scopeChangedAt: scopeRecordOf(document as ProfileConfig, id)?.scriptAt ?? undefined,
      now,
    })
    if (!report.supported) throw new Error('unreachable: a system with a scope answered without one')
    // The outcome is remembered for "hcal provision status", passed or not.
    await recordScopeTest(this.profileName, id, {
      at: now.toISOString(),
      passed: report.passed,
      in: this.flags.in,
      out: this.flags.out,
      code: report.passed ? null : report.failure.code,
    })
    if (!report.passed) throw report.failure
    const {mailboxes} = report
    this.out.table(mailboxes, [
      {key: 'mailbox', header: 'Mailbox'},
      {key: 'role', header: 'Scope'},
      {key: 'expected', header: 'Expected'},
      {key: 'access', header: 'Access'},
      {key: 'passed', header: 'Result', format: (passed) => (passed ? 'PASS' : 'FAIL')},
    ])
    this.out.success(`The scope holds: ${this.flags.in} is readable and ${this.flags.out} is denied.`)
    return {...base, supported: true, passed: true, mailboxes}
  }
}

import {Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {assertWritableFilePath} from '../../lib/cli/file-flags.js'
import {readProfileDocument} from '../../lib/config/profiles.js'
import {PROVIDER_IDS, REGISTRY} from '../../lib/providers/registry.js'
import {planScopeLimit} from '../../lib/scope/limit.js'
import {recordScopeScript} from '../../lib/scope/record.js'
import {writeScriptFile} from '../../lib/scope/script-file.js'

/** `result` of `hcal scope limit --json`: the script that limits hcal to some mailboxes, or why there is none. */
export interface ScopeLimitResult {
  provider: string
  /** False for a calendar system with no per-mailbox scope (Google Workspace): see `reason` and `control`. */
  supported: boolean
  /** 'rbac-for-applications', 'application-access-policy' (legacy) or 'management-scope'; null when unsupported. */
  mechanism: string | null
  /** Where to run the script. */
  shell: string | null
  /** The PowerShell script, also under --output; null when unsupported. */
  script: string | null
  /** The file the script was written to (--output), or null. */
  output: string | null
  /** What defeats the scope or surprises the admin (also printed as warnings and inside the script). */
  cautions: string[]
  /** How long the change takes to apply. */
  propagation: string | null
  /** Why the system has no per-mailbox scope. */
  reason: string | null
  /** What limits hcal instead. */
  control: string | null
}

export default class ScopeLimit extends BaseCommand<typeof ScopeLimit> {
  static override profileNeed = 'existing-if-named' as const
  static override summary = 'Write the PowerShell that limits hcal to some mailboxes.'
  static override description =
    'Microsoft 365: RBAC for Applications (service principal, management scope, the roles "Application Calendars.ReadWrite" and "Application MailboxSettings.ReadWrite", Test-ServicePrincipalAuthorization), or with --legacy an application access policy. Exchange Server: a management scope on the service account’s ApplicationImpersonation assignment. Google Workspace has no per-mailbox scope: the answer says so and names user activation as the control. The app’s client ID and the service account come from the profile, or from --client-id / --service-account. Nothing is changed anywhere: run the script, then prove it with "hcal scope test".'
  static override examples = [
    '<%= config.bin %> <%= command.id %> --provider microsoft --group hcal-users@acme.com --service-principal-object-id 6f1c…',
    `<%= config.bin %> <%= command.id %> --provider microsoft --filter "Department -eq 'Sales'" --output scope.ps1`,
    '<%= config.bin %> <%= command.id %> --provider microsoft --legacy --group hcal-users@acme.com',
    '<%= config.bin %> <%= command.id %> --provider exchange --group "Calendar users" --service-account "ACME\\svc-hcal"',
  ]
  static override flags = {
    provider: Flags.option({summary: 'The calendar system.', options: PROVIDER_IDS, required: true})(),
    group: Flags.string({
      summary: 'Group whose members are in scope (name, address or DN; members of nested groups are not).',
      exclusive: ['filter'],
    }),
    filter: Flags.string({
      summary: 'Recipient filter selecting the mailboxes in scope, e.g. "Department -eq \'Sales\'".',
      exclusive: ['group'],
    }),
    legacy: Flags.boolean({summary: 'Microsoft 365: an application access policy instead (legacy).'}),
    'service-principal-object-id': Flags.string({
      summary: 'Microsoft 365: Object ID of the app’s enterprise application (a placeholder otherwise).',
    }),
    'client-id': Flags.string({summary: 'Microsoft 365: the app’s client ID, when the profile has none.'}),
    'service-account': Flags.string({summary: 'Exchange: the impersonation account, when the profile has none.'}),
    output: Flags.string({summary: 'Write the script to this file instead of stdout.', helpValue: 'FILE'}),
    force: Flags.boolean({summary: 'Replace the --output file if it exists.', dependsOn: ['output']}),
  }

  async run(): Promise<ScopeLimitResult> {
    const {flags} = this
    const module = REGISTRY[flags.provider]
    const document = await readProfileDocument(this.profileName)
    const section = document?.[module.id]
    const plan = planScopeLimit(
      module,
      {
        group: flags.group,
        filter: flags.filter,
        legacy: flags.legacy || undefined,
        servicePrincipalObjectId: flags['service-principal-object-id'],
        clientId: flags['client-id'],
        serviceAccount: flags['service-account'],
      },
      typeof section === 'object' && section !== null ? (section as Record<string, unknown>) : undefined,
    )
    if (!plan.supported) {
      if (!this.jsonEnabled()) this.out.data(`${plan.reason}\n${plan.control}`)
      return {
        provider: module.id,
        supported: false,
        mechanism: null,
        shell: null,
        script: null,
        output: null,
        cautions: [],
        propagation: null,
        reason: plan.reason,
        control: plan.control,
      }
    }
    if (flags.output !== undefined) {
      await assertWritableFilePath(flags.output, 'output')
      await writeScriptFile(flags.output, plan.script, flags.force)
    }
    // "hcal scope test" reads this to tell a scope still propagating from one that does not hold.
    await recordScopeScript(this.profileName, module.id, plan.mechanism, new Date())
    // Under --json the cautions are in the result; repeating them as envelope warnings would say it twice.
    if (!this.jsonEnabled()) for (const caution of plan.warnings) this.out.warn(caution)
    if (flags.output === undefined) this.out.data(plan.script)
    else this.out.success(`Wrote the script to ${flags.output}: run it in ${plan.shell}.`)
    this.out.info(
      `It takes ${plan.propagation} to apply; then prove it with "hcal scope test --provider ${module.id}".`,
    )
    return {
      provider: module.id,
      supported: true,
      mechanism: plan.mechanism,
      shell: plan.shell,
      script: plan.script,
      output: flags.output ?? null,
      cautions: plan.warnings,
      propagation: plan.propagation,
      reason: null,
      control: null,
    }
  }
}

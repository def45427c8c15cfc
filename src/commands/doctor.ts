import {BaseCommand} from '../lib/cli/base-command.js'
import {readProfileDocument} from '../lib/config/profiles.js'
import {type CheckResult, collapseRepeatedFixes, doctorChecks, runChecks} from '../lib/doctor/checks.js'
import {HcalError} from '../lib/errors.js'

export interface DoctorResult {
  profile: string
  ok: boolean
  checks: CheckResult[]
}

export default class Doctor extends BaseCommand<typeof Doctor> {
  static override summary =
    'Check that hcal can run here: Node, config, meeting settings, keychain, state store, and each calendar connection the profile uses.'
  static override description =
    'One smoke check for terminals and CI. Each calendar system the profile configures (or whose secret is set in the environment) adds its checks, named <system>.<check>: connection and credentials, then live ones such as microsoft.token, microsoft.mailbox, microsoft.clock and microsoft.expiry. Exits 0 when every check passes or warns, 1 when any check fails; with --json the checks are in the result (or in error.data.checks on failure), a failed check with its error code. Doctor leaves nothing behind: its keychain probe item is deleted again, and it creates no state store and no data key.'
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --profile sandbox --json',
  ]

  async run(): Promise<DoctorResult> {
    let document: ReturnType<typeof readProfileDocument> | undefined
    const outcomes = await runChecks(doctorChecks(), {
      profile: this.profileName,
      env: process.env,
      profileDocument: () => (document ??= readProfileDocument(this.profileName)),
      secrets: () => this.secrets(),
    })
    const checks = collapseRepeatedFixes(outcomes)
    const c = this.out.color.stdout
    const mark = {pass: c.green('pass'), warn: c.yellow('warn'), fail: c.red('FAIL')}
    this.out.table(checks, [
      {key: 'id', header: 'Check'},
      {key: 'status', header: 'Status', format: (v) => mark[v as CheckResult['status']]},
      {key: 'message', header: 'Message'},
      {key: 'fix', header: 'Fix'},
    ])
    const failed = checks.filter((check) => check.status === 'fail')
    if (failed.length > 0) {
      throw new HcalError(
        'DOCTOR_FAILED',
        `${failed.length} of ${checks.length} checks failed: ${failed.map((f) => f.id).join(', ')}.`,
        {
          // People have just read the Fix column; scripts get each distinct fix once.
          suggestions: this.jsonEnabled()
            ? [...new Set(outcomes.flatMap((o) => (o.status === 'fail' && o.fix ? [o.fix] : [])))]
            : ['Apply the fixes in the Fix column above, then run "hcal doctor" again.'],
          data: {checks},
        },
      )
    }
    return {profile: this.profileName, ok: true, checks}
  }
}

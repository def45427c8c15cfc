import {BaseCommand} from '../lib/cli/base-command.js'
import {type CheckResult, collapseRepeatedFixes, CORE_CHECKS, runChecks} from '../lib/doctor/checks.js'
import {HcalError} from '../lib/errors.js'

export interface DoctorResult {
  profile: string
  ok: boolean
  checks: CheckResult[]
}

export default class Doctor extends BaseCommand<typeof Doctor> {
  static override summary = 'Check that hcal can run here: Node, config, meeting settings, keychain and state store.'
  static override description =
    'One smoke check for terminals and CI. Exits 0 when every check passes or warns, 1 when any check fails; with --json the checks are in the result (or in error.data.checks on failure). Doctor leaves nothing behind: its keychain probe item is deleted again, and it creates no state store and no data key.'
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --profile sandbox --json',
  ]

  async run(): Promise<DoctorResult> {
    const outcomes = await runChecks(CORE_CHECKS, {profile: this.profileName, secrets: () => this.secrets()})
    const checks = collapseRepeatedFixes(outcomes)
    const c = this.out.color.stdout
    const mark = {pass: c.green('pass'), warn: c.yellow('warn'), fail: c.red('FAIL')}
    this.out.table(checks, [
      {key: 'name', header: 'Check'},
      {key: 'status', header: 'Status', format: (v) => mark[v as CheckResult['status']]},
      {key: 'detail', header: 'Detail'},
      {key: 'fix', header: 'Fix'},
    ])
    const failed = checks.filter((check) => check.status === 'fail')
    if (failed.length > 0) {
      throw new HcalError(
        'DOCTOR_FAILED',
        `${failed.length} of ${checks.length} checks failed: ${failed.map((f) => f.name).join(', ')}.`,
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

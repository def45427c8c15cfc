import {BaseCommand} from '../lib/cli/base-command.js'
import {type CheckResult, CORE_CHECKS, runChecks} from '../lib/doctor/checks.js'
import {HcalError} from '../lib/errors.js'

export interface DoctorResult {
  profile: string
  ok: boolean
  checks: CheckResult[]
}

export default class Doctor extends BaseCommand<typeof Doctor> {
  static override summary = 'Check that hcal can run here: Node, config, keychain and state store.'
  static override description =
    'One smoke check for terminals and CI. Exits 0 when every check passes or warns, 1 when any check fails; with --json the checks are in the result (or in error.data.checks on failure).'
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --profile sandbox --json',
  ]

  async run(): Promise<DoctorResult> {
    const checks = await runChecks(CORE_CHECKS, {
      profile: this.profileName,
      secrets: () => this.secrets(),
      store: () => this.store(),
    })
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
          suggestions: failed.map((f) => f.fix ?? `See the "${f.name}" check above.`),
          data: {checks},
        },
      )
    }
    return {profile: this.profileName, ok: true, checks}
  }
}

import {BaseCommand} from '../lib/cli/base-command.js'
import {progressBars} from '../lib/cli/progress.js'
import type {DemoRunResult} from '../demo/result.js'

/** `result` of `hcal demo --json`: every step's outcome, the cleanup and the timings. */
export type DemoResult = DemoRunResult

export default class Demo extends BaseCommand<typeof Demo> {
  static override summary =
    'See hcal do its whole job against local emulators, in one command; it leaves nothing behind.'
  static override description = [
    'Starts the sandbox (emulated Google Workspace, Microsoft 365 and Exchange) in this process, provisions all three from the credentials an admin would be handed (the code of "hcal provision google|microsoft|exchange"), verifies their domains, activates every user and room, syncs, and shows a meeting with a keyword before and after (its join details), a meetings list, the One Button To Push plan, out-of-office presence and a doctor pass; then a user adds a meeting and hcal picks the change up.',
    'No account, tenant or server is needed, and nothing is left behind: the profile, the state store and the CA live in a temporary directory that is removed at the end (also on an error or Ctrl-C), and the throwaway secrets stay in memory: no keychain or Secret Service is used. Exit 0 when every step worked, 130 when interrupted.',
  ].join('\n\n')
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  async run(): Promise<DemoResult> {
    const [{runDemo}, {renderSection, renderEnd}] = await Promise.all([
      import('../demo/run.js'),
      import('../demo/render.js'),
    ])
    this.out.info(
      this.out.color.stderr.bold('hcal demo: provisioning, users, sync, join details, OBTP and presence, all local'),
    )
    // One line of bars per phase (activating, syncing, ...), one bar per calendar system.
    let phase = {label: '', bars: progressBars('', {enabled: false})}
    const bars = {
      update: (label: string, part: string, done: number, total: number) => {
        if (label !== phase.label) {
          phase.bars.stop()
          phase = {label, bars: progressBars(label, {enabled: !this.jsonEnabled()})}
        }
        phase.bars.update(part, done, total)
      },
      stop: () => phase.bars.stop(),
    }
    try {
      const result = await runDemo({
        signal: this.abort.signal,
        onSection: (id, value, ms) => {
          bars.stop()
          renderSection(this.out, id, value, ms)
        },
        onProgress: (label, part, done, total) => bars.update(label, part, done, total),
      })
      renderEnd(this.out, result)
      return result
    } finally {
      bars.stop()
    }
  }
}

import {Command, Errors, Flags, type Interfaces} from '@oclif/core'

import {ExitCode, type ExitCodeValue, UsageError} from '../errors.js'
import {createLogger, LOG_LEVELS, type Logger} from '../log/logger.js'
import type {MeetingSettings} from '../core/settings.js'
import type {SecretStore} from '../secrets/index.js'
import type {StateStore} from '../store/index.js'
import {toHcalError, toUsageError} from './error-mapping.js'
import {interruptedError} from './interrupt.js'
import {Output} from './output.js'
import {guardProfile, type ProfileNeed} from './profile-guard.js'
import {errorEnvelope, humanErrorLines} from './render-error.js'

export type InferredFlags<T extends typeof Command> = Interfaces.InferredFlags<
  (typeof BaseCommand)['baseFlags'] & T['flags']
>
export type InferredArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>

/** The success envelope printed under --json. Errors use {status, error: {code, message, suggestions}}. */
export interface SuccessEnvelope<R> {
  status: number
  result: R
  warnings: string[]
}

/**
 * Every hcal command extends this. It owns what must behave the same everywhere: the --json envelope
 * (also forced by HCAL_CONTENT_TYPE=json), global flags, logging through the redactor, the one place
 * errors become messages and exit codes, prompting rules, and Ctrl-C.
 */
export abstract class BaseCommand<T extends typeof Command> extends Command {
  static override enableJsonFlag = true
  /** What this command needs of its profile; checked before `run` (see ProfileNeed). */
  static profileNeed: ProfileNeed = 'none'

  static override baseFlags = {
    profile: Flags.string({
      summary: 'Profile to use: one organisation and its connections.',
      env: 'HCAL_PROFILE',
      default: 'default',
      helpGroup: 'GLOBAL',
    }),
    'no-prompt': Flags.boolean({
      summary: 'Never prompt; fail and name the missing flag instead.',
      env: 'HCAL_NO_PROMPT',
      helpGroup: 'GLOBAL',
    }),
    'log-level': Flags.option({
      summary: 'Diagnostics on stderr at this level and above.',
      options: LOG_LEVELS,
      default: 'warn' as const,
      env: 'HCAL_LOG_LEVEL',
      helpGroup: 'GLOBAL',
    })(),
    'log-format': Flags.option({
      summary: 'Diagnostics as text lines or one JSON object per line.',
      options: ['text', 'json'] as const,
      default: 'text' as const,
      env: 'HCAL_LOG_FORMAT',
      helpGroup: 'GLOBAL',
    })(),
  }

  protected flags!: InferredFlags<T>
  protected args!: InferredArgs<T>
  /** Every positional argument, for commands that take a list (`static strict = false`). */
  protected positional!: string[]
  protected out!: Output
  protected logger!: Logger
  /** Aborted on SIGINT/SIGTERM; long-running work observes it and stops cleanly. */
  protected readonly abort = new AbortController()

  private exitStatus: ExitCodeValue = ExitCode.ok
  /** Set by the first SIGINT/SIGTERM: from then on the run can only end as INTERRUPTED. */
  private interruptedBy: NodeJS.Signals | undefined
  /** True once an envelope or error was printed: a run prints exactly one. */
  private reported = false
  private secretStore: SecretStore | undefined
  private stateStore: StateStore | undefined
  private readonly onSignal = (signal: NodeJS.Signals) => this.interrupted(signal)

  get profileName(): string {
    return this.flags.profile
  }

  override async init(): Promise<void> {
    // Created before parsing so that flag errors already render in the right mode.
    this.out = new Output({json: this.jsonEnabled()})
    await super.init()
    const ctor = this.ctor as typeof BaseCommand
    // Anything the parser rejects is a usage error (exit 2), whatever class oclif threw it as.
    const {args, argv, flags, metadata} = await this.parse({
      args: ctor.args,
      baseFlags: ctor.baseFlags,
      enableJsonFlag: ctor.enableJsonFlag,
      flags: ctor.flags,
      strict: ctor.strict,
    }).catch((error: unknown) => {
      throw toUsageError(error)
    })
    this.flags = flags as InferredFlags<T>
    this.args = args as InferredArgs<T>
    this.positional = argv.map(String)
    await guardProfile(this.flags.profile, ctor.profileNeed, !metadata.flags.profile?.setFromDefault)
    this.logger = createLogger({level: this.flags['log-level'], format: this.flags['log-format']})
    this.logger.debug({command: this.id, profile: this.flags.profile}, 'command start')
    process.on('SIGINT', this.onSignal)
    process.on('SIGTERM', this.onSignal)
  }

  /** True when a person can answer a prompt: both ends are terminals and nothing asked us not to. */
  canPrompt(): boolean {
    return (
      Boolean(process.stdin.isTTY && process.stdout.isTTY) &&
      !process.env.CI &&
      !this.jsonEnabled() &&
      !this.flags?.['no-prompt']
    )
  }

  /** Returns the flag's value, asks for it when a prompt is possible, or fails naming the flag. */
  protected async requireInput<V>(flag: string, value: V | undefined, ask: () => Promise<V>): Promise<V> {
    if (value !== undefined) return value
    if (this.canPrompt()) return ask()
    throw new UsageError('MISSING_FLAG', `--${flag} is required when hcal cannot prompt.`, {
      suggestions: [`Pass --${flag} (prompts are off without a terminal, in CI, with --json or --no-prompt).`],
    })
  }

  /**
   * Marks the run as a partial success: the result is still printed, the exit code is 3 (or `exitCode`, e.g. 4
   * when a whole connection's credentials failed); the highest one marked wins.
   */
  protected markPartial(message: string, exitCode: ExitCodeValue = ExitCode.partial): void {
    this.exitStatus = Math.max(this.exitStatus, exitCode) as ExitCodeValue
    this.out.warn(message)
  }

  protected async secrets(): Promise<SecretStore> {
    if (!this.secretStore) {
      const {createSecretStore} = await import('../secrets/index.js')
      this.secretStore = createSecretStore({profile: this.profileName})
    }
    return this.secretStore
  }

  protected async store(): Promise<StateStore> {
    if (!this.stateStore) {
      const {openStateStore} = await import('../store/index.js')
      this.stateStore = await openStateStore({profile: this.profileName, secrets: await this.secrets()})
    }
    return this.stateStore
  }

  /** The profile's keyword, join-template, language and OBTP settings over the defaults. */
  protected async meetingSettings(): Promise<MeetingSettings> {
    const [{loadProfile}, {parseMeetingSettings}] = await Promise.all([
      import('../config/profiles.js'),
      import('../core/settings.js'),
    ])
    return parseMeetingSettings((await loadProfile(this.profileName))?.meetings, `profile "${this.profileName}"`)
  }

  /**
   * First signal: abort running work and give it 5 s to stop; a second signal, or work that does not
   * stop, ends the process at once. Either way the run reports INTERRUPTED once (exit 130).
   */
  protected interrupted(signal: NodeJS.Signals): void {
    process.exitCode = ExitCode.interrupted
    if (this.interruptedBy) this.forceExit()
    this.interruptedBy = signal
    this.logger.debug({signal}, 'signal received')
    this.out.info(`Received ${signal}; stopping (press Ctrl-C again to force).`)
    this.abort.abort(signal)
    setTimeout(() => this.forceExit(), this.interruptGraceMs()).unref()
  }

  /** How long work may take to stop after the first signal (a long-running service drains and cleans up). */
  protected interruptGraceMs(): number {
    return 5000
  }

  private forceExit(): void {
    if (this.reported) process.exit(ExitCode.interrupted)
    // catch() prints the INTERRUPTED report, then rejects with oclif's exit request: exit now instead.
    void this.catch(interruptedError(this.interruptedBy)).finally(() => process.exit(ExitCode.interrupted))
  }

  protected override toSuccessJson(result: unknown): SuccessEnvelope<unknown> {
    return {status: this.exitStatus, result, warnings: this.out.warnings}
  }

  protected override logJson(json: unknown): void {
    this.reported = true
    this.out.jsonDocument(json)
  }

  override async catch(err: Error & {exitCode?: number}): Promise<never> {
    this.out ??= new Output({json: this.jsonEnabled()})
    this.reported = true
    // After a signal, whatever the work failed with (EOF on a closed pipe, an aborted read) is the interrupt.
    const error =
      this.interruptedBy && !(err instanceof Errors.ExitError) ? interruptedError(this.interruptedBy) : toHcalError(err)
    this.logger?.debug({err}, 'command failed')
    if (this.jsonEnabled()) this.out.jsonDocument(errorEnvelope(error, this.out.warnings))
    else this.out.error(humanErrorLines(error, this.out.color.stderr))
    return this.exit(error.exitCode)
  }

  override async finally(err: Error | undefined): Promise<void> {
    process.off('SIGINT', this.onSignal)
    process.off('SIGTERM', this.onSignal)
    this.stateStore?.close()
    if (!err && this.exitStatus !== ExitCode.ok) process.exitCode = this.exitStatus
    await super.finally(err)
    // Work that completed after a signal is still an interrupted run: report that, not the result.
    if (!err && this.interruptedBy) await this.catch(interruptedError(this.interruptedBy))
  }
}

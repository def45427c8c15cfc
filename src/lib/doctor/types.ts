import type {SecretStore} from '../secrets/index.js'

export type CheckStatus = 'pass' | 'warn' | 'fail'

export interface CheckOutcome {
  status: CheckStatus
  detail: string
  /** How to fix a warn or fail. */
  fix?: string
  /** The error code behind a warn or fail, when there is one (e.g. GOOGLE_KEY_INVALID). */
  code?: string
}

export interface CheckResult extends CheckOutcome {
  name: string
  durationMs: number
}

export interface DoctorContext {
  profile: string
  env: NodeJS.ProcessEnv
  /** The profile file as written, provider sections not yet validated; undefined when there is none. */
  profileDocument(): Promise<Record<string, unknown> | undefined>
  secrets(): Promise<SecretStore>
}

export interface DoctorCheck {
  name: string
  /** False when the check has nothing to look at here (a calendar system this profile does not use). */
  appliesTo?(context: DoctorContext): Promise<boolean>
  run(context: DoctorContext): Promise<CheckOutcome>
}

import type {SecretStore} from '../secrets/index.js'

export type CheckStatus = 'pass' | 'warn' | 'fail'

export interface CheckOutcome {
  status: CheckStatus
  message: string
  /** How to fix a warn or fail. */
  fix?: string
  /** The error code behind a warn or fail, when there is one (e.g. GOOGLE_KEY_INVALID). */
  code?: string
}

/** One check as doctor reports it (`--json`: `{id, status, message, fix, code, durationMs}`). */
export interface CheckResult {
  /** `node`, `config`, …, `<provider>.<check>`. */
  id: string
  status: CheckStatus
  message: string
  fix: string | null
  code: string | null
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
  id: string
  /** False when the check has nothing to look at here (a calendar system this profile does not use). */
  appliesTo?(context: DoctorContext): Promise<boolean>
  run(context: DoctorContext): Promise<CheckOutcome>
}

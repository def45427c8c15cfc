/**
 * One error hierarchy for the whole CLI. Every failure a user can see is an HcalError with a stable
 * `code`, an exit code from the table below, and suggestions that say how to fix it. The base command
 * renders them (human or JSON envelope); nothing else decides exit codes.
 */
export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
  partial: 3,
  auth: 4,
  interrupted: 130,
} as const
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode]

export interface HcalErrorOptions {
  /** What went wrong underneath; printed as "Caused by: …" unless `secretCause` is set. */
  cause?: unknown
  /** The cause may quote secret input (a key or certificate that failed to parse): it is never printed. */
  secretCause?: boolean
  exitCode?: ExitCodeValue
  suggestions?: string[]
  /** Structured detail for --json consumers (never secrets). */
  data?: Record<string, unknown>
}

export class HcalError extends Error {
  readonly code: string
  readonly exitCode: ExitCodeValue
  readonly suggestions: string[]
  readonly data: Record<string, unknown> | undefined
  readonly secretCause: boolean

  constructor(code: string, message: string, options: HcalErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : {cause: options.cause})
    this.name = new.target.name
    this.code = code
    this.exitCode = options.exitCode ?? ExitCode.failed
    this.suggestions = options.suggestions ?? []
    this.data = options.data
    this.secretCause = options.secretCause ?? false
  }
}

/** Bad flags, bad arguments, missing input when prompting is impossible. Exit 2. */
export class UsageError extends HcalError {
  constructor(code: string, message: string, options: Omit<HcalErrorOptions, 'exitCode'> = {}) {
    super(code, message, {...options, exitCode: ExitCode.usage})
  }
}

/** Missing or rejected credentials, missing consent, missing permission or impersonation right. Exit 4. */
export class AuthError extends HcalError {
  constructor(code: string, message: string, options: Omit<HcalErrorOptions, 'exitCode'> = {}) {
    super(code, message, {...options, exitCode: ExitCode.auth})
  }
}

/** Configuration that cannot be read or is inconsistent. Exit 1. */
export class ConfigError extends HcalError {}

/** A lookup that found nothing (profile, secret, user, event). Exit 1. */
export class NotFoundError extends HcalError {}

/** A provider answered with an error hcal could not recover from. */
export class ProviderError extends HcalError {
  readonly provider: string
  readonly status: number | undefined

  constructor(provider: string, code: string, message: string, options: HcalErrorOptions & {status?: number} = {}) {
    super(code, message, options)
    this.provider = provider
    this.status = options.status
  }
}

/** Some items of a batch failed and others succeeded. Exit 3. */
export class PartialFailureError extends HcalError {
  constructor(code: string, message: string, options: Omit<HcalErrorOptions, 'exitCode'> = {}) {
    super(code, message, {...options, exitCode: ExitCode.partial})
  }
}

export function isHcalError(error: unknown): error is HcalError {
  return error instanceof HcalError
}

/**
 * The validation port: proving, per user or room, that hcal may and can use its mailbox. Each calendar system
 * implements it in src/lib/providers/<id>/validate.ts, loaded lazily through its module's `validator`, so
 * nothing outside a provider folder asks which system it talks to.
 */
import type {MailboxGrant} from './access.js'

/** Stable codes for why a user or room is not active (issue 10's list; scripts and CI branch on them). */
export const REASON_CODES = [
  'ADDRESS_INVALID',
  'DOMAIN_NOT_VERIFIED',
  'MAILBOX_NOT_FOUND',
  'USER_SUSPENDED',
  'DELEGATION_SCOPE_MISSING',
  'CONSENT_MISSING',
  'ROLE_MISSING',
  'OUT_OF_MAILBOX_SCOPE',
  'IMPERSONATION_DENIED',
  'NOT_A_CALENDAR_USER',
  'THROTTLED',
  'PROVIDER_UNREACHABLE',
] as const

export type ReasonCode = (typeof REASON_CODES)[number]

/** What a validator is asked to prove. */
export interface ValidationRequest {
  grant: MailboxGrant
  kind: 'user' | 'room'
  signal?: AbortSignal
}

/** Why a mailbox cannot be used, in words an admin acts on. */
export interface ValidationProblem {
  reasonCode: ReasonCode
  /** What happened and why (the provider's answer, explained). */
  reason: string
  /** The console step or command that fixes it. */
  fix: string
}

export type ValidationOutcome =
  | {
      result: 'valid'
      /** The primary address when the one validated is an alias of it. */
      primaryEmail?: string
      /** What was proven, one short phrase each ("read the calendar", "write permission (accessRole owner)"). */
      proven: string[]
    }
  | ({result: 'invalid'} & ValidationProblem)
  /** Could not finish (throttled after retries): try again after `retryAfterMs`. */
  | ({result: 'retry'; retryAfterMs: number} & ValidationProblem)

export interface MailboxValidator {
  /**
   * Proves one mailbox. Per-mailbox problems come back as outcomes; a failure of the whole connection
   * (credentials rejected, no secret) is thrown as an HcalError, since no other mailbox would do better.
   */
  validate(request: ValidationRequest): Promise<ValidationOutcome>
  /** Releases connection pools. */
  close(): Promise<void>
}

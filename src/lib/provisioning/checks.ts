/**
 * What provisioning and doctor prove about a connection, one check at a time: token acquisition per scope,
 * a test mailbox, clock skew, credential age and expiry. Each provider builds its checks from these; the
 * same list is printed by the provision commands, summarised in the provisioning record, and reused by
 * the provider's doctor checks.
 */
export type ProofStatus = 'pass' | 'warn' | 'fail' | 'skip'

export interface ProofCheck {
  /** Stable within a provider: `token`, `scope:calendar`, `tls`, `impersonation`… */
  id: string
  status: ProofStatus
  /** What was found (a fact, not advice). */
  message: string
  /** How to fix a warn or fail; null otherwise. */
  fix: string | null
  /** A stable code for a warn or fail (e.g. GOOGLE_DELEGATION_MISSING); null otherwise. */
  code: string | null
  /** A fail that is about credentials, consent, roles or rights (exit 4) rather than reachability (exit 1). */
  auth?: boolean
}

export function passed(id: string, message: string): ProofCheck {
  return {id, status: 'pass', message, fix: null, code: null}
}

export function skipped(id: string, why: string): ProofCheck {
  return {id, status: 'skip', message: why, fix: null, code: null}
}

export function warned(id: string, message: string, fix: string, code: string): ProofCheck {
  return {id, status: 'warn', message, fix, code}
}

export function failed(
  id: string,
  message: string,
  fix: string,
  code: string,
  options: {auth?: boolean} = {},
): ProofCheck {
  return {id, status: 'fail', message, fix, code, ...(options.auth ? {auth: true} : {})}
}

/** Google and Entra accept assertions within 5 minutes of their clock: past that, tokens fail. */
export const CLOCK_SKEW_FAIL_SECONDS = 300
/** Far enough to drift into a failure soon, and to make log correlation confusing. */
export const CLOCK_SKEW_WARN_SECONDS = 60

/**
 * This machine's clock against a server's HTTP `Date` header (second resolution, so differences under
 * a few seconds mean nothing). `serverDate` undefined: the server sent none, which is a skip.
 */
export function clockSkewCheck(
  id: string,
  server: string,
  serverDate: string | undefined,
  localNowMs: number = Date.now(),
): ProofCheck {
  const serverMs = serverDate === undefined ? Number.NaN : Date.parse(serverDate)
  if (Number.isNaN(serverMs)) return skipped(id, `${server} sent no usable Date header`)
  const skew = Math.round((localNowMs - serverMs) / 1000)
  const described = `this machine's clock is ${Math.abs(skew)} s ${skew >= 0 ? 'ahead of' : 'behind'} ${server}`
  const fix = 'Synchronise the clock with NTP (e.g. "timedatectl set-ntp true" on Linux).'
  if (Math.abs(skew) > CLOCK_SKEW_FAIL_SECONDS) {
    return failed(id, `${described}: tokens signed here are refused past 5 minutes`, fix, 'CLOCK_SKEW', {auth: true})
  }
  if (Math.abs(skew) > CLOCK_SKEW_WARN_SECONDS) return warned(id, described, fix, 'CLOCK_SKEW')
  return passed(id, `clock within ${CLOCK_SKEW_WARN_SECONDS} s of ${server}`)
}

const DAY_MS = 86_400_000
/** A credential this close to expiry is a warning: time to rotate before it breaks the service. */
export const EXPIRY_WARNING_DAYS = 30

export interface CredentialDates {
  /** What it is, for messages: "the client secret", "certificate CN=hcal". */
  what: string
  /** When it stops working, when known (ISO 8601). */
  expiresAt?: string | null
  /** When it was stored (ISO 8601), for age. */
  storedAt?: string | null
  /** Older than this is a warning (rotation policy), when the credential has no expiry of its own. */
  maxAgeDays?: number
  /** How to rotate it. */
  rotate: string
}

/** Expiry (fail when past, warn within 30 days) and else age against a rotation policy. */
export function expiryCheck(id: string, credential: CredentialDates, nowMs: number = Date.now()): ProofCheck {
  const {what, rotate} = credential
  const expires = credential.expiresAt ? Date.parse(credential.expiresAt) : Number.NaN
  if (!Number.isNaN(expires)) {
    const days = Math.floor((expires - nowMs) / DAY_MS)
    const on = new Date(expires).toISOString().slice(0, 10)
    if (expires <= nowMs) return failed(id, `${what} expired on ${on}`, rotate, 'CREDENTIAL_EXPIRED', {auth: true})
    if (days < EXPIRY_WARNING_DAYS)
      return warned(id, `${what} expires in ${days} days (${on})`, rotate, 'CREDENTIAL_EXPIRING')
    return passed(id, `${what} valid until ${on} (${days} days)`)
  }
  const stored = credential.storedAt ? Date.parse(credential.storedAt) : Number.NaN
  if (Number.isNaN(stored)) return skipped(id, `the age of ${what} is not known`)
  const age = Math.floor((nowMs - stored) / DAY_MS)
  if (credential.maxAgeDays !== undefined && age > credential.maxAgeDays) {
    return warned(
      id,
      `${what} is ${age} days old (policy: rotate within ${credential.maxAgeDays})`,
      rotate,
      'CREDENTIAL_OLD',
    )
  }
  return passed(id, `${what} stored ${age} days ago`)
}

/** Whether a run's checks failed, and how: auth failures exit 4, anything else 1. */
export function failureKind(checks: readonly ProofCheck[]): 'none' | 'auth' | 'other' {
  const failures = checks.filter((check) => check.status === 'fail')
  if (failures.length === 0) return 'none'
  return failures.some((check) => check.auth) ? 'auth' : 'other'
}

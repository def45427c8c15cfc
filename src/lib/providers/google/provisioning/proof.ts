/**
 * The proof that domain-wide delegation works for a test user, as GAM's `check serviceaccount` gives it and
 * then one step further: a delegated token per scope (PASS/FAIL each), one real call per scope (calendar
 * settings, Gmail vacation), and this machine's clock against the token endpoint's Date header. Every
 * failure carries Google's cause and the fix. `hcal provision google --test-user` and doctor both run it.
 */
import {ExitCode} from '../../../errors.js'
import {clockSkewCheck, failed, passed, type ProofCheck, skipped} from '../../../provisioning/checks.js'
import {createGoogleClients, type GoogleClients, type TokenAnswer} from '../client.js'
import {
  delegationDeepLink,
  DELEGATION_CONSOLE_PATH,
  GOOGLE_CALENDAR_SCOPE,
  GOOGLE_GMAIL_SETTINGS_SCOPE,
  GOOGLE_SCOPES,
} from '../delegation.js'
import {googleErrorToHcal} from '../error-report.js'
import {describeGoogleError} from '../errors.js'

export interface GoogleProofInput {
  serviceAccountJson: string
  /** The numeric client ID the grant is for (named in fixes). */
  clientId: string
  testUser: string
  tokenUrl?: string
  rootUrl?: string
  caPem?: string
}

export interface GoogleProof {
  checks: ProofCheck[]
}

/** `scope:calendar`, `scope:gmail.settings.basic`: the check id of a scope's token. */
export function scopeCheckId(scope: string): string {
  return `scope:${scope.replace('https://www.googleapis.com/auth/', '')}`
}

export const CLOCK_CHECK = 'clock'
export const CALENDAR_CHECK = 'calendar-settings'
export const GMAIL_CHECK = 'gmail-vacation'

interface TokenAttempt {
  scope: string
  clients: GoogleClients
  error?: unknown
}

/** A failing check from whatever Google (or the network) answered, with googleErrorToHcal's code and fix. */
function checkFromError(id: string, error: unknown, input: GoogleProofInput, scopes: string[]): ProofCheck {
  const reported = googleErrorToHcal(error, {subject: input.testUser, clientId: input.clientId, scopes})
  return failed(id, reported.message, reported.suggestions.join(' '), reported.code, {
    auth: reported.exitCode === ExitCode.auth,
  })
}

async function tokenAttempt(input: GoogleProofInput, scope: string, answers: TokenAnswer[]): Promise<TokenAttempt> {
  const clients = createGoogleClients({
    serviceAccountJson: input.serviceAccountJson,
    subject: input.testUser,
    scopes: [scope],
    ...(input.tokenUrl ? {tokenUrl: input.tokenUrl} : {}),
    ...(input.rootUrl ? {rootUrl: input.rootUrl} : {}),
    ...(input.caPem ? {caPem: input.caPem} : {}),
    quotaUser: true,
    onTokenAnswer: (answer) => answers.push(answer),
  })
  try {
    await clients.auth.getAccessToken()
    return {scope, clients}
  } catch (error) {
    return {scope, clients, error}
  }
}

/**
 * A scope Google refused as unauthorised while another scope passed is missing from the grant (not a
 * missing or unpropagated grant): the fix is the whole list again, since the console overwrites it.
 */
function scopeCheck(attempt: TokenAttempt, attempts: TokenAttempt[], input: GoogleProofInput): ProofCheck {
  const id = scopeCheckId(attempt.scope)
  if (attempt.error === undefined) return passed(id, `delegated token for ${input.testUser}`)
  const someScopePassed = attempts.some((other) => other.error === undefined)
  if (describeGoogleError(attempt.error).kind === 'delegationMissing' && someScopePassed) {
    return failed(
      id,
      `Google refused ${attempt.scope} for ${input.testUser}: the domain-wide delegation grant of client ID ${input.clientId} lacks this scope.`,
      `In the ${DELEGATION_CONSOLE_PATH}, give client ID ${input.clientId} the whole list ${GOOGLE_SCOPES.join(',')} (the console replaces the list, so paste all of it), or open ${delegationDeepLink(input.clientId)}.`,
      'GOOGLE_SCOPE_NOT_GRANTED',
      {auth: true},
    )
  }
  return checkFromError(id, attempt.error, input, [attempt.scope])
}

async function calendarCall(attempt: TokenAttempt | undefined, input: GoogleProofInput): Promise<ProofCheck> {
  if (!attempt || attempt.error !== undefined) return skipped(CALENDAR_CHECK, 'no token for the calendar scope')
  try {
    const setting = await attempt.clients.calendar.settings.get({setting: 'timezone'})
    return passed(
      CALENDAR_CHECK,
      `read ${input.testUser}'s calendar settings (time zone ${String(setting.data.value)})`,
    )
  } catch (error) {
    return checkFromError(CALENDAR_CHECK, error, input, [attempt.scope])
  }
}

async function gmailCall(attempt: TokenAttempt | undefined, input: GoogleProofInput): Promise<ProofCheck> {
  if (!attempt || attempt.error !== undefined) return skipped(GMAIL_CHECK, 'no token for the Gmail settings scope')
  try {
    const vacation = await attempt.clients.gmail.users.settings.getVacation({userId: 'me'})
    const state = vacation.data.enableAutoReply ? 'on' : 'off'
    return passed(GMAIL_CHECK, `read ${input.testUser}'s vacation responder (${state})`)
  } catch (error) {
    return checkFromError(GMAIL_CHECK, error, input, [attempt.scope])
  }
}

export async function proveGoogleAccess(input: GoogleProofInput): Promise<GoogleProof> {
  const answers: TokenAnswer[] = []
  const attempts: TokenAttempt[] = []
  // One scope at a time, in order: the per-scope verdict is the point, and the answers stay ordered.
  for (const scope of GOOGLE_SCOPES) attempts.push(await tokenAttempt(input, scope, answers))
  const byScope = (scope: string) => attempts.find((attempt) => attempt.scope === scope)
  const dated = answers.find((answer) => answer.date !== undefined)
  const checks = [
    clockSkewCheck(CLOCK_CHECK, 'Google (token endpoint)', dated?.date, dated?.receivedAt),
    ...attempts.map((attempt) => scopeCheck(attempt, attempts, input)),
    await calendarCall(byScope(GOOGLE_CALENDAR_SCOPE), input),
    await gmailCall(byScope(GOOGLE_GMAIL_SETTINGS_SCOPE), input),
  ]
  return {checks}
}

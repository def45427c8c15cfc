/**
 * `hcal scope test`: proves a mailbox scope with the app's real access. The in-scope mailbox must be
 * readable AND the out-of-scope canary denied; anything else fails (exit 4) with what it means in the
 * calendar system's terms. A scope test that only asked the configuration (Test-ServicePrincipalAuthorization)
 * would miss the tenant-wide grant that makes every mailbox readable; reading as the app cannot.
 */
import {AuthError, type HcalError, NotFoundError} from '../errors.js'
import type {ProviderModule} from '../providers/types.js'
import type {ScopeConnection} from './connection.js'
import type {MailboxAccess, MailboxProbe, MailboxScopeLimits, ScopeTestAdvice} from './types.js'

export interface MailboxOutcome {
  mailbox: string
  /** Which side of the scope the mailbox is meant to be on. */
  role: 'in' | 'out'
  expected: 'readable' | 'denied'
  access: MailboxAccess
  passed: boolean
  /** The provider's code for a refusal (ErrorAccessDenied, ErrorImpersonateUserDenied). */
  providerCode?: string
  /** Which form of scope refused it, when the answer says. */
  deniedBy?: string
  message: string
}

export interface ScopeTestRequest {
  module: ProviderModule
  target: ScopeConnection
  secret(name: string): Promise<string | undefined>
  in: string
  out: string
  /** When `hcal scope limit` last wrote the script, if known: a scope applied since may still be propagating. */
  scopeChangedAt?: string
  now: Date
}

export type ScopeTestReport =
  | {supported: true; passed: true; mailboxes: MailboxOutcome[]}
  /** `failure` is the error to end the run with (exit 4, or 1 for a mailbox that does not exist). */
  | {supported: true; passed: false; mailboxes: MailboxOutcome[]; failure: HcalError}
  | {supported: false; reason: string; control: string}

function outcomes(request: ScopeTestRequest, probes: MailboxProbe[]): MailboxOutcome[] {
  const sides = [
    {mailbox: request.in, role: 'in', expected: 'readable'},
    {mailbox: request.out, role: 'out', expected: 'denied'},
  ] as const
  return sides.map((side, index) => {
    const probe: MailboxProbe = probes[index] ?? {access: 'missing', message: 'not probed'}
    return {...side, ...probe, passed: probe.access === side.expected}
  })
}

function isRecent(request: ScopeTestRequest, advice: ScopeTestAdvice): boolean {
  const changed = request.scopeChangedAt ? Date.parse(request.scopeChangedAt) : Number.NaN
  return Number.isFinite(changed) && request.now.getTime() - changed < advice.propagationWindowMs
}

/** The error for a scope that did not hold: what was seen, why that happens, and the fixes. */
function scopeFailure(
  request: ScopeTestRequest,
  scope: MailboxScopeLimits<unknown>,
  results: MailboxOutcome[],
): HcalError {
  const [inside, outside] = results as [MailboxOutcome, MailboxOutcome]
  const data = {provider: request.module.id, mailboxes: results}
  const missing = results.filter((r) => r.access === 'missing')
  if (missing.length > 0) {
    return new NotFoundError(
      'SCOPE_MAILBOX_NOT_FOUND',
      `${missing.map((r) => r.mailbox).join(' and ')} ${missing.length > 1 ? 'have' : 'has'} no mailbox, so the scope cannot be proven with ${missing.length > 1 ? 'them' : 'it'}.`,
      {
        suggestions: ['Pass --in and --out the addresses of existing mailboxes (the out-of-scope one a real canary).'],
        data,
      },
    )
  }
  const advice = scope.advice
  const causes = [
    // Both refused is more often no right at all than a scope that misses the in-scope mailbox.
    ...(inside.passed
      ? []
      : outside.access === 'denied'
        ? [...advice.bothDenied, ...advice.inDenied]
        : advice.inDenied),
    ...(outside.passed ? [] : advice.outReadable),
  ]
  const recent = isRecent(request, advice)
  const seen = [
    inside.passed ? `${inside.mailbox} (in scope) is readable` : `${inside.mailbox} (in scope) was denied`,
    outside.passed ? `${outside.mailbox} (out of scope) is denied` : `${outside.mailbox} (out of scope) is readable`,
  ].join(' but ')
  const when = recent
    ? ` The scope script was written at ${request.scopeChangedAt ?? ''}: a scope applied since may not be in effect yet.`
    : ''
  return new AuthError(
    outside.passed ? 'SCOPE_IN_DENIED' : 'SCOPE_OUT_READABLE',
    `The mailbox scope does not hold: ${seen}.${when}`,
    {suggestions: recent ? [advice.propagation, ...causes] : [...causes, advice.propagation], data},
  )
}

export async function testMailboxScope(request: ScopeTestRequest): Promise<ScopeTestReport> {
  const scope = request.module.scope
  if (scope.kind === 'none') return {supported: false, reason: scope.reason, control: scope.control}
  const probes = await scope.probe({
    connection: request.target.connection,
    caPem: request.target.caPem,
    endpoints: request.target.endpoints,
    secret: request.secret,
    mailboxes: [request.in, request.out],
  })
  const results = outcomes(request, probes)
  if (results.every((r) => r.passed)) return {supported: true, passed: true, mailboxes: results}
  return {supported: true, passed: false, mailboxes: results, failure: scopeFailure(request, scope, results)}
}

/**
 * How a list of proof checks is shown (one table, the same columns as doctor) and how a run with failed
 * checks ends: one error naming them, exit 4 when any failure is about credentials or rights, 1 otherwise.
 */
import type {Output} from '../cli/output.js'
import {AuthError, HcalError} from '../errors.js'
import {failureKind, type ProofCheck} from './checks.js'

export function printProofChecks(out: Output, checks: readonly ProofCheck[]): void {
  const c = out.color.stdout
  const mark = {pass: c.green('pass'), warn: c.yellow('warn'), fail: c.red('FAIL'), skip: c.dim('skip')}
  out.table(
    checks.map((check) => ({...check})),
    [
      {key: 'id', header: 'Check'},
      {key: 'status', header: 'Status', format: (value) => mark[value as ProofCheck['status']]},
      {key: 'message', header: 'Message'},
      {key: 'fix', header: 'Fix', format: (value) => (value === null ? '' : String(value))},
    ],
  )
}

/**
 * The error that ends a run whose checks failed, or undefined when none did. `what` names the run
 * ("Google Workspace provisioning"); the checks go into error.data for --json consumers.
 */
export function proofFailure(
  what: string,
  checks: readonly ProofCheck[],
  code = 'PROOF_FAILED',
): HcalError | undefined {
  const kind = failureKind(checks)
  if (kind === 'none') return undefined
  const failures = checks.filter((check) => check.status === 'fail')
  const message = `${what}: ${failures.length} of ${checks.length} checks failed (${failures.map((f) => f.id).join(', ')}).`
  const options = {suggestions: [...new Set(failures.flatMap((f) => (f.fix ? [f.fix] : [])))], data: {checks}}
  return kind === 'auth' ? new AuthError(code, message, options) : new HcalError(code, message, options)
}

/**
 * Doctor's Exchange checks, built from the provisioning steps (prove.ts): exchange.reachable (TLS and
 * ConvertId), exchange.impersonation (GetFolder of the test mailbox), exchange.clock (the server's Date
 * header), exchange.version (support lifecycle) and exchange.password-age (from the provisioning record).
 * Loaded only when doctor runs them: this module pulls in the EWS SDK.
 */
import {readFile} from 'node:fs/promises'

import type {CheckOutcome} from '../../../doctor/types.js'
import {clockSkewCheck, expiryCheck, type ProofCheck} from '../../../provisioning/checks.js'
import {readSecret} from '../../checks.js'
import type {ProviderCheckInput} from '../../types.js'
import {EXCHANGE_PASSWORD, type ExchangeConnection} from '../index.js'
import {serverVersionCheck} from './ews-checks.js'
import {connect, type ExchangeProofInput, impersonate, probe} from './prove.js'

type Input = ProviderCheckInput<ExchangeConnection>

/**
 * How old the impersonation account's password may get before doctor warns. Active Directory's default
 * maximum password age is 42 days; service accounts are usually exempt from it, and then a yearly
 * rotation is what most policies ask. Cisco's connector gives no warning before the password expires:
 * this one does, well before.
 */
export const EXCHANGE_PASSWORD_MAX_AGE_DAYS = 365

/** A proof check as a doctor outcome: a skip is a warning that says why nothing was proven. */
export function outcomeOf(check: ProofCheck): CheckOutcome {
  const status = check.status === 'skip' ? 'warn' : check.status
  return {
    status,
    message: check.status === 'skip' ? `not checked: ${check.message}` : check.message,
    ...(check.fix ? {fix: check.fix} : {}),
    ...(check.code ? {code: check.code} : {}),
  }
}

type Prepared = {ok: true; proof: ExchangeProofInput} | {ok: false; outcome: CheckOutcome}

/** The connection, password and CA a network check needs, or why it cannot run. */
async function prepare(input: Input): Promise<Prepared> {
  const connection = input.connection
  if (!connection) {
    return {
      ok: false,
      outcome: {status: 'warn', message: 'not checked: no valid exchange connection (see exchange.connection)'},
    }
  }
  const password = await readSecret(input, EXCHANGE_PASSWORD)
  if (!password.ok) {
    return {
      ok: false,
      outcome: {status: 'warn', message: `not checked: ${EXCHANGE_PASSWORD} is not set (see exchange.credentials)`},
    }
  }
  const caFile = typeof input.document?.caFile === 'string' ? input.document.caFile : undefined
  let caPem: string | undefined
  if (caFile) {
    try {
      caPem = await readFile(caFile, 'utf8')
    } catch (error) {
      return {
        ok: false,
        outcome: {
          status: 'fail',
          code: 'CA_FILE_UNREADABLE',
          message: `the CA file ${caFile} cannot be read (${(error as Error).message})`,
          fix: 'Restore the file, or run "hcal provision exchange --ca-file PATH" with the CA that issued the Exchange certificate.',
        },
      }
    }
  }
  return {
    ok: true,
    proof: {
      ewsUrl: connection.ewsUrl,
      username: connection.username,
      password: password.value,
      auth: connection.auth,
      ...(caPem ? {caPem} : {}),
      ...(caFile ? {caFile} : {}),
      allowInsecureHttp: connection.allowInsecureHttp === true,
      ...(connection.testMailbox ? {testMailbox: connection.testMailbox} : {}),
      ...(connection.managementScope ? {managementScope: connection.managementScope} : {}),
    },
  }
}

/** exchange.reachable: the tls check, then ConvertId as the service account (credentials and connectivity). */
export async function reachable(input: Input): Promise<CheckOutcome> {
  const prepared = await prepare(input)
  if (!prepared.ok) return prepared.outcome
  const {probe: answer, tls} = await probe(prepared.proof)
  if (tls.status === 'fail') return outcomeOf(tls)
  const {credentials, convertId} = await connect(prepared.proof, answer)
  for (const check of [credentials, convertId, tls]) if (check.status !== 'pass') return outcomeOf(check)
  return {status: 'pass', message: `${tls.message}; ${convertId.message}`}
}

/** exchange.impersonation: GetFolder of the test mailbox's calendar, as provisioning proved it. */
export async function impersonation(input: Input): Promise<CheckOutcome> {
  const prepared = await prepare(input)
  if (!prepared.ok) return prepared.outcome
  return outcomeOf(await impersonate(prepared.proof))
}

/** exchange.clock: this machine's clock against the Date header of the EWS server. */
export async function clock(input: Input): Promise<CheckOutcome> {
  const prepared = await prepare(input)
  if (!prepared.ok) return prepared.outcome
  const {probe: answer, tls} = await probe(prepared.proof)
  if (!answer.ok) return outcomeOf({...tls, status: 'skip', message: `the server did not answer (${tls.message})`})
  const check = clockSkewCheck('clock', new URL(prepared.proof.ewsUrl).host, answer.date)
  // The shared wording is about signed tokens; with Exchange a skew moves meeting times and Join buttons.
  if (check.status !== 'fail') return outcomeOf(check)
  return outcomeOf({
    ...check,
    message: `${check.message.split(':')[0]}: Join buttons and meeting times computed here are off by as much, and Kerberos sign-ins fail`,
  })
}

/** exchange.version: the release in ServerVersionInfo of a ConvertId answer, against Microsoft's lifecycle. */
export async function version(input: Input): Promise<CheckOutcome> {
  const prepared = await prepare(input)
  if (!prepared.ok) return prepared.outcome
  const {convertId, credentials, server} = await connect(prepared.proof)
  if (convertId.status !== 'pass') {
    const blocker = credentials.status === 'pass' ? convertId : credentials
    return outcomeOf({
      ...blocker,
      status: 'skip',
      message: `EWS gave no answer to read the version from (${blocker.message})`,
    })
  }
  return outcomeOf(serverVersionCheck(server))
}

interface RecordShape {
  credential?: {storedAt?: string} | null
}

/** exchange.password-age: when provisioning stored the password, against EXCHANGE_PASSWORD_MAX_AGE_DAYS. */
export async function passwordAge(input: Input): Promise<CheckOutcome> {
  const provisioning = input.document?.provisioning as {exchange?: RecordShape} | undefined
  const storedAt = provisioning?.exchange?.credential?.storedAt
  if (!storedAt) {
    return {
      status: 'warn',
      code: 'EXCHANGE_PASSWORD_AGE_UNKNOWN',
      message: `the age of ${EXCHANGE_PASSWORD} is not known: "hcal provision exchange" did not store it`,
      fix: `Run "hcal provision exchange" to store the password and record when; rotate it within ${EXCHANGE_PASSWORD_MAX_AGE_DAYS} days.`,
    }
  }
  return outcomeOf(
    expiryCheck('password-age', {
      what: `the password of ${input.connection?.username ?? 'the service account'}`,
      storedAt,
      maxAgeDays: EXCHANGE_PASSWORD_MAX_AGE_DAYS,
      rotate:
        'Change the service account password in Active Directory, then run "hcal provision exchange" with the new one (a second impersonation account lets you rotate without downtime).',
    }),
  )
}

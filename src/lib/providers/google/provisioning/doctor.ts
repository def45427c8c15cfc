/**
 * Doctor's Google checks beyond the profile and the key's shape: `google.token` (a delegated token per
 * scope for the test user), `google.mailbox` (their calendar settings and Gmail vacation readable),
 * `google.clock` (skew against Google's Date header) and `google.key-age`. The three network checks share
 * one run of the provisioning proof; they only run once the connection is complete (section, key, test user).
 */
import {createHash} from 'node:crypto'

import {readProfileDocument} from '../../../config/profiles.js'
import type {CheckOutcome} from '../../../doctor/types.js'
import {isHcalError} from '../../../errors.js'
import {expiryCheck, type ProofCheck} from '../../../provisioning/checks.js'
import type {ProvisioningRecord} from '../../../provisioning/record.js'
import {readProfileCa} from '../../ca.js'
import type {ProviderCheckInput} from '../../types.js'
import type {GoogleConnection} from '../index.js'
import {GOOGLE_KEY_SECRET, parseServiceAccountKey} from '../key.js'
import {CALENDAR_CHECK, CLOCK_CHECK, GMAIL_CHECK, type GoogleProof, proveGoogleAccess} from './proof.js'

export type GoogleDoctorCheckName = 'token' | 'mailbox' | 'clock' | 'key-age'

/** Google recommends rotating service-account keys; GAM warns past this age too. */
export const KEY_MAX_AGE_DAYS = 90

const ROTATE_KEY =
  'Create a new key (Cloud console > IAM & Admin > Service accounts > Keys > Add key), store it with "hcal provision google --key-file KEY.json", then delete the old key.'

/** The proof runs once per doctor run, whichever of the checks asks first. */
const proofs = new Map<string, Promise<GoogleProof>>()

function outcomeOf(check: ProofCheck): CheckOutcome {
  // Doctor has no skip: what could not be looked at is a warning, and its message says why.
  const status = check.status === 'skip' ? 'warn' : check.status
  return {
    status,
    message: check.status === 'skip' ? `not checked: ${check.message}` : check.message,
    ...(check.fix ? {fix: check.fix} : {}),
    ...(check.code ? {code: check.code} : {}),
  }
}

function notChecked(message: string, fix: string): CheckOutcome {
  return {status: 'warn', message: `not checked: ${message}`, fix}
}

/** All of `checks` as one outcome: the first failure (else warning) speaks for them; the message lists each. */
function combined(checks: ProofCheck[], passMessage: string): CheckOutcome {
  const worst = checks.find((check) => check.status === 'fail') ?? checks.find((check) => check.status !== 'pass')
  if (!worst) return {status: 'pass', message: passMessage}
  const list = checks.map((check) => `${check.id} ${check.status === 'pass' ? 'PASS' : check.status.toUpperCase()}`)
  const outcome = outcomeOf(worst)
  return {...outcome, message: `${list.join(', ')}: ${worst.message}`}
}

interface Ready {
  key: string
  keyId: string | undefined
  document: Record<string, unknown> | undefined
}

async function prepare(input: ProviderCheckInput<GoogleConnection>): Promise<Ready | CheckOutcome> {
  if (!input.connection) {
    return notChecked('the Google connection is incomplete (see google.connection)', 'Run "hcal provision google".')
  }
  const key = await input.secret(GOOGLE_KEY_SECRET)
  if (key === undefined)
    return notChecked(`${GOOGLE_KEY_SECRET} is not set (see google.credentials)`, 'Run "hcal provision google".')
  try {
    return {key, keyId: parseServiceAccountKey(key).private_key_id, document: await readProfileDocument(input.profile)}
  } catch (error) {
    if (!isHcalError(error)) throw error
    return notChecked(`${error.message} (see google.credentials)`, error.suggestions.join(' '))
  }
}

async function proofFor(input: ProviderCheckInput<GoogleConnection>, ready: Ready, testUser: string) {
  const connection = input.connection as GoogleConnection
  const id = `${input.profile}\0${testUser}\0${createHash('sha256').update(ready.key).digest('hex')}`
  let proof = proofs.get(id)
  if (!proof) {
    const endpoints = (ready.document?.endpoints as Record<string, Record<string, string>> | undefined)?.google
    const caFile = typeof ready.document?.caFile === 'string' ? ready.document.caFile : undefined
    proof = (async () =>
      proveGoogleAccess({
        serviceAccountJson: ready.key,
        clientId: connection.clientId,
        testUser,
        ...(endpoints?.tokenUrl ? {tokenUrl: endpoints.tokenUrl} : {}),
        ...(endpoints?.rootUrl ? {rootUrl: endpoints.rootUrl} : {}),
        ...(caFile ? {caPem: await readProfileCa(caFile)} : {}),
      }))()
    proofs.set(id, proof)
  }
  return (await proof).checks
}

function keyAge(ready: Ready): CheckOutcome {
  const record = (ready.document?.provisioning as Record<string, ProvisioningRecord> | undefined)?.google
  const credential = record?.credential
  // A key stored outside provisioning (secrets set, the environment) has no known storage date.
  const storedAt = credential && credential.fingerprint === (ready.keyId ?? null) ? credential.storedAt : null
  return outcomeOf(
    expiryCheck('key-age', {
      what: `service-account key ${ready.keyId ?? ''}`.trim(),
      storedAt,
      maxAgeDays: KEY_MAX_AGE_DAYS,
      rotate: ROTATE_KEY,
    }),
  )
}

export async function runGoogleDoctorCheck(
  name: GoogleDoctorCheckName,
  input: ProviderCheckInput<GoogleConnection>,
): Promise<CheckOutcome> {
  const ready = await prepare(input)
  if (!('key' in ready)) return ready
  if (name === 'key-age') return keyAge(ready)
  const testUser = input.connection?.testUser
  if (!testUser) {
    return notChecked(
      'the profile names no test user (google.testUser)',
      'Run "hcal provision google --key-file KEY.json --test-user USER@DOMAIN" to prove delegation and keep the user for doctor.',
    )
  }
  const checks = await proofFor(input, ready, testUser)
  if (name === 'clock') return outcomeOf(checks.find((check) => check.id === CLOCK_CHECK) as ProofCheck)
  if (name === 'token') {
    const scopes = checks.filter((check) => check.id.startsWith('scope:'))
    return combined(scopes, `delegated tokens for ${testUser}: ${scopes.map((check) => check.id.slice(6)).join(', ')}`)
  }
  const calls = checks.filter((check) => check.id === CALENDAR_CHECK || check.id === GMAIL_CHECK)
  return combined(calls, `${testUser}'s calendar settings and Gmail vacation settings are readable`)
}

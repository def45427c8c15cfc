/**
 * Reads a Google service-account key (the JSON file the Cloud console hands out). Light on purpose (no
 * SDK): the doctor check, the secret store's validation and the client factory share this one parser.
 */
import {createPrivateKey, type KeyObject} from 'node:crypto'

import {AuthError} from '../../errors.js'

export interface GoogleServiceAccountKey {
  client_email: string
  private_key: string
  private_key_id?: string
  client_id?: string
  project_id?: string
}

export const GOOGLE_KEY_SECRET = 'google.serviceAccountKey'
export const GOOGLE_KEY_ENV = 'HCAL_GOOGLE_SERVICE_ACCOUNT_JSON'

export const GOOGLE_KEY_HOW_TO_SET =
  'Create a JSON key for the service account (Cloud console > IAM & Admin > Service accounts > Keys > Add key > JSON) ' +
  `and store it with "hcal secrets set ${GOOGLE_KEY_SECRET} --file KEY.json", or put the file's content in ${GOOGLE_KEY_ENV} in CI.`

type Inspection = {key: GoogleServiceAccountKey} | {field?: string; problem: string}

let lastKey: {pem: string; object: KeyObject} | undefined

/**
 * The service account's private key decoded, once per key text: OpenSSL 3 takes milliseconds to decode an
 * RSA PEM, which a bulk validation would otherwise pay per user twice (checking the key, and signing each
 * user's token assertion with the PEM). Throws when the PEM is not a readable private key.
 */
export function privateKeyObject(pem: string): KeyObject {
  if (lastKey?.pem !== pem) lastKey = {pem, object: createPrivateKey(pem)}
  return lastKey.object
}

function inspect(json: string): Inspection {
  let parsed: unknown
  try {
    parsed = JSON.parse(json)
  } catch {
    return {problem: 'is not JSON (expected the key file downloaded from the Cloud console)'}
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return {problem: 'is not a JSON object (expected the key file downloaded from the Cloud console)'}
  }
  const key = parsed as Record<string, unknown>
  if (typeof key.installed === 'object' || typeof key.web === 'object') {
    return {
      field: key.installed ? 'installed' : 'web',
      problem: 'is an OAuth client file, not a service-account key (it has no private key)',
    }
  }
  if (typeof key.client_secret === 'string' && key.private_key === undefined) {
    return {
      field: 'client_secret',
      problem: 'is an OAuth client secret, not a service-account key (it has no private key)',
    }
  }
  if (key.type !== undefined && key.type !== 'service_account') {
    return {field: 'type', problem: `has type "${String(key.type)}" where a service-account key has "service_account"`}
  }
  if (typeof key.client_email !== 'string' || !key.client_email.includes('@')) {
    return {field: 'client_email', problem: 'has no client_email'}
  }
  if (typeof key.private_key !== 'string' || key.private_key.trim() === '') {
    return {field: 'private_key', problem: 'has no private_key'}
  }
  try {
    privateKeyObject(key.private_key)
  } catch {
    return {field: 'private_key', problem: 'has a private_key that is not a readable PEM private key'}
  }
  return {key: key as unknown as GoogleServiceAccountKey}
}

/** Why `json` is not a usable service-account key, or undefined when it is. Never quotes the key. */
export function serviceAccountKeyProblem(json: string): string | undefined {
  const inspection = inspect(json)
  return 'key' in inspection ? undefined : `the key ${inspection.problem}`
}

function invalidKey(inspection: {field?: string; problem: string}): AuthError {
  return new AuthError('GOOGLE_KEY_INVALID', `The Google service-account key ${inspection.problem}.`, {
    suggestions: [GOOGLE_KEY_HOW_TO_SET],
    data: {field: inspection.field ?? null},
  })
}

/** The key's fields; a GOOGLE_KEY_INVALID AuthError naming the bad or missing field otherwise. */
export function parseServiceAccountKey(json: string): GoogleServiceAccountKey {
  const inspection = inspect(json)
  if ('key' in inspection) return inspection.key
  throw invalidKey(inspection)
}

export type ProvisioningKey = GoogleServiceAccountKey & {client_id: string}

/**
 * A key fit for provisioning: also its numeric client_id (what the admin authorises for domain-wide
 * delegation; Cloud console keys always have it, and a hand-edited file may not).
 */
export function parseProvisioningKey(json: string): ProvisioningKey {
  const key = parseServiceAccountKey(json)
  if (typeof key.client_id !== 'string' || !/^\d+$/.test(key.client_id)) {
    throw invalidKey({
      field: 'client_id',
      problem: key.client_id === undefined ? 'has no client_id' : 'has a client_id that is not the numeric client ID',
    })
  }
  return key as ProvisioningKey
}

import {UsageError} from '../errors.js'

/**
 * Every secret hcal keeps, in one typed registry. A name is the keychain account (service
 * `hcal:<profile>`) and maps to one environment variable that CI uses instead of a keychain.
 */
export const SECRET_DEFINITIONS = {
  'google.serviceAccountKey': {
    env: 'HCAL_GOOGLE_SERVICE_ACCOUNT_JSON',
    description: 'Google service-account key (the JSON file downloaded from the Cloud console).',
  },
  'microsoft.clientSecret': {
    env: 'HCAL_MICROSOFT_CLIENT_SECRET',
    description: 'Microsoft Entra app registration client secret.',
  },
  'microsoft.certificateKey': {
    env: 'HCAL_MICROSOFT_CERTIFICATE_KEY',
    description: 'PEM private key of the certificate registered on the Microsoft Entra app.',
  },
  'exchange.password': {
    env: 'HCAL_EXCHANGE_PASSWORD',
    description: 'Password of the Exchange impersonation (service) account.',
  },
  'store.dataKey': {
    env: 'HCAL_STORE_KEY',
    description:
      'Data key of the encrypted state store: base64 of 32 random bytes (created on first use). ' +
      'A comma-separated list is accepted: the first key encrypts, the others only decrypt.',
  },
} as const satisfies Record<string, {env: string; description: string}>

export type SecretName = keyof typeof SECRET_DEFINITIONS

export const SECRET_NAMES = Object.keys(SECRET_DEFINITIONS) as SecretName[]

export function isSecretName(name: string): name is SecretName {
  return Object.hasOwn(SECRET_DEFINITIONS, name)
}

export function assertSecretName(name: string): asserts name is SecretName {
  if (!isSecretName(name)) {
    throw new UsageError('SECRET_NAME_UNKNOWN', `"${name}" is not a secret hcal knows.`, {
      suggestions: [`Use one of: ${SECRET_NAMES.join(', ')}.`],
      data: {validNames: SECRET_NAMES},
    })
  }
}

export function secretEnvVar(name: SecretName): string {
  return SECRET_DEFINITIONS[name].env
}

/** True when every comma-separated part is base64 of exactly 32 bytes (an AES-256 key). */
export function isDataKeyList(value: string): boolean {
  const parts = value.split(',').map((part) => part.trim())
  return parts.every((part) => /^[A-Za-z0-9+/]{43}=$/.test(part) && Buffer.from(part, 'base64').length === 32)
}

/** Why a value cannot be the named secret, or undefined when it can. Never quotes the value. */
export function invalidSecretReason(name: SecretName, value: string): string | undefined {
  if (value.trim() === '') return 'the value is empty'
  switch (name) {
    case 'google.serviceAccountKey': {
      let key: {type?: unknown; client_email?: unknown; private_key?: unknown}
      try {
        key = JSON.parse(value) as typeof key
      } catch {
        return 'it is not JSON (expected the service-account key file)'
      }
      if (typeof key.client_email !== 'string' || typeof key.private_key !== 'string') {
        return 'the JSON has no client_email or private_key (expected a service-account key file)'
      }
      return undefined
    }
    case 'microsoft.certificateKey':
      return /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(value) ? undefined : 'it is not a PEM private key'
    case 'store.dataKey':
      return isDataKeyList(value) ? undefined : 'it is not base64 of 32 bytes (or a comma-separated list of such keys)'
    default:
      return undefined
  }
}

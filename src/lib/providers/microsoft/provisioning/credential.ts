/**
 * The app credential an admin hands to `hcal provision microsoft`: a client secret or a certificate (PEM
 * holding the private key and its certificate). Checked before anything is sent, and described without
 * its secret part: what goes to the keychain, a fingerprint to tell a changed credential, its expiry.
 */
import {HcalError, UsageError} from '../../../errors.js'
import {CERTIFICATE_KEY_SECRET, resolveCertificateCredential} from '../certificate.js'
import {PORTAL} from './portal.js'

export const CLIENT_SECRET_SECRET = 'microsoft.clientSecret'

export type MicrosoftCredentialInput =
  | {kind: 'secret'; value: string; /** When the admin knows it (the token endpoint never says). */ expiresAt?: string}
  | {kind: 'certificate'; /** Private key and certificate, PEM. */ pem: string}

export interface MicrosoftCredential {
  auth: 'secret' | 'certificate'
  /** The keychain item it is stored in. */
  secretName: typeof CLIENT_SECRET_SECRET | typeof CERTIFICATE_KEY_SECRET
  /** What the keychain item holds (secret material: never printed). */
  value: string
  /** A public identifier (the certificate's SHA-256 thumbprint); null for a secret, which has none. */
  fingerprint: string | null
  expiresAt?: string
  thumbprintSha256?: string
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** True for a value shaped like a secret's ID (a GUID), which admins paste instead of the secret's Value. */
export function looksLikeSecretId(value: string): boolean {
  return GUID.test(value.trim())
}

/** An expiry date given on the command line (e.g. 2026-12-31 or an ISO instant), as an ISO instant. */
export function parseExpiry(value: string, flag: string): string {
  const time = Date.parse(value)
  if (Number.isNaN(time)) {
    throw new UsageError('MICROSOFT_EXPIRY_INVALID', `${flag} ${value} is not a date.`, {
      suggestions: [`Pass ${flag} the Expires date shown in ${PORTAL.certificatesAndSecrets}, e.g. 2026-12-31.`],
    })
  }
  return new Date(time).toISOString()
}

export function describeCredential(input: MicrosoftCredentialInput): MicrosoftCredential {
  if (input.kind === 'secret') {
    if (looksLikeSecretId(input.value)) {
      throw new UsageError(
        'MICROSOFT_SECRET_IS_ID',
        "The client secret given is a GUID: that is the secret's ID, not its value.",
        {
          suggestions: [
            `In ${PORTAL.certificatesAndSecrets}, copy the secret's Value column (shown only once; add a new secret if it is hidden).`,
          ],
        },
      )
    }
    return {
      auth: 'secret',
      secretName: CLIENT_SECRET_SECRET,
      value: input.value,
      fingerprint: null,
      ...(input.expiresAt ? {expiresAt: input.expiresAt} : {}),
    }
  }
  let resolved: ReturnType<typeof resolveCertificateCredential>
  try {
    resolved = resolveCertificateCredential({privateKeyPem: input.pem})
  } catch (error) {
    if (!(error instanceof HcalError)) throw error
    throw new UsageError(error.code, error.message, {
      secretCause: true,
      suggestions: [
        'Pass --certificate a PEM file holding the unencrypted private key followed by its certificate ' +
          '(e.g. cat app.key app.crt > app.pem; from a PFX: openssl pkcs12 -in app.pfx -nodes -out app.pem).',
      ],
    })
  }
  return {
    auth: 'certificate',
    secretName: CERTIFICATE_KEY_SECRET,
    value: input.pem,
    fingerprint: resolved.thumbprintSha256,
    thumbprintSha256: resolved.thumbprintSha256,
    ...(resolved.notAfter ? {expiresAt: resolved.notAfter} : {}),
  }
}

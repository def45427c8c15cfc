/**
 * Reads the certificate credential of a Microsoft Entra app: a PEM private key, optionally followed by
 * its certificate (what `openssl` or a PFX export gives). Light on purpose (node:crypto only): doctor, the
 * secret store's validation and the client factory share it, so they agree on what is usable.
 */
import {createPrivateKey, type KeyObject, X509Certificate} from 'node:crypto'

import {AuthError} from '../../errors.js'

export const CERTIFICATE_KEY_SECRET = 'microsoft.certificateKey'
export const CERTIFICATE_KEY_ENV = 'HCAL_MICROSOFT_CERTIFICATE_KEY'

export const CERTIFICATE_KEY_HOW_TO_SET =
  'Store the private key of the certificate registered on the app (PEM, unencrypted, optionally followed by the certificate) ' +
  `with "hcal secrets set ${CERTIFICATE_KEY_SECRET} --file KEY.pem", or put it in ${CERTIFICATE_KEY_ENV} in CI.`

export interface MicrosoftCertificateCredential {
  /** PEM private key of the certificate registered on the app (a certificate may follow it). */
  privateKeyPem: string
  /** Hex SHA-256 thumbprint of the certificate; derived from the certificate when one is given. */
  thumbprintSha256?: string
  certificatePem?: string
}

export interface ResolvedCertificate {
  /** PKCS#8 PEM, the form MSAL signs with. */
  privateKeyPem: string
  /** Upper-case hex SHA-256 thumbprint, no separators (as openssl prints it). */
  thumbprintSha256: string
  /** When the certificate expires (known only when the certificate itself was given). */
  notAfter?: string
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g

function pemBlocks(text: string): {label: string; pem: string}[] {
  return [...text.matchAll(PEM_BLOCK)].map((match) => ({label: match[1] ?? '', pem: match[0]}))
}

function invalid(code: string, message: string, field: string): AuthError {
  return new AuthError(code, message, {suggestions: [CERTIFICATE_KEY_HOW_TO_SET], data: {field}})
}

interface Bundle {
  key: KeyObject
  certificate?: X509Certificate
}

/** The key (and the certificate, when one is in the PEM or given apart) read and checked to belong together. */
function readBundle(privateKeyPem: string, certificatePem?: string): Bundle {
  const blocks = pemBlocks(privateKeyPem)
  const keyBlock = blocks.find((b) => b.label.endsWith('PRIVATE KEY'))
  const certificateBlock = certificatePem ?? blocks.find((b) => b.label === 'CERTIFICATE')?.pem
  if (!keyBlock) {
    throw certificateBlock
      ? invalid(
          'MICROSOFT_CERTIFICATE_KEY_MISSING',
          'The Microsoft certificate credential holds a certificate but no private key.',
          'privateKey',
        )
      : invalid(
          'MICROSOFT_CERTIFICATE_KEY_INVALID',
          'The Microsoft certificate credential is not PEM: it has no "-----BEGIN ... PRIVATE KEY-----" block.',
          'privateKey',
        )
  }
  if (keyBlock.label === 'ENCRYPTED PRIVATE KEY') {
    throw invalid(
      'MICROSOFT_CERTIFICATE_KEY_INVALID',
      'The Microsoft certificate private key is encrypted; hcal needs it unencrypted (the keychain protects it).',
      'privateKey',
    )
  }
  let key: KeyObject
  try {
    key = createPrivateKey(keyBlock.pem)
  } catch {
    throw invalid(
      'MICROSOFT_CERTIFICATE_KEY_INVALID',
      'The Microsoft certificate private key is not a readable PEM private key.',
      'privateKey',
    )
  }
  // Entra signs nothing with the key, but verifies client assertions only with RSA certificates: an EC key
  // would fail later inside the SDK with a JOSE message about algorithms.
  if (key.asymmetricKeyType !== 'rsa') {
    throw invalid(
      'MICROSOFT_CERTIFICATE_KEY_UNSUPPORTED',
      `The Microsoft certificate key is ${key.asymmetricKeyType?.toUpperCase() ?? 'not RSA'}; Entra ID accepts RSA certificates only (2048 bits or more).`,
      'privateKey',
    )
  }
  if (!certificateBlock) return {key}
  let certificate: X509Certificate
  try {
    certificate = new X509Certificate(certificateBlock)
  } catch {
    throw invalid(
      'MICROSOFT_CERTIFICATE_INVALID',
      'The Microsoft certificate is not a readable PEM certificate.',
      'certificate',
    )
  }
  if (!certificate.checkPrivateKey(key)) {
    throw invalid(
      'MICROSOFT_CERTIFICATE_KEY_MISMATCH',
      'The Microsoft certificate and the private key do not belong together.',
      'certificate',
    )
  }
  return {key, certificate}
}

function normaliseThumbprint(value: string): string {
  const hex = value.replace(/[\s:]/g, '').toUpperCase()
  if (/^[0-9A-F]{64}$/.test(hex)) return hex
  throw new AuthError(
    'MICROSOFT_CERTIFICATE_THUMBPRINT_INVALID',
    /^[0-9A-F]{40}$/.test(hex)
      ? 'The Microsoft certificate thumbprint is a SHA-1 thumbprint (40 hex digits); hcal needs the SHA-256 one (64).'
      : 'The Microsoft certificate thumbprint is not 64 hex digits (a SHA-256 thumbprint).',
    {
      suggestions: [
        'Set microsoft.certificateThumbprint in the profile to the SHA-256 thumbprint ' +
          '(openssl x509 -in CERT.pem -noout -fingerprint -sha256), or store the certificate after the key so hcal computes it. ' +
          CERTIFICATE_KEY_HOW_TO_SET,
      ],
      data: {field: 'certificateThumbprint'},
    },
  )
}

/** Why `pem` is not a usable certificate private key, or undefined when it is. Never quotes the key. */
export function certificateKeyProblem(pem: string): string | undefined {
  try {
    readBundle(pem)
    return undefined
  } catch (error) {
    return (error as Error).message.replace(/\.$/, '')
  }
}

/** The credential MSAL needs; a MICROSOFT_CERTIFICATE_* AuthError naming what is wrong otherwise. */
export function resolveCertificateCredential(credential: MicrosoftCertificateCredential): ResolvedCertificate {
  const {key, certificate} = readBundle(credential.privateKeyPem, credential.certificatePem)
  const privateKeyPem = key.export({type: 'pkcs8', format: 'pem'}).toString()
  if (certificate) {
    const thumbprintSha256 = normaliseThumbprint(certificate.fingerprint256)
    if (credential.thumbprintSha256 && normaliseThumbprint(credential.thumbprintSha256) !== thumbprintSha256) {
      throw new AuthError(
        'MICROSOFT_CERTIFICATE_THUMBPRINT_MISMATCH',
        'The Microsoft certificate thumbprint in the profile is not the thumbprint of the stored certificate.',
        {
          suggestions: ['Remove microsoft.certificateThumbprint from the profile (hcal computes it) or correct it.'],
          data: {field: 'certificateThumbprint'},
        },
      )
    }
    return {privateKeyPem, thumbprintSha256, notAfter: new Date(certificate.validTo).toISOString()}
  }
  if (!credential.thumbprintSha256) {
    throw new AuthError(
      'MICROSOFT_CERTIFICATE_THUMBPRINT_MISSING',
      'The Microsoft certificate credential has a private key but neither its certificate nor its thumbprint.',
      {
        suggestions: [
          'Store the certificate after the private key in the same PEM, or set microsoft.certificateThumbprint in the profile ' +
            'to its SHA-256 thumbprint. ' +
            CERTIFICATE_KEY_HOW_TO_SET,
        ],
        data: {field: 'certificateThumbprint'},
      },
    )
  }
  return {privateKeyPem, thumbprintSha256: normaliseThumbprint(credential.thumbprintSha256)}
}

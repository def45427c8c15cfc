import {X509Certificate} from 'node:crypto'
import {createSecureContext, rootCertificates, type SecureContext} from 'node:tls'

import {ConfigError} from '../errors.js'

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g
const readableCas = new Set<string>()

/**
 * Checks the extra CA a client factory is asked to trust (the profile's caFile) before any connection
 * uses it: a bad PEM would otherwise fail every request later with an OpenSSL message.
 */
export function assertCaPem(caPem: string): void {
  // Client factories run per impersonated mailbox: a CA already found readable is not parsed again.
  if (readableCas.has(caPem)) return
  const blocks = caPem.match(CERTIFICATE_BLOCK) ?? []
  const readable = blocks.every((block) => {
    try {
      new X509Certificate(block)
      return true
    } catch {
      return false
    }
  })
  if (blocks.length > 0 && readable) {
    readableCas.add(caPem)
    return
  }
  throw new ConfigError(
    'CA_CERTIFICATE_INVALID',
    blocks.length === 0
      ? 'The CA file the profile trusts has no PEM certificate ("-----BEGIN CERTIFICATE-----").'
      : 'The CA file the profile trusts has a certificate that cannot be read.',
    {
      suggestions: [
        'Point caFile in the profile at the PEM file of the CA that issued the server\'s certificate ("hcal profile show" prints its path).',
      ],
    },
  )
}

/** The PEM of the profile's caFile, checked; undefined when the profile trusts no extra CA. */
export async function readProfileCa(caFile: string | undefined): Promise<string | undefined> {
  if (!caFile) return undefined
  const {readFile} = await import('node:fs/promises')
  let pem: string
  try {
    pem = await readFile(caFile, 'utf8')
  } catch (error) {
    throw new ConfigError('CA_FILE_UNREADABLE', `Cannot read the CA file the profile trusts (${caFile}).`, {
      cause: error,
      suggestions: [
        'Point caFile in the profile at a readable PEM file, or remove caFile to trust only the system CAs.',
      ],
    })
  }
  assertCaPem(pem)
  return pem
}

const contexts = new Map<string, SecureContext>()

/**
 * One TLS context trusting the system roots and `caPem`, built once per CA and shared by every connection
 * that trusts it. Handing agents `ca` instead makes each new connection parse the ~140 system roots again
 * (tens of milliseconds of CPU per connection) and makes https.Agent key every request by their text.
 */
export function secureContextTrusting(caPem: string): SecureContext {
  let context = contexts.get(caPem)
  if (!context) {
    context = createSecureContext({ca: [...rootCertificates, caPem]})
    contexts.set(caPem, context)
  }
  return context
}

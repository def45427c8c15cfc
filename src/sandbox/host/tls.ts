import {webcrypto} from 'node:crypto'
import {readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {ensureDir, errnoOf} from '../../lib/config/dirs.js'
import * as x509 from './x509.js'

const RSA_SHA256: webcrypto.RsaHashedKeyGenParams = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
}

// The server key is made on every start: P-256 takes a millisecond where RSA 2048 takes hundreds.
const SERVER_KEY: webcrypto.EcKeyGenParams = {name: 'ECDSA', namedCurve: 'P-256'}

const CA_CERT_FILE = 'sandbox-ca.pem'
const CA_KEY_FILE = 'sandbox-ca.key'
const DAY_MS = 86_400_000

export interface SandboxTls {
  caPem: string
  /** PEM certificate and PKCS#8 key of the server (leaf) certificate. */
  certPem: string
  keyPem: string
}

/** Where the CA certificate (PEM) is kept in a state directory: the file a profile trusts. */
export function caCertificatePath(stateDir: string): string {
  return join(stateDir, CA_CERT_FILE)
}

interface CertificateAuthority {
  cert: x509.X509Certificate
  privateKey: webcrypto.CryptoKey
  pem: string
}

function serialNumber(): string {
  // Positive, 16 random bytes: the first nibble below 8 keeps the DER integer positive.
  const bytes = webcrypto.getRandomValues(new Uint8Array(16))
  bytes[0] = (bytes[0] ?? 0) & 0x7f
  return Buffer.from(bytes).toString('hex')
}

function keyToPem(der: ArrayBuffer): string {
  return x509.PemConverter.encode(der, 'PRIVATE KEY')
}

async function createAuthority(): Promise<CertificateAuthority> {
  const keys = await webcrypto.subtle.generateKey(RSA_SHA256, true, ['sign', 'verify'])
  const now = Date.now()
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: 'CN=hcal sandbox CA, O=hcal sandbox',
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + 3650 * DAY_MS),
    keys,
    signingAlgorithm: RSA_SHA256,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  })
  return {cert, privateKey: keys.privateKey, pem: cert.toString('pem')}
}

async function importAuthority(certPem: string, keyPem: string): Promise<CertificateAuthority> {
  const cert = new x509.X509Certificate(certPem)
  const privateKey = await webcrypto.subtle.importKey(
    'pkcs8',
    x509.PemConverter.decodeFirst(keyPem),
    RSA_SHA256,
    false,
    ['sign'],
  )
  return {cert, privateKey, pem: cert.toString('pem')}
}

/** Reuses the CA kept in `stateDir` (so a trusted CA file stays valid across runs), or creates one there. */
async function loadOrCreateAuthority(stateDir: string | undefined): Promise<CertificateAuthority> {
  if (!stateDir) return createAuthority()
  const certPath = caCertificatePath(stateDir)
  const keyPath = join(stateDir, CA_KEY_FILE)
  try {
    const [certPem, keyPem] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')])
    const authority = await importAuthority(certPem, keyPem)
    if (authority.cert.notAfter.getTime() > Date.now() + DAY_MS) return authority
  } catch (error) {
    // ENOTDIR: a file sits where the state directory should be; ensureDir below names it.
    if (!['ENOENT', 'ENOTDIR'].includes(errnoOf(error) ?? '')) throw error
  }
  const authority = await createAuthority()
  const keyDer = await webcrypto.subtle.exportKey('pkcs8', authority.privateKey)
  await ensureDir(stateDir)
  await writeFile(keyPath, keyToPem(keyDer), {mode: 0o600})
  await writeFile(certPath, authority.pem, {mode: 0o644})
  return authority
}

async function issueServerCertificate(authority: CertificateAuthority): Promise<{certPem: string; keyPem: string}> {
  const keys = await webcrypto.subtle.generateKey(SERVER_KEY, true, ['sign', 'verify'])
  const now = Date.now()
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: 'CN=127.0.0.1, O=hcal sandbox',
    issuer: authority.cert.subject,
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + 365 * DAY_MS),
    signingKey: authority.privateKey,
    publicKey: keys.publicKey,
    signingAlgorithm: RSA_SHA256,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        {type: 'ip', value: '127.0.0.1'},
        {type: 'ip', value: '::1'},
        {type: 'dns', value: 'localhost'},
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(authority.cert),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  })
  const keyDer = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)
  return {certPem: cert.toString('pem'), keyPem: keyToPem(keyDer)}
}

/** The sandbox CA (kept in `stateDir` when given, else in memory only) and a fresh server certificate. */
export async function prepareTls(stateDir?: string): Promise<SandboxTls> {
  const authority = await loadOrCreateAuthority(stateDir)
  const server = await issueServerCertificate(authority)
  return {caPem: authority.pem, ...server}
}

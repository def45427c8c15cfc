import {createPrivateKey, randomBytes, webcrypto} from 'node:crypto'

import * as x509 from '../../src/sandbox/host/x509.js'

/**
 * A self-signed RSA certificate and its PKCS#8 key, as `openssl req -x509 -newkey rsa:2048` gives them: the
 * kind of certificate an Entra app registration accepts (Entra verifies client assertions with RSA only).
 */
export async function rsaCertificate(
  options: {days?: number; name?: string} = {},
): Promise<{certificatePem: string; privateKeyPem: string}> {
  const algorithm = {
    name: 'RSASSA-PKCS1-v1_5',
    hash: 'SHA-256',
    publicExponent: new Uint8Array([1, 0, 1]),
    modulusLength: 2048,
  }
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair
  const now = Date.now()
  const certificate = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: randomBytes(8).toString('hex'),
      name: options.name ?? 'CN=hcal test app',
      notBefore: new Date(now - 86_400_000),
      notAfter: new Date(now + (options.days ?? 365) * 86_400_000),
      signingAlgorithm: algorithm,
      keys,
    },
    webcrypto as unknown as Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[1],
  )
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey))
  const privateKeyPem = createPrivateKey({key: pkcs8, format: 'der', type: 'pkcs8'})
    .export({format: 'pem', type: 'pkcs8'})
    .toString()
  return {certificatePem: certificate.toString('pem'), privateKeyPem}
}

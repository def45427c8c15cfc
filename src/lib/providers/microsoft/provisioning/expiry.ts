/**
 * `expiry`: when the app's credential stops working. A certificate says so itself (notAfter); a client
 * secret's expiry is known only when the admin declared it (--client-secret-expires), so an undeclared one
 * is held to Entra's longest secret lifetime (24 months) from when hcal stored it.
 */
import {expiryCheck, type ProofCheck} from '../../../provisioning/checks.js'
import {PORTAL} from './portal.js'

/** Entra lets a client secret live at most 24 months (the portal's longest choice). */
const SECRET_MAX_AGE_DAYS = 730

export function credentialExpiryCheck(
  auth: 'secret' | 'certificate',
  dates: {expiresAt?: string | null; storedAt?: string | null},
  nowMs: number = Date.now(),
): ProofCheck {
  return auth === 'certificate'
    ? expiryCheck(
        'expiry',
        {
          what: 'the certificate',
          ...dates,
          rotate:
            `Create a new certificate, upload it in ${PORTAL.certificatesAndSecrets} and run ` +
            '"hcal provision microsoft --certificate NEW.pem --skip-consent" with the same tenant and client ID.',
        },
        nowMs,
      )
    : expiryCheck(
        'expiry',
        {
          what: 'the client secret',
          ...dates,
          maxAgeDays: SECRET_MAX_AGE_DAYS,
          rotate:
            `Add a new client secret in ${PORTAL.certificatesAndSecrets} (or switch to a certificate) and run ` +
            '"hcal provision microsoft --client-secret-stdin --client-secret-expires DATE --skip-consent" with the same tenant and client ID.',
        },
        nowMs,
      )
}

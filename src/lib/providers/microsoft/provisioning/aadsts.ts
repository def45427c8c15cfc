/**
 * What an AADSTS code from Microsoft Entra ID means for an admin provisioning hcal, and the step that fixes
 * it. Entra sends these on the token endpoint (error_description "AADSTSnnn: ...") and on the admin-consent
 * redirect (error_description). Codes outside the table keep Microsoft's own text.
 */
import {PORTAL} from './portal.js'

export interface AadstsExplanation {
  /** hcal's code for it, MICROSOFT_*. */
  code: string
  cause: string
  fix: string
}

const notAdmin = (): AadstsExplanation => ({
  code: 'MICROSOFT_CONSENT_NOT_ADMIN',
  cause: 'the account that answered the consent prompt may not grant tenant-wide consent',
  fix: 'Open the consent URL signed in as a Global Administrator or Privileged Role Administrator.',
})

const consentMissing = (cause: string): AadstsExplanation => ({
  code: 'MICROSOFT_CONSENT_MISSING',
  cause,
  fix: `Run the command again without --skip-consent and accept the prompt, or use Grant admin consent in ${PORTAL.apiPermissions}.`,
})

const TABLE: Record<number, (context: AadstsContext) => AadstsExplanation> = {
  65004: () => ({
    code: 'MICROSOFT_CONSENT_DENIED',
    cause: 'the administrator declined the consent prompt',
    fix: 'Run the command again and accept the prompt, signed in as a Global Administrator or Privileged Role Administrator of the tenant.',
  }),
  65001: () => consentMissing('the app has not been granted admin consent in this tenant'),
  7000229: () => consentMissing('the app has no service principal in the tenant: nobody has consented to it yet'),
  90094: notAdmin,
  90099: notAdmin,
  50011: ({redirectUri}) => ({
    code: 'MICROSOFT_REDIRECT_URI_UNREGISTERED',
    cause: `the app registration does not list the redirect URI ${redirectUri ?? 'in the consent URL'}`,
    fix: `Add ${PORTAL.consentRedirect} as a Web redirect URI in ${PORTAL.authentication} (Entra ignores the port of a localhost URI), then run the command again.`,
  }),
  7000215: () => ({
    code: 'MICROSOFT_SECRET_REJECTED',
    cause: "the client secret is not the app's (a secret ID, another app's secret, or a deleted one)",
    fix: `Copy the secret's Value (not its Secret ID) from ${PORTAL.certificatesAndSecrets}, or add a new secret there, and pass it again.`,
  }),
  7000222: () => ({
    code: 'MICROSOFT_SECRET_EXPIRED',
    cause: 'the client secret has expired',
    fix: `Add a new client secret in ${PORTAL.certificatesAndSecrets} and pass it (or use a certificate, which Microsoft recommends).`,
  }),
  700027: ({thumbprint}) => ({
    code: 'MICROSOFT_CERTIFICATE_REJECTED',
    cause: `the certificate${thumbprint ? ` (SHA-256 thumbprint ${thumbprint})` : ''} is not registered on the app, or the key does not match it`,
    fix: `Upload the certificate (its public part, .cer/.pem) in ${PORTAL.certificatesAndSecrets}, then run the command again.`,
  }),
  700016: ({clientId, tenant}) => ({
    code: 'MICROSOFT_APP_UNKNOWN',
    cause: `no application ${clientId ?? ''} is registered in tenant ${tenant ?? ''}`.replace(/ {2,}/g, ' '),
    fix: "Check --client-id (the app registration's Application (client) ID on its Overview page) and --tenant (the tenant it is registered in).",
  }),
  90002: ({tenant}) => ({
    code: 'MICROSOFT_TENANT_UNKNOWN',
    cause: `Microsoft Entra ID does not know tenant ${tenant ?? ''}`.trim(),
    fix: 'Check --tenant (the Directory (tenant) ID on the app registration Overview page, or a verified domain); a tenant in a national cloud also needs --cloud.',
  }),
  700024: () => ({
    code: 'MICROSOFT_CLOCK_SKEW',
    cause: "the certificate assertion's validity does not cover Microsoft's current time: this machine's clock is off",
    fix: "Synchronise this machine's clock (NTP) and run the command again.",
  }),
  500011: () => ({
    code: 'MICROSOFT_RESOURCE_UNKNOWN',
    cause: "the tenant does not know Microsoft Graph at this cloud's address",
    fix: 'Check --cloud: national clouds have their own Graph host, and the app must be registered in that cloud.',
  }),
  53003: () => ({
    code: 'MICROSOFT_CONDITIONAL_ACCESS',
    cause: 'a Conditional Access policy blocked the app',
    fix: 'Exclude the app (its service principal) from the Conditional Access policy for workload identities, or allow this location.',
  }),
  7000112: () => ({
    code: 'MICROSOFT_APP_DISABLED',
    cause: 'the app is disabled in the tenant',
    fix: 'Enable it: Entra admin center > Enterprise applications > (the app) > Properties > Enabled for users to sign in.',
  }),
}

export interface AadstsContext {
  tenant?: string
  clientId?: string
  redirectUri?: string
  thumbprint?: string
}

/** The AADSTS number in an error (MSAL's `errorNo`, or the "AADSTSnnn" text Entra puts in descriptions). */
export function aadstsNumberOf(error: {
  errorNo?: unknown
  message?: unknown
  errorMessage?: unknown
}): number | undefined {
  const fromText = (value: unknown) => (typeof value === 'string' ? /AADSTS(\d+)/.exec(value)?.[1] : undefined)
  const raw = error.errorNo ?? fromText(error.errorMessage) ?? fromText(error.message)
  const number = Number(raw)
  return Number.isInteger(number) && number > 0 ? number : undefined
}

/** The explanation of an AADSTS code; undefined for codes hcal has no better words for. */
export function explainAadsts(number: number | undefined, context: AadstsContext = {}): AadstsExplanation | undefined {
  return number === undefined ? undefined : TABLE[number]?.(context)
}

/**
 * Microsoft 365: an Entra app registration with application permissions (client secret or certificate),
 * Graph v1.0. What hcal keeps about it, what it needs, and how doctor checks it.
 */
import type {CheckOutcome} from '../../doctor/types.js'
import {connectionCheck, outcomeOf, readSecret} from '../checks.js'
import {type ConnectionOf, email, httpsUrl, oneOf, optional, text} from '../schema.js'
import {defineProvider, type ProviderCheckInput} from '../types.js'
import {MICROSOFT_CAPABILITIES} from './capabilities.js'
import {MICROSOFT_SCOPE} from './scope.js'
import {
  CERTIFICATE_KEY_ENV,
  CERTIFICATE_KEY_HOW_TO_SET,
  CERTIFICATE_KEY_SECRET,
  certificateKeyProblem,
  resolveCertificateCredential,
} from './certificate.js'
import {CLOUD_IDS} from './provisioning/clouds.js'
import {looksLikeSecretId} from './provisioning/credential.js'

const CLIENT_SECRET = 'microsoft.clientSecret'
const CLIENT_SECRET_ENV = 'HCAL_MICROSOFT_CLIENT_SECRET'
const SECRETS_PAGE = 'Entra admin center > App registrations > (the app) > Certificates & secrets'

const fields = {
  tenantId: text('The tenant: its ID (GUID) or a verified domain.'),
  clientId: text("The app registration's application (client) ID."),
  auth: oneOf(['secret', 'certificate'], 'How the app proves itself: a client secret or a certificate (recommended).'),
  certificateThumbprint: optional(
    text('SHA-256 thumbprint of the registered certificate (when the stored key has no certificate after it).'),
  ),
  testMailbox: optional(email('A mailbox to prove access with (doctor, provisioning).')),
  cloud: optional(
    oneOf(CLOUD_IDS, 'The Microsoft cloud of the tenant: global (default), usgov, usgovdod or china (21Vianet).'),
  ),
}

/** Endpoint overrides, in the profile's endpoints.microsoft. */
const endpoints = {
  authorityOrigin: optional(httpsUrl('Replaces https://login.microsoftonline.com (sandbox, national clouds).')),
  graphOrigin: optional(httpsUrl('Replaces https://graph.microsoft.com (sandbox, national clouds).')),
}

export type MicrosoftConnection = ConnectionOf<typeof fields>

declare module '../../core/model.js' {
  interface CalendarSystems {
    microsoft: MicrosoftConnection
  }
}

/** The auth mode to check: the profile's, or what the secrets set suggest when the section is unusable. */
function authMode(input: ProviderCheckInput<MicrosoftConnection>): 'secret' | 'certificate' {
  if (input.connection) return input.connection.auth
  const written = (input.section as {auth?: unknown} | undefined)?.auth
  if (written === 'secret' || written === 'certificate') return written
  return input.secretsInEnv.includes(CERTIFICATE_KEY_ENV) ? 'certificate' : 'secret'
}

async function checkClientSecret(input: ProviderCheckInput<MicrosoftConnection>): Promise<CheckOutcome> {
  const secret = await readSecret(input, CLIENT_SECRET)
  if (!secret.ok) return secret.outcome
  if (looksLikeSecretId(secret.value)) {
    return {
      status: 'fail',
      code: 'MICROSOFT_SECRET_IS_ID',
      message: `${CLIENT_SECRET} looks like the secret's ID (a GUID), not its value`,
      fix: `In the ${SECRETS_PAGE}, copy the secret's Value column (shown once; add a new secret if it is hidden) and store that.`,
    }
  }
  return {status: 'pass', message: 'client secret is set'}
}

/** The stored key is usable. Its expiry is microsoft.expiry's (from the certificate itself). */
async function checkCertificate(input: ProviderCheckInput<MicrosoftConnection>): Promise<CheckOutcome> {
  const key = await readSecret(input, CERTIFICATE_KEY_SECRET)
  if (!key.ok) return key.outcome
  return outcomeOf(CERTIFICATE_KEY_SECRET, () => {
    const resolved = resolveCertificateCredential({
      privateKeyPem: key.value,
      thumbprintSha256: input.connection?.certificateThumbprint,
    })
    return `certificate key is readable (thumbprint ${resolved.thumbprintSha256.slice(0, 12)}…${resolved.notAfter ? `, valid until ${resolved.notAfter}` : ''})`
  })
}

/** The live checks load the SDKs, so they are imported when doctor runs them, not with this module. */
const live = () => import('./provisioning/doctor-checks.js')

export const microsoft = defineProvider({
  id: 'microsoft',
  displayName: 'Microsoft 365',
  connection: {
    fields,
    summary: (c: MicrosoftConnection) =>
      `tenant ${c.tenantId}, app ${c.clientId} (${c.auth})${c.cloud && c.cloud !== 'global' ? `, cloud ${c.cloud}` : ''}`,
  },
  endpoints,
  secrets: {
    [CLIENT_SECRET]: {
      env: CLIENT_SECRET_ENV,
      description: 'Microsoft Entra app registration client secret.',
      howToSet:
        `Copy the secret's Value from the ${SECRETS_PAGE} and store it with ` +
        `"hcal secrets set ${CLIENT_SECRET}" (hidden prompt or --stdin), or put it in ${CLIENT_SECRET_ENV} in CI.`,
    },
    [CERTIFICATE_KEY_SECRET]: {
      env: CERTIFICATE_KEY_ENV,
      description: 'PEM private key of the certificate registered on the Microsoft Entra app.',
      howToSet: CERTIFICATE_KEY_HOW_TO_SET,
      invalidReason: certificateKeyProblem,
    },
  } as const,
  doctorChecks: [
    connectionCheck<MicrosoftConnection>(),
    {
      name: 'credentials',
      run: (input) => (authMode(input) === 'secret' ? checkClientSecret(input) : checkCertificate(input)),
    },
    {name: 'token', run: async (input) => (await live()).tokenCheck(input)},
    {name: 'mailbox', run: async (input) => (await live()).mailboxCheck(input)},
    {name: 'clock', run: async (input) => (await live()).clockCheck(input)},
    {name: 'expiry', run: async (input) => (await live()).expiryOutcome(input)},
  ],
  capabilities: MICROSOFT_CAPABILITIES,
  validator: () => import('./validate.js'),
  calendar: () => import('./calendar/index.js'),
  scope: MICROSOFT_SCOPE,
})

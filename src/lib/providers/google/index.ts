/**
 * Google Workspace: a service account with domain-wide delegation acting as each user (Calendar v3 and
 * Gmail vacation settings). What hcal keeps about it, what it needs, and how doctor checks it.
 */
import {connectionCheck, outcomeOf, readSecret} from '../checks.js'
import {type ConnectionOf, email, httpsUrl, optional, text} from '../schema.js'
import {defineProvider, type ProviderCheck} from '../types.js'
import {GOOGLE_CAPABILITIES} from './capabilities.js'
import {GOOGLE_SCOPE} from './scope.js'
import {
  GOOGLE_KEY_ENV,
  GOOGLE_KEY_HOW_TO_SET,
  GOOGLE_KEY_SECRET,
  parseServiceAccountKey,
  serviceAccountKeyProblem,
} from './key.js'

const fields = {
  clientId: text("The service account's numeric client ID (the one to authorise for domain-wide delegation)."),
  clientEmail: email("The service account's address (client_email in its key)."),
  domain: text('The Workspace primary domain.'),
  testUser: optional(email('A user to prove delegation with (doctor, provisioning).')),
}

/** Endpoint overrides, in the profile's endpoints.google. */
const endpoints = {
  tokenUrl: optional(httpsUrl('Replaces https://oauth2.googleapis.com/token (sandbox, private endpoint).')),
  rootUrl: optional(httpsUrl('Replaces https://www.googleapis.com/ for API calls (sandbox, private endpoint).')),
}

export type GoogleConnection = ConnectionOf<typeof fields>

/**
 * A check that proves the connection over the network (provisioning's proof, shared by the checks of one
 * doctor run); loaded on use, so listing providers never loads the SDKs.
 */
function provenCheck(name: 'token' | 'mailbox' | 'clock' | 'key-age'): ProviderCheck<GoogleConnection> {
  return {
    name,
    run: async (input) => (await import('./provisioning/doctor.js')).runGoogleDoctorCheck(name, input),
  }
}

declare module '../../core/model.js' {
  interface CalendarSystems {
    google: GoogleConnection
  }
}

export const google = defineProvider({
  id: 'google',
  displayName: 'Google Workspace',
  connection: {
    fields,
    summary: (c: GoogleConnection) => `${c.domain}, service account ${c.clientEmail} (client ID ${c.clientId})`,
  },
  endpoints,
  secrets: {
    [GOOGLE_KEY_SECRET]: {
      env: GOOGLE_KEY_ENV,
      description: 'Google service-account key (the JSON file downloaded from the Cloud console).',
      howToSet: GOOGLE_KEY_HOW_TO_SET,
      invalidReason: serviceAccountKeyProblem,
    },
  } as const,
  doctorChecks: [
    connectionCheck<GoogleConnection>(),
    {
      name: 'credentials',
      async run(input) {
        const secret = await readSecret(input, GOOGLE_KEY_SECRET)
        if (!secret.ok) return secret.outcome
        let owner = ''
        const outcome = outcomeOf(GOOGLE_KEY_SECRET, () => {
          owner = parseServiceAccountKey(secret.value).client_email
          return `service-account key for ${owner} is well-formed`
        })
        const expected = input.connection?.clientEmail
        if (outcome.status !== 'pass' || !expected || owner.toLowerCase() === expected.toLowerCase()) return outcome
        return {
          status: 'warn',
          message: `${GOOGLE_KEY_SECRET} is the key of ${owner}, not of ${expected} (the profile's clientEmail)`,
          fix: `Store the key of ${expected}, or correct google.clientEmail in the profile. ${GOOGLE_KEY_HOW_TO_SET}`,
        }
      },
    },
    provenCheck('token'),
    provenCheck('mailbox'),
    provenCheck('clock'),
    provenCheck('key-age'),
  ],
  capabilities: GOOGLE_CAPABILITIES,
  validator: () => import('./validate.js'),
  calendar: () => import('./calendar/index.js'),
  scope: GOOGLE_SCOPE,
})

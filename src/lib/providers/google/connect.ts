/**
 * Google clients for one profile: the service-account key from the SecretStore, the endpoint overrides
 * from `profile.endpoints.google` and the profile's CA, acting as `subject` (or, without one, as the service
 * account itself) with hcal's scopes.
 */
import type {ConnectionInput} from '../connection.js'
import {createGoogleClients, type GoogleClients} from './client.js'
import {GOOGLE_SCOPES} from './delegation.js'
import type {GoogleConnection} from './index.js'
import {GOOGLE_KEY_SECRET} from './key.js'

export async function googleClientsFor(
  input: ConnectionInput<GoogleConnection>,
  subject: string | undefined,
  scopes: readonly string[] = GOOGLE_SCOPES,
): Promise<GoogleClients> {
  const clients = createGoogleClients({
    serviceAccountJson: await input.secret(GOOGLE_KEY_SECRET),
    ...(subject ? {subject} : {}),
    scopes: [...scopes],
    ...(input.endpoints.tokenUrl ? {tokenUrl: input.endpoints.tokenUrl} : {}),
    ...(input.endpoints.rootUrl ? {rootUrl: input.endpoints.rootUrl} : {}),
    ...(input.caPem ? {caPem: input.caPem} : {}),
    // Each user's requests count against that user's quota, not the service account's 600 a minute.
    quotaUser: true,
  })
  // hcal's retry policy (src/lib/retry) is the only one: gaxios would otherwise retry the same 429/5xx first.
  clients.auth.transporter.interceptors.request.add({
    resolved: async (config) => {
      config.retry = false
      if (config.retryConfig) config.retryConfig = {...config.retryConfig, retry: 0}
      return config
    },
  })
  return clients
}

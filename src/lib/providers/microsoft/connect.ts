/**
 * Microsoft clients for one profile: the app's client secret or certificate key from the SecretStore, the
 * endpoint overrides from `profile.endpoints.microsoft` and the profile's CA.
 */
import {RetryHandlerOptions} from '@microsoft/microsoft-graph-client'

import type {ConnectionInput} from '../connection.js'
import {CERTIFICATE_KEY_SECRET} from './certificate.js'
import {createMicrosoftClients, type MicrosoftClientOptions, type MicrosoftClients} from './client.js'
import type {MicrosoftConnection} from './index.js'
import {endpointsFor} from './provisioning/target.js'

const CLIENT_SECRET = 'microsoft.clientSecret'

export async function microsoftClientsFor(
  input: ConnectionInput<MicrosoftConnection>,
  options: Pick<MicrosoftClientOptions, 'onIdentityExchange'> = {},
): Promise<MicrosoftClients> {
  const {connection, endpoints} = input
  const certificate = connection.auth === 'certificate'
  const credential = await input.secret(certificate ? CERTIFICATE_KEY_SECRET : CLIENT_SECRET)
  return createMicrosoftClients({
    tenantId: connection.tenantId,
    clientId: connection.clientId,
    ...(certificate
      ? {certificate: {privateKeyPem: credential, thumbprintSha256: connection.certificateThumbprint}}
      : {clientSecret: credential}),
    // The cloud's endpoints and Graph resource, unless the profile overrides them (sandbox, private endpoint).
    ...endpointsFor(connection.cloud ?? 'global', endpoints),
    ...(input.caPem ? {caPem: input.caPem} : {}),
    ...options,
  })
}

/**
 * Per-request middleware options that turn the Graph client's own RetryHandler off: hcal's retry policy
 * (src/lib/retry) is the only one, or a 429 would be retried by both (4 x 4 requests).
 */
export function withoutSdkRetry(): RetryHandlerOptions[] {
  return [new RetryHandlerOptions(0, 0)]
}

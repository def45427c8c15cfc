/**
 * Microsoft clients for one profile: the app's client secret or certificate key from the SecretStore, the
 * endpoint overrides from `profile.endpoints.microsoft` and the profile's CA.
 */
import {RetryHandlerOptions} from '@microsoft/microsoft-graph-client'
import {decodeJwt} from 'jose'

import type {ConnectionInput} from '../connection.js'
import {CERTIFICATE_KEY_SECRET} from './certificate.js'
import {createMicrosoftClients, type MicrosoftClients} from './client.js'
import type {MicrosoftConnection} from './index.js'

const CLIENT_SECRET = 'microsoft.clientSecret'

export async function microsoftClientsFor(input: ConnectionInput<MicrosoftConnection>): Promise<MicrosoftClients> {
  const {connection, endpoints} = input
  const certificate = connection.auth === 'certificate'
  const credential = await input.secret(certificate ? CERTIFICATE_KEY_SECRET : CLIENT_SECRET)
  return createMicrosoftClients({
    tenantId: connection.tenantId,
    clientId: connection.clientId,
    ...(certificate
      ? {certificate: {privateKeyPem: credential, thumbprintSha256: connection.certificateThumbprint}}
      : {clientSecret: credential}),
    ...(endpoints.authorityOrigin ? {authorityOrigin: endpoints.authorityOrigin} : {}),
    ...(endpoints.graphOrigin ? {graphOrigin: endpoints.graphOrigin} : {}),
    ...(input.caPem ? {caPem: input.caPem} : {}),
  })
}

/**
 * The application permissions an app-only token carries (its `roles` claim). Decoded, not verified: it came
 * from the token endpoint over TLS, and Graph verifies it on every call.
 */
export function rolesOf(accessToken: string): string[] {
  try {
    const roles = decodeJwt(accessToken).roles
    return Array.isArray(roles) ? roles.filter((role): role is string => typeof role === 'string') : []
  } catch {
    return []
  }
}

/**
 * Per-request middleware options that turn the Graph client's own RetryHandler off: hcal's retry policy
 * (src/lib/retry) is the only one, or a 429 would be retried by both (4 x 4 requests).
 */
export function withoutSdkRetry(): RetryHandlerOptions[] {
  return [new RetryHandlerOptions(0, 0)]
}

/** Entra ID (AADSTS) OAuth error bodies, shaped like login.microsoftonline.com's. */
import {randomUUID} from 'node:crypto'

import type {FastifyReply} from 'fastify'

export interface AadstsError {
  status: number
  error: string
  code: number
  description: string
}

export function sendAadsts(
  reply: FastifyReply,
  origin: string,
  failure: AadstsError,
  correlationId?: string,
): FastifyReply {
  const traceId = randomUUID()
  const correlation = correlationId ?? randomUUID()
  const now = new Date()
  const timestamp = now
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z')
  return reply
    .code(failure.status)
    .header('x-ms-request-id', traceId)
    .header('cache-control', 'no-store, no-cache')
    .send({
      error: failure.error,
      error_description: `AADSTS${failure.code}: ${failure.description}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlation}\r\nTimestamp: ${timestamp}`,
      error_codes: [failure.code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlation,
      error_uri: `${origin}/error?code=${failure.code}`,
    })
}

export const aadsts = {
  /** What an injected fault looks like on the identity endpoints. */
  transient: (status: number): AadstsError => ({
    status,
    error: 'temporarily_unavailable',
    code: 90033,
    description: 'A transient error has occurred. Please try again.',
  }),
  unknownTenant: (tenant: string): AadstsError => ({
    status: 400,
    error: 'invalid_request',
    code: 90002,
    description: `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing in to the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
  }),
  unknownApp: (clientId: string, tenant: string): AadstsError => ({
    status: 400,
    error: 'unauthorized_client',
    code: 700016,
    description: `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
  }),
  noServicePrincipal: (clientId: string, tenantId: string): AadstsError => ({
    status: 400,
    error: 'invalid_client',
    code: 7000229,
    description: `The client application ${clientId} is missing service principal in the tenant ${tenantId}. See instructions here: https://go.microsoft.com/fwlink/?linkid=2225119`,
  }),
  invalidSecret: (clientId: string): AadstsError => ({
    status: 401,
    error: 'invalid_client',
    code: 7000215,
    description: `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
  }),
  missingCredential: (): AadstsError => ({
    status: 401,
    error: 'invalid_client',
    code: 7000218,
    description: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
  }),
  unknownCertificate: (thumbprint: string, clientId: string): AadstsError => ({
    status: 401,
    error: 'invalid_client',
    code: 700027,
    description: `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${thumbprint}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${clientId}'.]`,
  }),
  badAssertionSignature: (): AadstsError => ({
    status: 401,
    error: 'invalid_client',
    code: 700027,
    description: 'Client assertion failed signature validation.',
  }),
  malformedAssertion: (): AadstsError => ({
    status: 401,
    error: 'invalid_client',
    code: 50027,
    description: 'JWT token is invalid or malformed.',
  }),
  assertionAudience: (): AadstsError => ({
    status: 401,
    error: 'invalid_client',
    code: 700023,
    description:
      'Client assertion audience claim does not match Realm issuer. Review the documentation at https://aka.ms/certCredentials .',
  }),
  assertionIssuer: (): AadstsError => ({
    status: 401,
    error: 'invalid_client',
    code: 700021,
    description:
      "Client assertion application identifier doesn't match 'client_id' parameter. Review the documentation at https://aka.ms/certCredentials .",
  }),
  assertionExpired: (): AadstsError => ({
    status: 401,
    error: 'invalid_client',
    code: 700024,
    description:
      'Client assertion is not within its valid time range. Review the documentation at https://aka.ms/certCredentials .',
  }),
  unsupportedGrant: (grant: string): AadstsError => ({
    status: 400,
    error: 'unsupported_grant_type',
    code: 70003,
    description: `The app requested an unsupported grant type '${grant}'.`,
  }),
  scopeNotDefault: (scope: string): AadstsError => ({
    status: 400,
    error: 'invalid_scope',
    code: 1002012,
    description: `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
  }),
  unknownResource: (resource: string, tenant: string): AadstsError => ({
    status: 400,
    error: 'invalid_resource',
    code: 500011,
    description: `The resource principal named ${resource} was not found in the tenant named ${tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
  }),
}

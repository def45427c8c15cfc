/**
 * `hcal scope test --provider microsoft`: reads each mailbox's calendar as the app (client credentials,
 * Graph), to show which mailboxes its real token reaches. Loaded only when a scope test runs (it pulls in
 * msal-node and the Graph client).
 */
import {AuthError} from '../../errors.js'
import type {MailboxProbe, ScopeProbeRequest} from '../../scope/types.js'
import {CERTIFICATE_KEY_SECRET} from './certificate.js'
import {createMicrosoftClients, type MicrosoftClients} from './client.js'
import {classifyMicrosoftError, microsoftFailure} from './errors.js'
import type {MicrosoftConnection} from './index.js'
import {endpointsFor} from './provisioning/target.js'

const CLIENT_SECRET = 'microsoft.clientSecret'

function stringsOf(record: Record<string, unknown> | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(record ?? {}).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  )
}

async function clientsFor(request: ScopeProbeRequest<MicrosoftConnection>): Promise<MicrosoftClients> {
  const {connection} = request
  const name = connection.auth === 'certificate' ? CERTIFICATE_KEY_SECRET : CLIENT_SECRET
  const value = await request.secret(name)
  if (value === undefined) {
    throw new AuthError('SECRET_MISSING', `${name} is not set, so hcal cannot act as the app.`, {
      suggestions: [`Store it with "hcal secrets set ${name}", or provision again ("hcal provision microsoft").`],
    })
  }
  return createMicrosoftClients({
    tenantId: connection.tenantId,
    clientId: connection.clientId,
    ...(connection.auth === 'certificate'
      ? {certificate: {privateKeyPem: value, thumbprintSha256: connection.certificateThumbprint}}
      : {clientSecret: value}),
    // The tenant's cloud, unless the profile's endpoints.microsoft points elsewhere (sandbox, private endpoint).
    ...endpointsFor(connection.cloud ?? 'global', stringsOf(request.endpoints)),
    caPem: request.caPem,
  })
}

/** One mailbox: its calendar read, or the refusal; anything that is not about this mailbox is thrown. */
async function probe(clients: MicrosoftClients, mailbox: string): Promise<MailboxProbe> {
  try {
    // One event id is enough: the answer (200 or 403) is the mailbox's, whatever the calendar holds.
    const events = (await clients.graph
      .api(`/users/${encodeURIComponent(mailbox)}/calendar/events`)
      .top(1)
      .select('id')
      .get()) as {value?: unknown[]}
    return {access: 'readable', message: `read the calendar (${events.value?.length ? 'events' : 'no events'} listed)`}
  } catch (error) {
    const failure = classifyMicrosoftError(error)
    if (failure.kind === 'permission' && (failure.reason === 'denied' || failure.reason === 'outOfMailboxScope')) {
      return {
        access: 'denied',
        ...(failure.providerCode ? {providerCode: failure.providerCode} : {}),
        message: failure.message,
        ...(failure.reason === 'outOfMailboxScope' ? {deniedBy: 'application access policy'} : {}),
      }
    }
    if (failure.kind === 'notFound' && failure.target === 'mailbox') {
      return {
        access: 'missing',
        ...(failure.providerCode ? {providerCode: failure.providerCode} : {}),
        message: failure.message,
      }
    }
    // The token, consent or the network: no mailbox can tell anything, so the test stops with that cause.
    throw microsoftFailure(error)
  }
}

export async function probeMicrosoftMailboxes(
  request: ScopeProbeRequest<MicrosoftConnection>,
): Promise<MailboxProbe[]> {
  const clients = await clientsFor(request)
  try {
    const results: MailboxProbe[] = []
    for (const mailbox of request.mailboxes) results.push(await probe(clients, mailbox))
    return results
  } finally {
    await clients.close()
  }
}

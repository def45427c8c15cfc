/**
 * `hcal scope test --provider exchange`: binds each mailbox's calendar while impersonating it, to show which
 * mailboxes the service account really reaches. Loaded only when a scope test runs (ews-javascript-api).
 */
import {Folder, FolderId, Mailbox, WellKnownFolderName} from 'ews-javascript-api'

import {AuthError} from '../../errors.js'
import type {MailboxProbe, ScopeProbeRequest} from '../../scope/types.js'
import {createExchangeService} from './client.js'
import {classifyExchangeError, exchangeFailure} from './errors.js'
import type {ExchangeConnection} from './index.js'

const PASSWORD = 'exchange.password'

async function probe(request: ScopeProbeRequest<ExchangeConnection>, password: string, mailbox: string) {
  const {connection} = request
  const service = createExchangeService({
    ewsUrl: connection.ewsUrl,
    username: connection.username,
    password,
    auth: connection.auth,
    caPem: request.caPem,
    impersonate: mailbox,
  })
  try {
    const folder = await Folder.Bind(service, new FolderId(WellKnownFolderName.Calendar, new Mailbox(mailbox)))
    return {access: 'readable', message: `read the calendar "${folder.DisplayName}"`} satisfies MailboxProbe
  } catch (error) {
    const failure = classifyExchangeError(error)
    const code = failure.providerCode ? {providerCode: failure.providerCode} : {}
    if (failure.kind === 'permission' && failure.reason === 'impersonationDenied') {
      return {access: 'denied', ...code, message: failure.message, deniedBy: 'impersonation'} satisfies MailboxProbe
    }
    if (failure.kind === 'notFound' && failure.target === 'mailbox') {
      return {access: 'missing', ...code, message: failure.message} satisfies MailboxProbe
    }
    // Credentials, TLS or the network: no mailbox can tell anything, so the test stops with that cause.
    throw exchangeFailure(error, {account: connection.username})
  }
}

export async function probeExchangeMailboxes(request: ScopeProbeRequest<ExchangeConnection>): Promise<MailboxProbe[]> {
  const password = await request.secret(PASSWORD)
  if (password === undefined) {
    throw new AuthError('SECRET_MISSING', `${PASSWORD} is not set, so hcal cannot act as the service account.`, {
      suggestions: [`Store it with "hcal secrets set ${PASSWORD}", or provision again ("hcal provision exchange").`],
    })
  }
  const results: MailboxProbe[] = []
  for (const mailbox of request.mailboxes) results.push(await probe(request, password, mailbox))
  return results
}

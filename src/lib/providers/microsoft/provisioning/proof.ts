/**
 * The proof that a Microsoft 365 connection works, shared by `hcal provision microsoft` and `hcal doctor`:
 * a client-credentials token whose `roles` hold the application permissions hcal needs, and (with a test
 * mailbox) that mailbox's calendar and mailbox settings read through Graph. Each step is one ProofCheck
 * carrying Microsoft's answer turned into a cause and the step that fixes it.
 */
import {failed, passed, type ProofCheck, skipped} from '../../../provisioning/checks.js'
import {createMicrosoftClients, type MicrosoftClients} from '../client.js'
import {microsoftFailure} from '../errors.js'
import {aadstsNumberOf, explainAadsts} from './aadsts.js'
import {addRolesFix, PORTAL} from './portal.js'
import {tokenRoles} from './roles.js'

export interface MicrosoftProofTarget {
  tenantId: string
  clientId: string
  /** Exactly one: the client secret, or the PEM holding the certificate's key and the certificate. */
  clientSecret?: string
  certificatePem?: string
  /** SHA-256 thumbprint, for a PEM holding only the key (the profile's certificateThumbprint). */
  certificateThumbprint?: string
  authorityOrigin: string
  graphOrigin: string
  /** The cloud's Graph resource the token is asked for. */
  graphResource: string
  caPem?: string
}

export interface TokenProof {
  check: ProofCheck
  /** The roles the token carries (empty when no token came). */
  roles: string[]
}

function clientsFor(target: MicrosoftProofTarget): MicrosoftClients {
  return createMicrosoftClients({
    tenantId: target.tenantId,
    clientId: target.clientId,
    ...(target.clientSecret ? {clientSecret: target.clientSecret} : {}),
    ...(target.certificatePem
      ? {certificate: {privateKeyPem: target.certificatePem, thumbprintSha256: target.certificateThumbprint}}
      : {}),
    authorityOrigin: target.authorityOrigin,
    graphOrigin: target.graphOrigin,
    graphResource: target.graphResource,
    ...(target.caPem ? {caPem: target.caPem} : {}),
  })
}

/** A token request's failure as a check: the AADSTS code explained, or the neutral failure's fix. */
function tokenFailure(error: unknown, target: MicrosoftProofTarget, thumbprint?: string): ProofCheck {
  const number = aadstsNumberOf(error as {errorNo?: unknown; message?: unknown; errorMessage?: unknown})
  const explained = explainAadsts(number, {tenant: target.tenantId, clientId: target.clientId, thumbprint})
  const failure = microsoftFailure(error)
  const aadsts = number ? ` (AADSTS${number})` : ''
  return failed(
    'token',
    explained
      ? `no token for app ${target.clientId}: ${explained.cause}${aadsts}`
      : `no token for app ${target.clientId}: ${failure.message}`,
    explained?.fix ??
      (failure.suggestions.join(' ') ||
        'Check the tenant, the client ID and the credential, and the network path to the identity platform.'),
    explained?.code ?? failure.code,
    // Every AADSTS answer hcal explains is about the app, its credential or its consent; anything else
    // (no answer, a 5xx) is about reaching Microsoft.
    {auth: Boolean(explained) || failure.exitCode === 4},
  )
}

/** `token`: a client-credentials token is issued and its roles hold Calendars.ReadWrite and MailboxSettings.ReadWrite. */
export async function proveToken(
  clients: MicrosoftClients,
  target: MicrosoftProofTarget,
  thumbprint?: string,
): Promise<TokenProof> {
  let token: string
  try {
    token = await clients.getToken()
  } catch (error) {
    return {check: tokenFailure(error, target, thumbprint), roles: []}
  }
  const {roles, missing} = tokenRoles(token)
  if (missing.length > 0) {
    return {
      roles,
      check: failed(
        'token',
        `the token lacks the application permission${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (it has ${roles.length ? roles.join(', ') : 'no roles'})`,
        addRolesFix(missing),
        'MICROSOFT_ROLE_MISSING',
        {auth: true},
      ),
    }
  }
  return {roles, check: passed('token', `token issued for app ${target.clientId} with roles ${roles.join(', ')}`)}
}

/** `mailbox`: the test mailbox's calendar and its mailbox settings are readable with the app's token. */
export async function proveMailbox(clients: MicrosoftClients, mailbox: string): Promise<ProofCheck> {
  const path = `/users/${encodeURIComponent(mailbox)}`
  const reads: [string, () => Promise<unknown>][] = [
    ['calendar', () => clients.graph.api(`${path}/calendar/events`).select('id').top(1).get()],
    ['mailbox settings', () => clients.graph.api(`${path}/mailboxSettings`).get()],
  ]
  for (const [what, read] of reads) {
    try {
      await read()
    } catch (error) {
      const failure = microsoftFailure(error)
      const {kind} = failure.failure
      const fix =
        kind === 'notFound'
          ? `Check the address: the tenant has no mailbox ${mailbox} (or it has no Exchange Online license).`
          : kind === 'permission'
            ? `The app may not read ${mailbox}: add the application permissions in ${PORTAL.apiPermissions} and grant admin consent, ` +
              'or, when an RBAC for Applications scope or an application access policy limits the app, put the mailbox in its scope ' +
              '(a scope test with this mailbox shows whether it is in).'
            : failure.suggestions.join(' ') ||
              'Run "hcal doctor" again; if it persists, check the Microsoft 365 service health.'
      return failed('mailbox', `cannot read the ${what} of ${mailbox}: ${failure.message}`, fix, failure.code, {
        auth: failure.exitCode === 4,
      })
    }
  }
  return passed('mailbox', `read the calendar and mailbox settings of ${mailbox}`)
}

/** Runs the token proof and, when it passes and a mailbox is given, the mailbox proof. */
export async function proveMicrosoftAccess(
  target: MicrosoftProofTarget,
  options: {testMailbox?: string; thumbprint?: string} = {},
): Promise<{checks: ProofCheck[]; roles: string[]}> {
  const clients = clientsFor(target)
  try {
    const token = await proveToken(clients, target, options.thumbprint)
    const checks = [token.check]
    if (options.testMailbox) {
      checks.push(
        token.check.status === 'pass'
          ? await proveMailbox(clients, options.testMailbox)
          : skipped('mailbox', `not tried: no usable token to read ${options.testMailbox} with`),
      )
    }
    return {checks, roles: token.roles}
  } finally {
    await clients.close()
  }
}

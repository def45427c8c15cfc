/**
 * The checks that talk EWS: credentials and connectivity (one ConvertId, Cisco's connectivity test: any
 * answer to it, even "that id is malformed", proves the service account signed in and EWS works), the
 * server version its answer carries, and impersonation of a test mailbox (GetFolder of its calendar).
 */
import {
  AlternateId,
  type ExchangeService,
  Folder,
  FolderId,
  IdFormat,
  Mailbox,
  WellKnownFolderName,
} from 'ews-javascript-api'

import {failed, passed, type ProofCheck, skipped, warned} from '../../../provisioning/checks.js'
import {ewsResponseCode} from '../errors.js'
import {buildText, releaseOf, type ServerBuild} from './release.js'
import {impersonationAssignmentCommand, scopeFilterCommand} from './role-assignment.js'

export interface AccountContext {
  /** The service account as given (DOMAIN\user or UPN). */
  username: string
  auth: 'basic' | 'ntlm'
  /** Schemes the server offered (WWW-Authenticate of the TLS probe), to name a wrong --auth. */
  offeredSchemes?: string[]
}

interface HttpFailure {
  HttpStatusCode?: number
  message?: string
}

const SCHEME_OF = {basic: 'Basic', ntlm: 'NTLM'} as const

function httpStatus(error: unknown): number | undefined {
  const status = (error as HttpFailure | undefined)?.HttpStatusCode
  return typeof status === 'number' && status > 0 ? status : undefined
}

function errorText(error: unknown): string {
  return String((error as HttpFailure | undefined)?.message ?? error)
}

/** The credentials check for an EWS call that failed before Exchange looked at the request. */
export function credentialsFailure(error: unknown, account: AccountContext): ProofCheck | undefined {
  const status = httpStatus(error)
  if (status === 401) {
    const scheme = SCHEME_OF[account.auth]
    const offered = account.offeredSchemes ?? []
    const fix =
      offered.length > 0 && !offered.some((s) => s.toLowerCase() === scheme.toLowerCase())
        ? `The server does not offer ${scheme} authentication (it offers ${offered.join(', ')}): pass --auth ${account.auth === 'basic' ? 'ntlm' : 'basic'}.`
        : `Check the user name (DOMAIN\\user or user@domain), its password (not expired or locked out in Active Directory), and --auth (basic or ntlm: what the EWS virtual directory allows).`
    return failed(
      'credentials',
      `EWS refused ${account.username}'s credentials with ${account.auth === 'ntlm' ? 'NTLM' : 'Basic'} authentication (HTTP 401): wrong user name or password, or an authentication method the server does not allow`,
      fix,
      'EXCHANGE_AUTH_FAILED',
      {auth: true},
    )
  }
  if (status === 403) {
    return failed(
      'credentials',
      `EWS answered HTTP 403 for ${account.username}: the account signed in but may not use EWS`,
      `Allow EWS for the account (Set-CASMailbox -Identity "${account.username}" -EwsEnabled $true, and any EWS application policy: Get-OrganizationConfig | Format-List Ews*).`,
      'EXCHANGE_EWS_FORBIDDEN',
      {auth: true},
    )
  }
  return undefined
}

export interface ConnectivityProof {
  credentials: ProofCheck
  convertId: ProofCheck
  /** ServerVersionInfo of the answer, when there was one. */
  server?: ServerBuild
}

function serverBuildOf(service: ExchangeService): ServerBuild | undefined {
  const info = service.ServerInfo as
    {MajorVersion?: number; MinorVersion?: number; MajorBuildNumber?: number; MinorBuildNumber?: number} | undefined
  if (!info || typeof info.MajorVersion !== 'number' || Number.isNaN(info.MajorVersion)) return undefined
  return {
    major: info.MajorVersion,
    minor: info.MinorVersion ?? 0,
    build: info.MajorBuildNumber ?? 0,
    minorBuild: info.MinorBuildNumber ?? 0,
  }
}

/** An id no mailbox has: the answer (ErrorInvalidIdMalformed or similar) is what the probe wants. */
const PROBE_ID = 'AAMkAGhjYWwtY29ubmVjdGl2aXR5LXByb2Jl'

/**
 * One ConvertId as the service account (no impersonation). `mailbox` only fills the AlternateId's Mailbox
 * attribute; the request reads nothing from it.
 */
export async function proveConnectivity(
  service: ExchangeService,
  mailbox: string,
  account: AccountContext,
): Promise<ConnectivityProof> {
  try {
    await service.ConvertIds([new AlternateId(IdFormat.EwsId, PROBE_ID, mailbox)], IdFormat.EntryId)
  } catch (error) {
    const server = serverBuildOf(service)
    const refused = credentialsFailure(error, account)
    if (refused) return {credentials: refused, convertId: skipped('convert-id', 'not tried: the sign-in failed')}
    const code = ewsResponseCode(error)
    const status = httpStatus(error)
    if (code || status) {
      // Exchange read the request (a SOAP fault or an HTTP error past authentication): the sign-in worked.
      return {
        credentials: passed('credentials', `${account.username} signed in (${account.auth})`),
        convertId: failed(
          'convert-id',
          `ConvertId failed: ${code ?? `HTTP ${status}`} (${errorText(error)})`,
          'Check the Exchange server health (Test-ServiceHealth, the MSExchangeServicesAppPool in IIS) and its event log.',
          'EXCHANGE_EWS_FAILED',
        ),
        ...(server ? {server} : {}),
      }
    }
    return {
      credentials: failed(
        'credentials',
        `EWS could not be asked (${errorText(error)})`,
        'Check the network path to the EWS URL; the tls check above reached it a moment ago.',
        'EXCHANGE_UNREACHABLE',
      ),
      convertId: skipped('convert-id', 'not tried: EWS did not answer'),
    }
  }
  const server = serverBuildOf(service)
  return {
    credentials: passed('credentials', `${account.username} signed in (${account.auth})`),
    convertId: passed('convert-id', 'ConvertId answered: EWS works for the service account'),
    ...(server ? {server} : {}),
  }
}

const ISO_DAY = 10

/** Warns about a release Microsoft no longer supports (no security updates). */
export function serverVersionCheck(server: ServerBuild | undefined, nowMs: number = Date.now()): ProofCheck {
  const id = 'server-version'
  if (!server) {
    return warned(
      id,
      'EWS answered without ServerVersionInfo: the Exchange version is not known',
      'Check the version in the Exchange admin center (Servers) or with Get-ExchangeServer | Format-List Name,AdminDisplayVersion.',
      'EXCHANGE_VERSION_UNKNOWN',
    )
  }
  const build = buildText(server)
  const release = releaseOf(server)
  if (!release) return passed(id, `Exchange build ${build}, newer than the releases hcal knows`)
  if (!release.endOfSupport) return passed(id, `${release.product} (${build}), supported`)
  const today = new Date(nowMs).toISOString().slice(0, ISO_DAY)
  if (release.endOfSupport < today) {
    return warned(
      id,
      `${release.product} (${build}) is out of support since ${release.endOfSupport}: no security updates`,
      'Upgrade to Exchange Server SE (in place from Exchange 2019 CU14 or CU15; from 2016 or older, a new SE server and mailbox moves).',
      'EXCHANGE_VERSION_OUT_OF_SUPPORT',
    )
  }
  return passed(id, `${release.product} (${build}), supported until ${release.endOfSupport}`)
}

export interface ImpersonationContext extends AccountContext {
  mailbox: string
  /** The management scope the admin says limits the assignment (--management-scope). */
  managementScope?: string
}

/**
 * ErrorImpersonateUserDenied is the same answer for "no ApplicationImpersonation assignment" and "this
 * mailbox is outside the assignment's management scope": EWS does not tell them apart. With a scope
 * named by the admin, the mailbox falling outside it is the case to explain first (with the command that
 * shows the scope's filter), and the scoped assignment command second.
 */
function impersonationDenied(context: ImpersonationContext): ProofCheck {
  const {mailbox, username, managementScope} = context
  const assign = impersonationAssignmentCommand(username, managementScope)
  if (managementScope) {
    return failed(
      'impersonation',
      `${username} may not impersonate ${mailbox} (ErrorImpersonateUserDenied): ${mailbox} is outside management scope "${managementScope}", or no assignment with that scope exists`,
      `See which mailboxes the scope covers: ${scopeFilterCommand(managementScope)}; put ${mailbox} in it (the attribute or group its filter names) or pass a --test-user inside it. If the assignment is missing: ${assign}`,
      'EXCHANGE_IMPERSONATION_OUT_OF_SCOPE',
      {auth: true},
    )
  }
  return failed(
    'impersonation',
    `${username} may not impersonate ${mailbox} (ErrorImpersonateUserDenied): it has no ApplicationImpersonation role assignment that covers this mailbox`,
    `In the Exchange Management Shell: ${assign} (to limit it to some mailboxes, add -CustomRecipientWriteScope <scope> and re-run with --management-scope <scope>). A new assignment can take a few minutes to apply.`,
    'EXCHANGE_IMPERSONATION_DENIED',
    {auth: true},
  )
}

/** What a failed GetFolder under impersonation means. */
export function impersonationFailure(error: unknown, context: ImpersonationContext): ProofCheck {
  const refused = credentialsFailure(error, context)
  if (refused) return {...refused, id: 'impersonation'}
  const code = ewsResponseCode(error)
  switch (code) {
    case 'ErrorImpersonateUserDenied':
      return impersonationDenied(context)
    case 'ErrorNonExistentMailbox':
    case 'ErrorMailboxNotFound':
      return failed(
        'impersonation',
        `${context.mailbox} has no mailbox on this Exchange organisation (${code})`,
        'Pass --test-user with the primary SMTP address of a mailbox hosted on this Exchange server.',
        'EXCHANGE_MAILBOX_NOT_FOUND',
      )
    case 'ErrorImpersonationFailed':
      return failed(
        'impersonation',
        `Exchange could not act as ${context.mailbox} (ErrorImpersonationFailed)`,
        'Check that the mailbox account is enabled in Active Directory and that Exchange can reach a domain controller.',
        'EXCHANGE_IMPERSONATION_FAILED',
        {auth: true},
      )
    default:
      return failed(
        'impersonation',
        `reading ${context.mailbox}'s calendar as ${context.username} failed: ${code ?? errorText(error)}`,
        'Check the mailbox in the Exchange admin center and the server event log.',
        'EXCHANGE_IMPERSONATION_CHECK_FAILED',
        code === 'ErrorAccessDenied' || code === 'ErrorFolderNotFound' ? {auth: true} : {},
      )
  }
}

/** GetFolder of the test mailbox's calendar, with `service` impersonating it. */
export async function proveImpersonation(service: ExchangeService, context: ImpersonationContext): Promise<ProofCheck> {
  try {
    const folder = await Folder.Bind(service, new FolderId(WellKnownFolderName.Calendar, new Mailbox(context.mailbox)))
    return passed(
      'impersonation',
      `${context.username} impersonates ${context.mailbox}: calendar "${folder.DisplayName}" read (GetFolder)`,
    )
  } catch (error) {
    return impersonationFailure(error, context)
  }
}

/**
 * `hcal provision exchange` without the CLI: find the EWS URL (given, or Autodiscover), prove the
 * connection check by check, and, when nothing failed, store the password in the SecretStore and the
 * connection, the trusted CA and the provisioning record in the profile. Re-running with the same
 * settings and password changes nothing and says so. Callable without the CLI (a SecretStore is passed in),
 * so a demo can provision in-process.
 */
import {readFile} from 'node:fs/promises'
import {resolve} from 'node:path'

import {readProfileDocument} from '../../../config/profiles.js'
import {ConfigError, UsageError} from '../../../errors.js'
import {failed, type ProofCheck, skipped} from '../../../provisioning/checks.js'
import {saveProvisioning, summariseProof} from '../../../provisioning/record.js'
import type {SecretStore} from '../../../secrets/index.js'
import {assertCaPem} from '../../ca.js'
import type {ExchangeAuth} from '../client.js'
import {EXCHANGE_PASSWORD, type ExchangeConnection} from '../index.js'
import {autodiscover} from './autodiscover-step.js'
import {checkEwsUrl, INSECURE_FLAG} from './endpoint-url.js'
import {proveExchange} from './prove.js'
import {buildText, releaseOf} from './release.js'

export interface ProvisionExchangeOptions {
  profile: string
  secrets: SecretStore
  /** Exactly one of ewsUrl and autodiscoverEmail. */
  ewsUrl?: string
  autodiscoverEmail?: string
  username: string
  password: string
  /** Defaults to the profile's, else basic. */
  auth?: ExchangeAuth
  /** A PEM file of the CA that issued Exchange's certificate; becomes the profile's caFile. */
  caFile?: string
  allowInsecureHttp?: boolean
  /** Defaults to the Autodiscover address, else the profile's testMailbox. */
  testMailbox?: string
  /** The management scope of the impersonation assignment; defaults to the profile's. */
  managementScope?: string
  env?: NodeJS.ProcessEnv
  signal?: AbortSignal
  /** Told about accepted risks (plain http). */
  onWarning?(message: string): void
}

export interface ExchangeProvisioningResult {
  profile: string
  /** configured: new; updated: settings or password changed; unchanged: already configured; failed: nothing saved. */
  state: 'configured' | 'updated' | 'unchanged' | 'failed'
  /** What changed (connection fields, caFile, password); empty when unchanged or failed. */
  changes: string[]
  ewsUrl: string | null
  /** Where the EWS URL came from. */
  ewsUrlFrom: 'flag' | 'autodiscover'
  username: string
  auth: ExchangeAuth
  testMailbox: string | null
  managementScope: string | null
  caFile: string | null
  allowInsecureHttp: boolean
  /** The Exchange build and release the server reported (ServerVersionInfo). */
  server: {build: string; product: string | null} | null
  checks: ProofCheck[]
  /** When the password was stored (kept from the record when it did not change); null when failed. */
  passwordStoredAt: string | null
}

interface ProfileView {
  connection: Partial<ExchangeConnection>
  autodiscoverUrl?: string
  caFile?: string
}

async function profileView(name: string, env: NodeJS.ProcessEnv): Promise<ProfileView> {
  const document = await readProfileDocument(name, env)
  const section = document?.exchange
  const endpoints = (document?.endpoints as {exchange?: {autodiscoverUrl?: unknown}} | undefined)?.exchange
  return {
    connection: section && typeof section === 'object' ? (section as Partial<ExchangeConnection>) : {},
    ...(typeof endpoints?.autodiscoverUrl === 'string' ? {autodiscoverUrl: endpoints.autodiscoverUrl} : {}),
    ...(typeof document?.caFile === 'string' ? {caFile: document.caFile} : {}),
  }
}

async function readCa(path: string, given: boolean): Promise<string> {
  let pem: string
  try {
    pem = await readFile(path, 'utf8')
  } catch (error) {
    const why = `Cannot read the CA file ${path}: ${(error as Error).message}.`
    throw given
      ? new UsageError('CA_FILE_UNREADABLE', why, {cause: error, suggestions: ['Check the path passed to --ca-file.']})
      : new ConfigError('CA_FILE_UNREADABLE', why, {
          cause: error,
          suggestions: ['Pass --ca-file with the PEM of the CA that issued the Exchange certificate.'],
        })
  }
  assertCaPem(pem)
  return pem
}

const CONNECTION_FIELDS = ['ewsUrl', 'username', 'auth', 'testMailbox', 'managementScope', 'allowInsecureHttp'] as const

function connectionChanges(before: Partial<ExchangeConnection>, after: ExchangeConnection): string[] {
  return CONNECTION_FIELDS.filter((field) => before[field] !== after[field])
}

export async function provisionExchange(options: ProvisionExchangeOptions): Promise<ExchangeProvisioningResult> {
  const env = options.env ?? process.env
  if ((options.ewsUrl === undefined) === (options.autodiscoverEmail === undefined)) {
    throw new UsageError('EXCHANGE_ENDPOINT_MISSING', 'Pass exactly one of --ews-url and --autodiscover.', {
      suggestions: ['--ews-url https://<server>/EWS/Exchange.asmx, or --autodiscover <mailbox address>.'],
    })
  }
  const allowInsecureHttp = options.allowInsecureHttp ?? false
  if (options.ewsUrl !== undefined) checkEwsUrl(options.ewsUrl, allowInsecureHttp, '--ews-url')
  const view = await profileView(options.profile, env)
  const caFile = options.caFile === undefined ? view.caFile : resolve(options.caFile)
  const caPem = caFile === undefined ? undefined : await readCa(caFile, options.caFile !== undefined)
  const auth = options.auth ?? view.connection.auth ?? 'basic'
  // Flags first (--test-user, then the --autodiscover address), then what the profile has.
  const testMailbox = options.testMailbox ?? options.autodiscoverEmail ?? view.connection.testMailbox
  const managementScope = options.managementScope ?? view.connection.managementScope
  const credentials = {username: options.username, password: options.password, auth}
  const trust = {...(caPem ? {caPem} : {}), ...(caFile ? {caFile} : {})}

  const checks: ProofCheck[] = []
  let ewsUrl = options.ewsUrl
  if (options.autodiscoverEmail !== undefined) {
    const found = await autodiscover({
      email: options.autodiscoverEmail,
      ...(view.autodiscoverUrl ? {overrideUrl: view.autodiscoverUrl} : {}),
      ...credentials,
      ...trust,
      ...(options.signal ? {signal: options.signal} : {}),
    })
    checks.push(found.check)
    ewsUrl = found.ewsUrl
    if (ewsUrl && new URL(ewsUrl).protocol === 'http:' && !allowInsecureHttp) {
      checks[0] = failed(
        'autodiscover',
        `Autodiscover gave a plain http EWS URL (${ewsUrl})`,
        `Publish the https EWS URL (Set-WebServicesVirtualDirectory -InternalUrl/-ExternalUrl), or pass ${INSECURE_FLAG} for an isolated lab.`,
        'EXCHANGE_URL_INSECURE',
      )
      ewsUrl = undefined
    }
  }
  const base = {
    profile: options.profile,
    ewsUrlFrom: options.ewsUrl === undefined ? ('autodiscover' as const) : ('flag' as const),
    username: options.username,
    auth,
    testMailbox: testMailbox ?? null,
    managementScope: managementScope ?? null,
    caFile: caFile ?? null,
  }
  if (!ewsUrl) {
    const blocked = ['tls', 'credentials', 'convert-id', 'server-version', 'impersonation']
    checks.push(...blocked.map((id) => skipped(id, 'not tried: autodiscover failed')))
    return {
      ...base,
      state: 'failed',
      changes: [],
      ewsUrl: null,
      allowInsecureHttp,
      server: null,
      checks,
      passwordStoredAt: null,
    }
  }
  const insecure = new URL(ewsUrl).protocol === 'http:'
  if (insecure) {
    options.onWarning?.(
      `${ewsUrl} is plain http (${INSECURE_FLAG}): the service account's password crosses the network unencrypted.`,
    )
  }
  const proof = await proveExchange({
    ewsUrl,
    ...credentials,
    ...trust,
    allowInsecureHttp: insecure,
    ...(testMailbox ? {testMailbox} : {}),
    ...(managementScope ? {managementScope} : {}),
    ...(options.signal ? {signal: options.signal} : {}),
  })
  checks.push(...proof.checks)
  const server = proof.server
    ? {build: buildText(proof.server), product: releaseOf(proof.server)?.product ?? null}
    : null
  const result = {...base, ewsUrl, allowInsecureHttp: insecure, server, checks}
  if (checks.some((check) => check.status === 'fail')) {
    return {...result, state: 'failed', changes: [], passwordStoredAt: null}
  }

  const connection: ExchangeConnection = {
    ewsUrl,
    username: options.username,
    auth,
    ...(testMailbox ? {testMailbox} : {}),
    ...(managementScope ? {managementScope} : {}),
    ...(insecure ? {allowInsecureHttp: true} : {}),
  }
  const passwordChanged = (await options.secrets.get(EXCHANGE_PASSWORD)) !== options.password
  const changes = [
    ...connectionChanges(view.connection, connection),
    ...(caFile !== view.caFile ? ['caFile'] : []),
    ...(passwordChanged ? ['password'] : []),
  ]
  if (passwordChanged) await options.secrets.set(EXCHANGE_PASSWORD, options.password)
  const configuredBefore = view.connection.ewsUrl !== undefined
  const record = await saveProvisioning(
    options.profile,
    'exchange',
    (previous, profile) => {
      const storedAt =
        !passwordChanged && previous?.credential?.storedAt ? previous.credential.storedAt : new Date().toISOString()
      return {
        record: {
          credential: {kind: 'password', storedAt, fingerprint: null, expiresAt: null},
          lastProof: summariseProof(checks, testMailbox ?? null),
        },
        profile: {...profile, exchange: connection, ...(caFile ? {caFile} : {})},
      }
    },
    env,
  )
  return {
    ...result,
    state: !configuredBefore ? 'configured' : changes.length > 0 ? 'updated' : 'unchanged',
    changes,
    passwordStoredAt: record.credential?.storedAt ?? null,
  }
}

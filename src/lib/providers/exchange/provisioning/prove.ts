/**
 * The ordered proof of an Exchange connection, as `hcal provision exchange` reports it: tls (reachability),
 * credentials, convert-id (connectivity), server-version, impersonation. A check that cannot run because
 * an earlier one failed is a `skip` naming why. Doctor runs the same steps one check at a time.
 */
import {type ProofCheck, skipped, warned} from '../../../provisioning/checks.js'
import {createExchangeService, type ExchangeAuth} from '../client.js'
import {type EndpointProbe, probeEndpoint} from './endpoint-probe.js'
import {type ConnectivityProof, proveConnectivity, proveImpersonation, serverVersionCheck} from './ews-checks.js'
import type {ServerBuild} from './release.js'
import {tlsCheck} from './tls-check.js'

export interface ExchangeProofInput {
  ewsUrl: string
  username: string
  password: string
  auth: ExchangeAuth
  /** PEM of the CA to trust (the profile's caFile or --ca-file), and its path for messages. */
  caPem?: string
  caFile?: string
  allowInsecureHttp?: boolean
  /** The mailbox to prove impersonation with. */
  testMailbox?: string
  managementScope?: string
  signal?: AbortSignal
  nowMs?: number
}

export interface ExchangeProof {
  checks: ProofCheck[]
  /** The server's Date header (for the clock check). */
  serverDate?: string
  server?: ServerBuild
}

const AFTER_TLS = ['credentials', 'convert-id', 'server-version', 'impersonation']

/** A mailbox-shaped value for ConvertId's AlternateId when no test mailbox is known (nothing is read from it). */
function probeMailbox(input: ExchangeProofInput): string {
  if (input.testMailbox) return input.testMailbox
  return input.username.includes('@') ? input.username : 'hcal-connectivity-probe@example.invalid'
}

function service(input: ExchangeProofInput, impersonate?: string) {
  return createExchangeService({
    ewsUrl: input.ewsUrl,
    username: input.username,
    password: input.password,
    auth: input.auth,
    ...(input.caPem ? {caPem: input.caPem} : {}),
    ...(impersonate ? {impersonate} : {}),
    allowInsecureHttp: input.allowInsecureHttp ?? false,
  })
}

export async function probe(input: ExchangeProofInput): Promise<{probe: EndpointProbe; tls: ProofCheck}> {
  const answer = await probeEndpoint(input.ewsUrl, {
    ...(input.caPem ? {caPem: input.caPem} : {}),
    ...(input.signal ? {signal: input.signal} : {}),
  })
  return {probe: answer, tls: tlsCheck(answer, {url: input.ewsUrl, ...(input.caFile ? {caFile: input.caFile} : {})})}
}

/** ConvertId as the service account: the credentials and convert-id checks, and the server's version. */
export function connect(input: ExchangeProofInput, answer?: EndpointProbe): Promise<ConnectivityProof> {
  return proveConnectivity(service(input), probeMailbox(input), {
    username: input.username,
    auth: input.auth,
    ...(answer?.ok ? {offeredSchemes: answer.schemes} : {}),
  })
}

/** GetFolder of the test mailbox's calendar, impersonating it; a warning when there is no test mailbox. */
export function impersonate(input: ExchangeProofInput, answer?: EndpointProbe): Promise<ProofCheck> {
  if (!input.testMailbox) {
    return Promise.resolve(
      warned(
        'impersonation',
        'no test mailbox: impersonation is not proven',
        'Pass --test-user EMAIL (a mailbox the service account must be able to impersonate).',
        'EXCHANGE_IMPERSONATION_UNPROVEN',
      ),
    )
  }
  return proveImpersonation(service(input, input.testMailbox), {
    mailbox: input.testMailbox,
    username: input.username,
    auth: input.auth,
    ...(input.managementScope ? {managementScope: input.managementScope} : {}),
    ...(answer?.ok ? {offeredSchemes: answer.schemes} : {}),
  })
}

/** Every check in order; after a blocking failure the rest are skipped. */
export async function proveExchange(input: ExchangeProofInput): Promise<ExchangeProof> {
  const {probe: answer, tls} = await probe(input)
  const serverDate = answer.ok ? answer.date : undefined
  const dated = serverDate ? {serverDate} : {}
  if (tls.status === 'fail') {
    return {checks: [tls, ...AFTER_TLS.map((id) => skipped(id, `not tried: ${tls.id} failed`))], ...dated}
  }
  const connectivity = await connect(input, answer)
  const {credentials, convertId, server} = connectivity
  if (convertId.status !== 'pass') {
    const blocker = credentials.status === 'fail' ? credentials.id : convertId.id
    return {
      checks: [
        tls,
        credentials,
        convertId,
        ...['server-version', 'impersonation'].map((id) => skipped(id, `not tried: ${blocker} failed`)),
      ],
      ...dated,
      ...(server ? {server} : {}),
    }
  }
  const version = serverVersionCheck(server, input.nowMs)
  const impersonation = await impersonate(input, answer)
  return {checks: [tls, credentials, convertId, version, impersonation], ...dated, ...(server ? {server} : {})}
}

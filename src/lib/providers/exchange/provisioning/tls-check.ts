/**
 * The `tls` check: what the endpoint probe found, as a cause and a fix. Certificate errors are the most
 * common first failure on-premises (a private or AD CS CA), and each has its own remedy.
 */
import {failed, passed, type ProofCheck, warned} from '../../../provisioning/checks.js'
import type {EndpointProbe} from './endpoint-probe.js'

const ID = 'tls'

/** Node's codes for a chain that ends at a CA this machine does not trust. */
const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
])
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
])

export interface TlsContext {
  url: string
  /** The CA file the client trusted, when one was given (--ca-file or the profile's caFile). */
  caFile?: string
}

function untrusted(host: string, code: string, caFile: string | undefined): ProofCheck {
  const fix = caFile
    ? `${caFile} is not the CA that issued ${host}'s certificate: pass --ca-file with the PEM of the CA that did (the issuer shown by "openssl s_client -connect ${host}:443 -showcerts").`
    : `Pass --ca-file PATH with the PEM certificate of the CA that issued ${host}'s certificate (a private or AD CS CA: export it Base-64 encoded); hcal then trusts that CA for this profile.`
  return failed(
    ID,
    `${host}'s certificate is not issued by a CA this machine trusts (${code})`,
    fix,
    'EXCHANGE_TLS_UNTRUSTED',
  )
}

function failure(probe: Extract<EndpointProbe, {ok: false}>, context: TlsContext): ProofCheck {
  const host = new URL(context.url).host
  const {code} = probe
  if (UNTRUSTED.has(code)) return untrusted(host, code, context.caFile)
  switch (code) {
    case 'CERT_HAS_EXPIRED':
      return failed(
        ID,
        `${host}'s certificate has expired`,
        'Renew the Exchange certificate (Exchange admin center > Servers > Certificates, or New-ExchangeCertificate) and assign it to IIS.',
        'EXCHANGE_TLS_EXPIRED',
      )
    case 'CERT_NOT_YET_VALID':
      return failed(
        ID,
        `${host}'s certificate is not valid yet`,
        "Check this machine's clock (NTP), then the certificate's validity dates.",
        'EXCHANGE_TLS_NOT_YET_VALID',
      )
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return failed(
        ID,
        `${host} is not a name on the server's certificate (${probe.message})`,
        'Use a host name the certificate names in the EWS URL (often mail.<domain>), or add this name to the certificate.',
        'EXCHANGE_TLS_NAME_MISMATCH',
      )
  }
  if (UNREACHABLE.has(code)) {
    return failed(
      ID,
      `${host} cannot be reached (${code}: ${probe.message})`,
      code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? `Check the host name in the URL and this machine's DNS (split DNS: the internal name of the Exchange server).`
        : `Check that Exchange (IIS) listens on ${host} and that no firewall or proxy blocks this machine.`,
      'EXCHANGE_UNREACHABLE',
    )
  }
  return failed(
    ID,
    `no TLS session with ${host} (${code}: ${probe.message})`,
    `Check that ${host} serves https on this port (the EWS URL is https://<server>/EWS/Exchange.asmx).`,
    'EXCHANGE_TLS_FAILED',
  )
}

/** The check for one probe of the EWS URL. Any HTTP answer but 404 proves the server is there. */
export function tlsCheck(probe: EndpointProbe, context: TlsContext): ProofCheck {
  if (!probe.ok) return failure(probe, context)
  const url = new URL(context.url)
  if (probe.status === 404) {
    return failed(
      ID,
      `${url.host} answered HTTP 404 for ${url.pathname}: no EWS there`,
      'Use the EWS URL https://<server>/EWS/Exchange.asmx, or --autodiscover EMAIL to find it.',
      'EXCHANGE_EWS_NOT_FOUND',
    )
  }
  if (url.protocol === 'http:') {
    return warned(
      ID,
      `${url.host} answered over plain http (HTTP ${probe.status}): the service account's password crosses the network unencrypted`,
      'Require SSL on the EWS virtual directory (IIS) and use the https URL; --allow-insecure-http is for isolated labs.',
      'EXCHANGE_INSECURE_HTTP',
    )
  }
  return passed(
    ID,
    `TLS to ${url.host} verified${context.caFile ? ` (CA ${context.caFile})` : ''}; the server answered HTTP ${probe.status}`,
  )
}

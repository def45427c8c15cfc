import type {RunningSandbox} from './start.js'

/** The endpoints a person or script points clients at (no secrets). */
export function endpointsOf(sandbox: RunningSandbox, caFile: string): {service: string; url: string}[] {
  const {google, microsoft, exchange} = sandbox.credentials
  const rows: {service: string; url: string}[] = []
  if (google) {
    rows.push({service: 'Google token', url: google.tokenUrl}, {service: 'Google APIs root', url: google.rootUrl})
  }
  if (microsoft) {
    rows.push(
      {service: 'Microsoft authority', url: `${microsoft.authorityOrigin}/${microsoft.tenantId}`},
      {service: 'Microsoft Graph', url: microsoft.graphOrigin},
    )
  }
  if (exchange) {
    rows.push(
      {service: 'Exchange EWS', url: exchange.ewsUrl},
      {service: 'Exchange Autodiscover', url: exchange.autodiscoverUrl},
    )
  }
  rows.push({service: 'Control API', url: `${sandbox.origin}/_sandbox/`}, {service: 'CA certificate', url: caFile})
  return rows
}

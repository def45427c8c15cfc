/**
 * The EWS URL an admin gives (or Autodiscover returns) must be https; plain http sends the service
 * account's password readable on the wire, so it takes an explicit --allow-insecure-http.
 */
import {UsageError} from '../../../errors.js'

export const INSECURE_FLAG = '--allow-insecure-http'

export function checkEwsUrl(value: string, allowInsecureHttp: boolean, source: string): URL {
  let url: URL | undefined
  try {
    url = new URL(value)
  } catch {
    url = undefined
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new UsageError('EXCHANGE_URL_INVALID', `${source} "${value}" is not an absolute https URL.`, {
      suggestions: ['Pass the EWS endpoint, https://<server>/EWS/Exchange.asmx, or --autodiscover EMAIL.'],
    })
  }
  if (url.protocol === 'http:' && !allowInsecureHttp) {
    throw new UsageError(
      'EXCHANGE_URL_INSECURE',
      `${source} ${url.origin} is plain http: the service account's password would cross the network unencrypted.`,
      {
        suggestions: [
          'Use the https URL of EWS (with --ca-file for a private CA).',
          `Only for an isolated lab: pass ${INSECURE_FLAG} to accept plain http.`,
        ],
      },
    )
  }
  return url
}

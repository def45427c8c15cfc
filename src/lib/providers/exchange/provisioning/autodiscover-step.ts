/**
 * `--autodiscover EMAIL`: finds the EWS URL the way Outlook does (POX Autodiscover), reported as the
 * `autodiscover` check. The profile's endpoints.exchange.autodiscoverUrl, when set (split DNS, the
 * sandbox), is the only URL asked; otherwise the two standard ones for the address's domain, in order.
 */
import {isHcalError} from '../../../errors.js'
import {failed, passed, type ProofCheck} from '../../../provisioning/checks.js'
import {discoverEwsUrl, type ExchangeAuth} from '../client.js'
import {probeEndpoint} from './endpoint-probe.js'
import {tlsCheck} from './tls-check.js'

export interface AutodiscoverInput {
  email: string
  /** endpoints.exchange.autodiscoverUrl of the profile. */
  overrideUrl?: string
  username: string
  password: string
  auth: ExchangeAuth
  caPem?: string
  caFile?: string
  signal?: AbortSignal
}

export interface AutodiscoverOutcome {
  check: ProofCheck
  ewsUrl?: string
}

const ID = 'autodiscover'

export function autodiscoverUrls(email: string, overrideUrl?: string): string[] {
  if (overrideUrl) return [overrideUrl]
  const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase()
  return [
    `https://autodiscover.${domain}/autodiscover/autodiscover.xml`,
    `https://${domain}/autodiscover/autodiscover.xml`,
  ]
}

async function askOne(url: string, input: AutodiscoverInput): Promise<AutodiscoverOutcome> {
  const probe = await probeEndpoint(url, {
    ...(input.caPem ? {caPem: input.caPem} : {}),
    ...(input.signal ? {signal: input.signal} : {}),
  })
  const reach = tlsCheck(probe, {url, ...(input.caFile ? {caFile: input.caFile} : {})})
  if (reach.status === 'fail') return {check: {...reach, id: ID, message: `Autodiscover at ${url}: ${reach.message}`}}
  try {
    const found = await discoverEwsUrl({
      autodiscoverUrl: url,
      email: input.email,
      username: input.username,
      password: input.password,
      auth: input.auth,
      ...(input.caPem ? {caPem: input.caPem} : {}),
    })
    return {
      check: passed(ID, `Autodiscover at ${url} gave ${found.ewsUrl} for ${input.email} (${found.protocol})`),
      ewsUrl: found.ewsUrl,
    }
  } catch (error) {
    if (!isHcalError(error)) throw error
    return {
      check: failed(
        ID,
        `Autodiscover at ${url}: ${error.message}`,
        error.suggestions.join(' ') || 'Pass the EWS URL with --ews-url instead.',
        error.code,
        error.exitCode === 4 ? {auth: true} : {},
      ),
    }
  }
}

/** The first URL that answers decides; only when none is reachable is the first one's failure reported. */
export async function autodiscover(input: AutodiscoverInput): Promise<AutodiscoverOutcome> {
  const outcomes: AutodiscoverOutcome[] = []
  for (const url of autodiscoverUrls(input.email, input.overrideUrl)) {
    const outcome = await askOne(url, input)
    if (outcome.ewsUrl || outcome.check.code !== 'EXCHANGE_UNREACHABLE') return outcome
    outcomes.push(outcome)
  }
  const [first] = outcomes
  if (!first) throw new Error('autodiscover: no URL to ask')
  return {
    check: {
      ...first.check,
      fix: `${first.check.fix ?? ''} Or pass the EWS URL with --ews-url (https://<server>/EWS/Exchange.asmx).`.trim(),
    },
  }
}

/**
 * Exchange Server (on-premises): EWS with an impersonation (service) account, Basic or NTLM. What hcal keeps
 * about it, what it needs, and how doctor checks it.
 */
import {connectionCheck, readSecret} from '../checks.js'
import {type ConnectionOf, email, flag, httpsUrl, oneOf, optional, text} from '../schema.js'
import type {ProviderCheck, ProviderCheckInput} from '../types.js'
import {defineProvider} from '../types.js'
import {EXCHANGE_CAPABILITIES} from './capabilities.js'
import {EXCHANGE_SCOPE} from './scope.js'

export const EXCHANGE_PASSWORD = 'exchange.password'
const PASSWORD = EXCHANGE_PASSWORD
const PASSWORD_ENV = 'HCAL_EXCHANGE_PASSWORD'

const fields = {
  ewsUrl: httpsUrl('The EWS endpoint, https://<server>/EWS/Exchange.asmx (http only with allowInsecureHttp).', {
    insecureAllowedBy: 'allowInsecureHttp',
  }),
  username: text('The impersonation (service) account: DOMAIN\\user or a UPN.'),
  auth: oneOf(['basic', 'ntlm'], 'How the service account signs in.'),
  testMailbox: optional(email('A mailbox to prove impersonation with (doctor, provisioning).')),
  managementScope: optional(
    text('The management scope that limits the impersonation assignment, for fixes that name it.'),
  ),
  allowInsecureHttp: optional(
    flag('The admin accepted a plain http ewsUrl (--allow-insecure-http): the password crosses unencrypted.'),
  ),
}

/** Endpoint overrides, in the profile's endpoints.exchange. */
const endpoints = {
  autodiscoverUrl: optional(
    httpsUrl(
      'Where Autodiscover is asked instead of https://autodiscover.<domain>/autodiscover/autodiscover.xml (sandbox, split DNS).',
    ),
  ),
}

export type ExchangeConnection = ConnectionOf<typeof fields>

declare module '../../core/model.js' {
  interface CalendarSystems {
    exchange: ExchangeConnection
  }
}

type DoctorChecks = typeof import('./provisioning/doctor-checks.js')
type NetworkCheck = 'reachable' | 'impersonation' | 'clock' | 'version' | 'passwordAge'

/** A doctor check whose code (and the EWS SDK) is loaded only when it runs. */
function lazyCheck(name: string, run: NetworkCheck): ProviderCheck<ExchangeConnection> {
  return {
    name,
    async run(input: ProviderCheckInput<ExchangeConnection>) {
      const checks: DoctorChecks = await import('./provisioning/doctor-checks.js')
      return checks[run](input)
    },
  }
}

export const exchange = defineProvider({
  id: 'exchange',
  displayName: 'Exchange Server',
  connection: {
    fields,
    summary: (c: ExchangeConnection) => `${c.ewsUrl} as ${c.username} (${c.auth})`,
  },
  endpoints,
  secrets: {
    [PASSWORD]: {
      env: PASSWORD_ENV,
      description: 'Password of the Exchange impersonation (service) account.',
      howToSet: `Store it with "hcal secrets set ${PASSWORD}" (hidden prompt or --stdin), or put it in ${PASSWORD_ENV} in CI.`,
    },
  } as const,
  doctorChecks: [
    connectionCheck<ExchangeConnection>(),
    {
      name: 'credentials',
      async run(input) {
        const password = await readSecret(input, PASSWORD)
        if (!password.ok) return password.outcome
        const account = input.connection ? ` of ${input.connection.username}` : ''
        return {status: 'pass', message: `password${account} is set`}
      },
    },
    lazyCheck('reachable', 'reachable'),
    lazyCheck('impersonation', 'impersonation'),
    lazyCheck('clock', 'clock'),
    lazyCheck('version', 'version'),
    lazyCheck('password-age', 'passwordAge'),
  ],
  capabilities: EXCHANGE_CAPABILITIES,
  validator: () => import('./validate.js'),
  calendar: () => import('./calendar/index.js'),
  scope: EXCHANGE_SCOPE,
})

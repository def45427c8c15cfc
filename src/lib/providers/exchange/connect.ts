/**
 * An EWS service for one profile, impersonating one mailbox: the service account and its password from the
 * SecretStore, the profile's CA.
 */
import type {ExchangeService} from 'ews-javascript-api'

import type {ConnectionInput} from '../connection.js'
import {createExchangeService} from './client.js'
import type {ExchangeConnection} from './index.js'

const PASSWORD = 'exchange.password'

export async function exchangeServiceFor(
  input: ConnectionInput<ExchangeConnection>,
  impersonate: string,
): Promise<ExchangeService> {
  const {connection} = input
  return createExchangeService({
    ewsUrl: connection.ewsUrl,
    username: connection.username,
    password: await input.secret(PASSWORD),
    auth: connection.auth,
    impersonate,
    ...(input.caPem ? {caPem: input.caPem} : {}),
  })
}

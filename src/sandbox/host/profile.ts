import {type ProfileConfig, saveProfile} from '../../lib/config/profiles.js'
import type {SecretStore} from '../../lib/secrets/index.js'
import type {RunningSandbox} from './start.js'

/**
 * Makes `profileName` a ready profile for the running sandbox: endpoints and non-secret identifiers
 * in the profile file, the CA file it trusts, and the credentials as real secrets in the SecretStore.
 */
export async function writeSandboxProfile(
  sandbox: RunningSandbox,
  profileName: string,
  caFile: string,
  secrets: SecretStore,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ProfileConfig> {
  const {google, microsoft, exchange} = sandbox.credentials
  const firstUser = (provider: 'google' | 'microsoft' | 'exchange') => sandbox.seedData[provider]?.users[0]?.email
  if (google) await secrets.set('google.serviceAccountKey', google.serviceAccountJson)
  if (microsoft) await secrets.set('microsoft.clientSecret', microsoft.clientSecret)
  if (exchange) await secrets.set('exchange.password', exchange.password)
  return saveProfile(
    profileName,
    (current) => {
      const next: ProfileConfig = {...current, caFile}
      delete next.google
      delete next.microsoft
      delete next.exchange
      if (google) {
        const key = JSON.parse(google.serviceAccountJson) as {client_email?: string}
        next.google = {
          clientId: google.clientId,
          clientEmail: key.client_email ?? '',
          domain: google.domain,
          tokenUrl: google.tokenUrl,
          rootUrl: google.rootUrl,
          ...(firstUser('google') ? {testUser: firstUser('google')} : {}),
        }
      }
      if (microsoft) {
        next.microsoft = {
          tenantId: microsoft.tenantId,
          clientId: microsoft.clientId,
          auth: 'secret',
          authorityOrigin: microsoft.authorityOrigin,
          graphOrigin: microsoft.graphOrigin,
          ...(firstUser('microsoft') ? {testMailbox: firstUser('microsoft')} : {}),
        }
      }
      if (exchange) {
        next.exchange = {
          ewsUrl: exchange.ewsUrl,
          username: exchange.username,
          auth: 'basic',
          ...(firstUser('exchange') ? {testMailbox: firstUser('exchange')} : {}),
        }
      }
      return next
    },
    env,
  )
}

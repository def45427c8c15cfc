import {writeFileAtomic} from '../../lib/config/atomic-write.js'
import {profilePath, type ProfileConfig, readProfileDocument, saveProfile} from '../../lib/config/profiles.js'
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

/**
 * The profile of `--credentials-dir` mode: the sandbox's endpoints (where a private or national cloud would
 * put them) and the CA, nothing that identifies or authenticates the apps: provisioning records those.
 * Written as a document, not through saveProfile: its provider sections are incomplete by design until
 * provisioning (issue 9) fills them in.
 */
export async function writeSandboxEndpointsProfile(
  sandbox: RunningSandbox,
  profileName: string,
  caFile: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Record<string, unknown>> {
  const {google, microsoft, exchange} = sandbox.credentials
  const now = new Date().toISOString()
  const current = await readProfileDocument(profileName, env)
  const next: Record<string, unknown> = {
    ...current,
    name: profileName,
    createdAt: current?.createdAt ?? now,
    updatedAt: now,
    caFile,
  }
  delete next.google
  delete next.microsoft
  delete next.exchange
  if (google) next.google = {tokenUrl: google.tokenUrl, rootUrl: google.rootUrl}
  if (microsoft) next.microsoft = {authorityOrigin: microsoft.authorityOrigin, graphOrigin: microsoft.graphOrigin}
  if (exchange) next.exchange = {ewsUrl: exchange.ewsUrl}
  await writeFileAtomic(profilePath(profileName, env), `${JSON.stringify(next, null, 2)}\n`)
  return next
}

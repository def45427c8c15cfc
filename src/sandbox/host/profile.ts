import {type ProfileConfig, saveProfile, type VerifiedDomain} from '../../lib/config/profiles.js'
import type {SecretStore} from '../../lib/secrets/index.js'
import {SEED_ORGANISATIONS} from '../seed/generate.js'
import type {RunningSandbox} from './start.js'

type SandboxProfileBase = Pick<ProfileConfig, 'caFile' | 'endpoints' | 'domains' | 'meetings'>

/**
 * What both profile modes share: the CA, the endpoint overrides (where a private or national cloud would
 * put them), the sandbox's domains as verified, and a Webex site so keyword meetings get join details.
 */
function sandboxBase(sandbox: RunningSandbox, caFile: string, current: ProfileConfig): SandboxProfileBase {
  const {google, microsoft, exchange} = sandbox.credentials
  const endpoints: NonNullable<ProfileConfig['endpoints']> = {}
  const domains: VerifiedDomain[] = []
  if (google) {
    endpoints.google = {tokenUrl: google.tokenUrl, rootUrl: google.rootUrl}
    domains.push({domain: google.domain, provider: 'google'})
  }
  if (microsoft) {
    endpoints.microsoft = {authorityOrigin: microsoft.authorityOrigin, graphOrigin: microsoft.graphOrigin}
    domains.push({domain: microsoft.domain, provider: 'microsoft'})
  }
  if (exchange) {
    endpoints.exchange = {autodiscoverUrl: exchange.autodiscoverUrl}
    domains.push({domain: exchange.domain, provider: 'exchange'})
  }
  const site = sandbox.providers[0] ? SEED_ORGANISATIONS[sandbox.providers[0]].org : 'acme'
  // A site the admin already chose is kept; the sandbox only fills in a missing one.
  const meetings = {...current.meetings, site: (current.meetings?.site as string | undefined) || site}
  return {caFile, endpoints, domains, meetings}
}

function withoutConnections(profile: ProfileConfig): ProfileConfig {
  const next = {...profile}
  delete next.google
  delete next.microsoft
  delete next.exchange
  delete next.provisioning
  return next
}

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
      const next: ProfileConfig = {...withoutConnections(current), ...sandboxBase(sandbox, caFile, current)}
      if (google) {
        const key = JSON.parse(google.serviceAccountJson) as {client_email?: string}
        next.google = {
          clientId: google.clientId,
          clientEmail: key.client_email ?? '',
          domain: google.domain,
          ...(firstUser('google') ? {testUser: firstUser('google')} : {}),
        }
      }
      if (microsoft) {
        next.microsoft = {
          tenantId: microsoft.tenantId,
          clientId: microsoft.clientId,
          auth: 'secret',
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
 * The profile of `--credentials-dir` mode: what both modes share, and nothing that identifies or
 * authenticates the apps: the provision commands record those from the credential files. With
 * `verifiedDomains: false` the domains are left out too, for whoever adds them as an admin would (hcal demo).
 */
export async function writeSandboxEndpointsProfile(
  sandbox: RunningSandbox,
  profileName: string,
  caFile: string,
  env: NodeJS.ProcessEnv = process.env,
  options: {verifiedDomains?: boolean} = {},
): Promise<ProfileConfig> {
  return saveProfile(
    profileName,
    (current) => {
      const base = sandboxBase(sandbox, caFile, current)
      const next: ProfileConfig = {...withoutConnections(current), ...base}
      if (options.verifiedDomains === false) delete next.domains
      return next
    },
    env,
  )
}

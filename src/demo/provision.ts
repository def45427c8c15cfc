/**
 * The demo's provisioning: what an admin does with the three credential files `hcal sandbox start
 * --credentials-dir` hands out, through the same functions `hcal provision google|microsoft|exchange` call
 * (their commands only read the files, flags and prompts around them). A proof that fails ends the demo
 * with the provision command's own error.
 */
import type {ProofCheck} from '../lib/provisioning/checks.js'
import {proofFailure} from '../lib/provisioning/report.js'
import type {SecretStore} from '../lib/secrets/index.js'
import {provisionExchange} from '../lib/providers/exchange/provisioning/provision.js'
import {provisionGoogle} from '../lib/providers/google/provisioning/provision.js'
import {provisionMicrosoft} from '../lib/providers/microsoft/provisioning/provision.js'
import {
  type CredentialDocuments,
  EXCHANGE_FILE,
  GOOGLE_KEY_FILE,
  MICROSOFT_FILE,
} from '../sandbox/host/credentials-dir.js'
import type {RunningSandbox} from '../sandbox/host/start.js'

export interface DemoProvisioning {
  provider: 'google' | 'microsoft' | 'exchange'
  /** The credential file it was provisioned from (as `--credentials-dir` names it). */
  from: string
  /** What was stored, in the admin's words. */
  credential: string
  /** The mailbox the proof read. */
  testMailbox: string | null
  checks: ProofCheck[]
}

export interface ProvisionContext {
  sandbox: RunningSandbox
  documents: CredentialDocuments
  profile: string
  secrets: SecretStore
  env: NodeJS.ProcessEnv
  signal: AbortSignal
}

function firstUser(sandbox: RunningSandbox, provider: DemoProvisioning['provider']): string | undefined {
  return sandbox.seedData[provider]?.users[0]?.email
}

function proven(what: string, checks: ProofCheck[], code?: string): ProofCheck[] {
  const failure = proofFailure(what, checks, code)
  if (failure) throw failure
  return checks
}

async function google(context: ProvisionContext): Promise<DemoProvisioning | undefined> {
  const key = context.documents[GOOGLE_KEY_FILE]
  if (!key) return undefined
  const testUser = firstUser(context.sandbox, 'google')
  const result = await provisionGoogle({
    profile: context.profile,
    keyJson: JSON.stringify(key),
    ...(testUser ? {testUser} : {}),
    secrets: context.secrets,
    env: context.env,
  })
  const firstFailure = result.checks.find((check) => check.status === 'fail')
  return {
    provider: 'google',
    from: GOOGLE_KEY_FILE,
    credential: `service-account key ${result.keyId ?? ''} (domain-wide delegation, ${result.delegation.scopes.split(',').length} scopes)`,
    testMailbox: result.testUser,
    checks: proven('Google Workspace provisioning', result.checks, firstFailure?.code ?? undefined),
  }
}

async function microsoft(context: ProvisionContext): Promise<DemoProvisioning | undefined> {
  const app = context.documents[MICROSOFT_FILE]
  if (!app) return undefined
  const testUser = firstUser(context.sandbox, 'microsoft')
  // The certificate, as Microsoft recommends: the PEM an admin makes with "cat app.key app.crt > app.pem".
  // provisionMicrosoft throws the command's own error when its proof fails.
  const result = await provisionMicrosoft(
    {
      profile: context.profile,
      tenant: app.tenantId,
      clientId: app.clientId,
      credential: {kind: 'certificate', pem: `${app.privateKeyPem.trimEnd()}\n${app.certificatePem}`},
      ...(testUser ? {testUser} : {}),
      // The sandbox tenant has consented already (as after "hcal provision microsoft" once): --skip-consent.
      consent: 'skip',
      consentTimeoutMs: 0,
      openBrowser: false,
      env: context.env,
      signal: context.signal,
    },
    {secrets: context.secrets, onConsentUrl: () => undefined},
  )
  return {
    provider: 'microsoft',
    from: MICROSOFT_FILE,
    credential: `app certificate ${result.credential.fingerprint?.slice(0, 16) ?? ''}… (roles ${result.roles.join(', ')})`,
    testMailbox: result.testMailbox,
    checks: result.checks,
  }
}

async function exchange(context: ProvisionContext): Promise<DemoProvisioning | undefined> {
  const account = context.documents[EXCHANGE_FILE]
  if (!account) return undefined
  const result = await provisionExchange({
    profile: context.profile,
    secrets: context.secrets,
    autodiscoverEmail: account.autodiscoverEmail,
    username: account.username,
    password: account.password,
    env: context.env,
    signal: context.signal,
  })
  return {
    provider: 'exchange',
    from: EXCHANGE_FILE,
    credential: `service account ${result.username} via Autodiscover (${result.server?.product ?? result.server?.build ?? 'EWS'})`,
    testMailbox: result.testMailbox,
    checks: proven('Exchange provisioning', result.checks, 'EXCHANGE_PROVISIONING_FAILED'),
  }
}

/** Provisions every calendar system the sandbox runs, one after the other (each stores into the same profile). */
export async function provisionAll(context: ProvisionContext): Promise<DemoProvisioning[]> {
  const done: DemoProvisioning[] = []
  for (const step of [google, microsoft, exchange]) {
    context.signal.throwIfAborted()
    const result = await step(context)
    if (result) done.push(result)
  }
  return done
}

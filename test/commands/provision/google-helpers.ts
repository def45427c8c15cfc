/**
 * One Google sandbox in this process, its credentials handed out as the consoles do (a credentials dir, and
 * an endpoint-only profile per test), and the built CLI run against it.
 */
import {readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {writeCredentialsDir} from '../../../src/sandbox/host/credentials-dir.js'
import {writeSandboxEndpointsProfile} from '../../../src/sandbox/host/profile.js'
import {type CliResult, runCli, tempHome} from '../../helpers/cli.js'
import {type ProviderSandbox, startProviderSandbox} from '../../helpers/provider-sandbox.js'

export interface ProofCheck {
  id: string
  status: 'pass' | 'warn' | 'fail' | 'skip'
  message: string
  fix: string | null
  code: string | null
}

export interface ProvisionResult {
  clientId: string
  clientEmail: string
  domain: string
  keyId: string
  key: 'stored' | 'unchanged' | 'replaced'
  alreadyConfigured: boolean
  delegation: {clientId: string; scopes: string; consolePath: string; deepLink: string}
  testUser: string | null
  checks: ProofCheck[]
  copied: boolean | null
}

export interface Envelope {
  result?: ProvisionResult
  warnings?: string[]
  error?: {code: string; message: string; suggestions: string[]; data?: {checks?: ProofCheck[]; field?: string}}
}

export interface GoogleLab {
  sandbox: ProviderSandbox<'google'>
  home: Awaited<ReturnType<typeof tempHome>>
  /** The key file as the Cloud console gives it. */
  keyFile: string
  users: string[]
  domain: string
  /** A fresh endpoint-only profile (CA, endpoints, verified domains), as `sandbox start --credentials-dir` writes it. */
  profile(name: string): Promise<string>
  provision(args: string[], env?: NodeJS.ProcessEnv, input?: string): Promise<CliResult & {envelope: Envelope}>
  /** `provision google --key-file KEY --test-user USER --json` on a fresh profile. */
  prove(user: string, profile: string): Promise<CliResult & {envelope: Envelope}>
  control(method: string, path: string, body?: unknown): Promise<unknown>
  /** Puts the sandbox back as it started (grant, users, APIs, clock). */
  reset(): Promise<void>
  stop(): Promise<void>
}

export const SCOPES = [
  'https://www.googleapis.com/auth/calendar',
  'https://www.googleapis.com/auth/gmail.settings.basic',
]

export async function startGoogleLab(bus: () => NodeJS.ProcessEnv): Promise<GoogleLab> {
  const sandbox = await startProviderSandbox('google', {users: 4, events: 1, rooms: 0, seed: 5})
  const home = await tempHome()
  const caFile = join(home.dir, 'sandbox-ca.pem')
  await writeFile(caFile, sandbox.sandbox.caPem)
  const dir = join(home.dir, 'credentials')
  await writeCredentialsDir(sandbox.sandbox, dir)
  const users = sandbox.seed.users.map((user) => user.email)
  const control = async (method: string, path: string, body?: unknown) => {
    const response = await sandbox.sandbox.control(method, `/_sandbox/google/${path}`, body)
    if (response.status >= 300)
      throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(response.body)}`)
    return response.body
  }
  const lab: GoogleLab = {
    sandbox,
    home,
    keyFile: join(dir, 'google-service-account.json'),
    users,
    domain: sandbox.seed.domain,
    async profile(name) {
      await writeSandboxEndpointsProfile(sandbox.sandbox, name, caFile, home.env)
      return name
    },
    async provision(args, env = {}, input) {
      const run = await runCli(['provision', 'google', ...args], {
        env: {...bus(), ...home.env, ...env},
        ...(input === undefined ? {} : {input}),
      })
      return {...run, envelope: (run.json ?? {}) as Envelope}
    },
    async prove(user, profile) {
      return lab.provision([
        '--key-file',
        lab.keyFile,
        '--test-user',
        user,
        '--profile',
        await lab.profile(profile),
        '--json',
      ])
    },
    control,
    async reset() {
      await control('PUT', 'delegation', {scopes: SCOPES})
      await control('PUT', 'project/apis', {calendar: true, gmail: true})
      await control('PUT', 'clock', {offsetSeconds: 0})
      for (const user of users) {
        await control('PUT', `users/${user}/account`, {suspended: false, services: {calendar: true, gmail: true}})
      }
    },
    async stop() {
      await sandbox.stop()
      await home.cleanup()
    },
  }
  return lab
}

export interface ProfileFile {
  google?: Record<string, string>
  endpoints?: {google?: Record<string, string>}
  provisioning?: {
    google?: {
      credential: {kind: string; storedAt: string; fingerprint: string | null}
      lastProof: {testMailbox: string | null; passed: string[]; failed: string[]} | null
    }
  }
}

export function profilePathOf(lab: GoogleLab, name: string): string {
  return join(lab.home.dir, 'config', 'profiles', `${name}.json`)
}

export async function readProfile(lab: GoogleLab, name: string): Promise<ProfileFile> {
  return JSON.parse(await readFile(profilePathOf(lab, name), 'utf8')) as ProfileFile
}

/** The check with this id, or a failing stand-in that names what is missing. */
export function check(checks: ProofCheck[] | undefined, id: string): ProofCheck {
  return (
    checks?.find((entry) => entry.id === id) ?? {id, status: 'fail', message: 'no such check', fix: null, code: null}
  )
}

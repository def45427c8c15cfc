/**
 * One `hcal sandbox start --credentials-dir` for a describe block, as an admin meets it: a profile with
 * only the endpoints and the CA, and exchange.json with the EWS URL, the service account and its password.
 */
import {readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'

import {request} from 'undici'

import {type CliResult, runCli, startCli, tempHome} from '../../helpers/cli.js'
import {withSecretService} from '../../helpers/secret-service.js'
import {trustingAgent} from '../../helpers/trusted-agent.js'

export interface ExchangeFile {
  ewsUrl: string
  autodiscoverEmail: string
  username: string
  password: string
}

export interface ExchangeLab {
  /** The CLI's environment: the private Secret Service and a fresh config/data home. */
  env: NodeJS.ProcessEnv
  home: string
  /** The profile `sandbox start` wrote (endpoints and CA only). */
  profile: string
  account: ExchangeFile
  caFile: string
  caPem: string
  /** The seeded Exchange mailboxes. */
  users: string[]
  /** The service account's password in a 0600 file, for --password-file. */
  passwordFile: string
  control(method: string, path: string, body?: unknown): Promise<{status: number; body: unknown}>
  /** `--ews-url <the sandbox's> --username <the service account> --password-stdin`, then `extra`. */
  viaEwsUrl(...extra: string[]): string[]
  /** `hcal provision exchange --profile <profile> … --json` with the password on stdin unless a file is named. */
  provision(args: string[], options?: {profile?: string; password?: string}): Promise<CliResult>
  run(args: string[]): Promise<CliResult>
  readProfile(name?: string): Promise<Record<string, unknown> | undefined>
}

async function waitForFile(path: string, exited: () => boolean): Promise<string> {
  for (let i = 0; i < 300 && !exited(); i++) {
    const text = await readFile(path, 'utf8').catch(() => '')
    if (text.endsWith('\n')) return text
    await sleep(100)
  }
  throw new Error(`${path} did not appear`)
}

export function withExchangeLab(profile = 'lab'): () => ExchangeLab {
  const bus = withSecretService()
  const controlToken = 'exchange-provision-control-token-42'
  let lab: ExchangeLab | undefined
  let stopSandbox: (() => Promise<unknown>) | undefined
  let cleanup: (() => Promise<void>) | undefined

  before(async function () {
    this.timeout(60_000)
    const home = await tempHome()
    cleanup = home.cleanup
    const env = {...bus(), ...home.env}
    const dir = join(home.dir, 'creds')
    const readyFile = join(home.dir, 'ready.json')
    const args = ['sandbox', 'start', '--port', '0', '--users', '4', '--events', '1', '--rooms', '0']
    const sandbox = startCli([...args, '--profile', profile, '--credentials-dir', dir, '--ready-file', readyFile], {
      env: {...env, HCAL_SANDBOX_CONTROL_TOKEN: controlToken},
      timeoutMs: 600_000,
    })
    let exited = false
    void sandbox.exit.then(() => (exited = true))
    stopSandbox = async () => {
      sandbox.signal('SIGINT')
      return sandbox.exit
    }
    const ready = JSON.parse(await waitForFile(readyFile, () => exited)) as {origin: string; caFile: string}
    const caPem = await readFile(ready.caFile, 'utf8')
    const agent = trustingAgent(caPem)
    const control = async (method: string, path: string, body?: unknown) => {
      const answer = await request(`${ready.origin}${path}`, {
        method: method as 'GET',
        dispatcher: agent,
        headers: {
          authorization: `Bearer ${controlToken}`,
          ...(body === undefined ? {} : {'content-type': 'application/json'}),
        },
        ...(body === undefined ? {} : {body: JSON.stringify(body)}),
      })
      const text = await answer.body.text()
      return {status: answer.statusCode, body: text ? (JSON.parse(text) as unknown) : undefined}
    }
    const seed = (await control('GET', '/_sandbox/seed')).body as {providers: {exchange: {users: {email: string}[]}}}
    const account = JSON.parse(await readFile(join(dir, 'exchange.json'), 'utf8')) as ExchangeFile
    const passwordFile = join(home.dir, 'ews-password')
    await writeFile(passwordFile, `${account.password}\n`, {mode: 0o600})
    const run = (cliArgs: string[]) => runCli(cliArgs, {env, timeoutMs: 60_000})
    lab = {
      env,
      home: home.dir,
      profile,
      account,
      caFile: ready.caFile,
      caPem,
      users: seed.providers.exchange.users.map((u) => u.email),
      passwordFile,
      control,
      viaEwsUrl: (...extra) => [
        '--ews-url',
        account.ewsUrl,
        '--username',
        account.username,
        '--password-stdin',
        ...extra,
      ],
      run,
      provision: (cliArgs, options = {}) => {
        const named = cliArgs.includes('--password-file')
        return runCli(['provision', 'exchange', '--profile', options.profile ?? profile, ...cliArgs, '--json'], {
          env,
          timeoutMs: 60_000,
          ...(named ? {} : {input: options.password ?? account.password}),
        })
      },
      readProfile: async (name = profile) => {
        const text = await readFile(join(home.dir, 'config', 'profiles', `${name}.json`), 'utf8').catch(() => undefined)
        return text === undefined ? undefined : (JSON.parse(text) as Record<string, unknown>)
      },
    }
  })

  after(async function () {
    this.timeout(30_000)
    await stopSandbox?.()
    await cleanup?.()
  })

  return () => {
    if (!lab) throw new Error('withExchangeLab(): the sandbox has not started yet')
    return lab
  }
}

export interface ProofCheckJson {
  id: string
  status: 'pass' | 'warn' | 'fail' | 'skip'
  message: string
  fix: string | null
  code: string | null
}

/** The checks of a provision run: the result's on success, error.data.checks on failure. */
export function checksOf(result: CliResult): ProofCheckJson[] {
  const json = result.json as {result?: {checks: ProofCheckJson[]}; error?: {data?: {checks?: ProofCheckJson[]}}}
  return json.result?.checks ?? json.error?.data?.checks ?? []
}

export function checkOf(result: CliResult, id: string): ProofCheckJson {
  const check = checksOf(result).find((c) => c.id === id)
  if (!check) throw new Error(`no ${id} check in: ${result.stdout}${result.stderr}`)
  return check
}

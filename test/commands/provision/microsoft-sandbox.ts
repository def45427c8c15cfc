/**
 * The Microsoft provisioning tests' bed: `hcal sandbox start --credentials-dir` run as a child process (the
 * credentials land in files, the profile gets only endpoints and the CA), its control API, and a browser
 * stand-in that answers the admin-consent URL the CLI prints the way a browser would.
 */
import assert from 'node:assert/strict'
import {readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'

import {request} from 'undici'

import {createControlClient} from '../../../src/sandbox/host/control-client.js'
import {type RunningCli, startCli} from '../../helpers/cli.js'
import {trustingAgent} from '../../helpers/trusted-agent.js'

export interface MicrosoftApp {
  tenantId: string
  clientId: string
  clientSecret: string
  certificatePem: string
  privateKeyPem: string
}

export interface CliSandbox {
  origin: string
  caPem: string
  /** The credentials directory and the profile the sandbox wrote. */
  dir: string
  profile: string
  app: MicrosoftApp
  /** The first seeded Microsoft mailbox. */
  user: string
  control(method: string, path: string, body?: unknown): Promise<{status: number; body: unknown}>
  /** Puts the sandbox tenant back as it started: consent granted with both roles, worldwide cloud. */
  reset(): Promise<void>
  stop(): Promise<void>
}

async function waitForFile(path: string, cli: RunningCli): Promise<string> {
  let exited = false
  void cli.exit.then(() => (exited = true))
  for (let i = 0; i < 300 && !exited; i++) {
    const text = await readFile(path, 'utf8').catch(() => '')
    if (text.endsWith('\n')) return text
    await sleep(100)
  }
  throw new Error(`the sandbox did not write ${path}: ${cli.stderr()}`)
}

export async function startCliSandbox(
  home: {dir: string; env: NodeJS.ProcessEnv},
  busEnv: NodeJS.ProcessEnv,
): Promise<CliSandbox> {
  const controlToken = 'provision-microsoft-control-token-0123'
  const dir = join(home.dir, 'creds')
  const readyFile = join(home.dir, 'ready.json')
  const profile = 'lab'
  const cli = startCli(
    ['sandbox', 'start', '--port', '0', '--users', '2', '--events', '1', '--rooms', '0', '--profile', profile].concat([
      '--credentials-dir',
      dir,
      '--ready-file',
      readyFile,
    ]),
    {env: {...busEnv, ...home.env, HCAL_SANDBOX_CONTROL_TOKEN: controlToken}, timeoutMs: 600_000},
  )
  const ready = JSON.parse(await waitForFile(readyFile, cli)) as {origin: string; caFile: string}
  const caPem = await readFile(ready.caFile, 'utf8')
  const control = createControlClient(ready.origin, caPem, controlToken)
  const seed = await control('GET', '/_sandbox/seed')
  const user = (seed.body as {providers: {microsoft: {users: {email: string}[]}}}).providers.microsoft.users[0]?.email
  assert.ok(user, 'the sandbox seeded no Microsoft user')
  const app = JSON.parse(await readFile(join(dir, 'microsoft.json'), 'utf8')) as MicrosoftApp
  return {
    origin: ready.origin,
    caPem,
    dir,
    profile,
    app,
    user,
    control,
    async reset() {
      const consent = await control('PUT', '/_sandbox/microsoft/consent', {
        roles: ['Calendars.ReadWrite', 'MailboxSettings.ReadWrite'],
        servicePrincipal: true,
        adminConsentOutcome: 'grant',
      })
      assert.equal(consent.status, 200)
      assert.equal((await control('PUT', '/_sandbox/microsoft/cloud', {cloud: 'global'})).status, 200)
    },
    async stop() {
      cli.signal('SIGINT')
      await cli.exit
      await control.close()
    },
  }
}

/** The admin-consent URL a running `hcal provision microsoft` printed on stderr. */
export async function consentUrlOf(cli: RunningCli): Promise<URL> {
  const pattern = /(https:\/\/\S+\/adminconsent\?\S+)/
  await cli.waitForStderr(pattern)
  return new URL(pattern.exec(cli.stderr())?.[1] ?? '')
}

/**
 * Does what the admin's browser does with the consent URL: GET it from the sandbox (which answers as the
 * prompt was answered: a 302 back to the redirect URI), then follow that redirect to hcal's listener.
 * `rewrite` changes the redirect before it is followed (a forged or stale state).
 */
export async function answerConsent(
  url: URL,
  caPem: string,
  rewrite: (location: URL) => URL = (location) => location,
): Promise<{location: URL; status: number; text: string}> {
  const agent = trustingAgent(caPem)
  try {
    const prompt = await request(url, {dispatcher: agent})
    await prompt.body.dump()
    assert.equal(prompt.statusCode, 302, `the consent URL answered ${prompt.statusCode}`)
    const location = rewrite(new URL(String(prompt.headers.location)))
    const back = await request(location)
    return {location, status: back.statusCode, text: await back.body.text()}
  } finally {
    await agent.close()
  }
}

/**
 * The security suite's canary run: the credentials `hcal sandbox start --credentials-dir` hands out, and a
 * meeting body no one else could have written, go through provision, activate and sync of all three providers
 * at debug level, through the built CLI with a real Secret Service. Afterwards neither appears in clear in
 * anything hcal left behind or printed: stdout, stderr, logs, the argv of any child process, every file under
 * its config and data directories (the store and its WAL included). The credentials dir is the admin's input.
 */
import assert from 'node:assert/strict'
import {randomBytes} from 'node:crypto'
import {readdir, readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'

import {request} from 'undici'

import type {SyncResult} from '../../src/commands/sync.js'
import {blocksIn} from '../helpers/sync-e2e.js'
import {type CliResult, REPO_ROOT, runCli, startCli, tempHome} from '../helpers/cli.js'
import {withSecretService} from '../helpers/secret-service.js'
import {trustingAgent} from '../helpers/trusted-agent.js'

const PROFILE = 'canary'
const CONTROL_TOKEN = 'canary-control-token-7d1e'
const HOUR = 3_600_000

interface Seed {
  providers: Record<'google' | 'microsoft' | 'exchange', {users: {email: string}[]}>
}

async function waitForFile(path: string): Promise<string> {
  for (let i = 0; i < 600; i++) {
    const text = await readFile(path, 'utf8').catch(() => '')
    if (text.endsWith('\n')) return text
    await sleep(100)
  }
  throw new Error(`${path} did not appear`)
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, {withFileTypes: true, recursive: true}).catch(() => [])
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name))
}

/** The forms a string can take on disk or in a stream: UTF-8 text, UTF-16 (SQLite's other encoding), JSON-escaped. */
function encodings(value: string): Buffer[] {
  return [Buffer.from(value, 'utf8'), Buffer.from(value, 'utf16le'), Buffer.from(JSON.stringify(value).slice(1, -1))]
}

/** A long enough piece of a PEM private key's base64 body to be unmistakable. */
function keyMaterial(pem: string): string {
  const body = pem.split('\n').filter((line) => line !== '' && !line.startsWith('-----'))
  return body[1] ?? body[0] ?? pem
}

describe('security: canary secrets and a canary meeting body never appear in clear (built CLI)', function () {
  this.timeout(600_000)
  const bus = withSecretService()
  let home: Awaited<ReturnType<typeof tempHome>>
  let sandbox: ReturnType<typeof startCli>
  let env: NodeJS.ProcessEnv
  let credentials: string
  let control: (method: string, path: string, body?: unknown) => Promise<{status: number; body: unknown}>
  const outputs: CliResult[] = []
  const traceFile = () => join(home.dir, 'exec-trace.jsonl')

  const run = async (args: string[], input?: string) => {
    const result = await runCli([...args, '--profile', PROFILE, '--log-level', 'debug', '--json'], {
      env,
      timeoutMs: 240_000,
      ...(input === undefined ? {} : {input}),
    })
    outputs.push(result)
    assert.equal(result.code, 0, `hcal ${args.join(' ')}: ${result.stdout}${result.stderr}`)
    return result
  }

  before(async function () {
    this.timeout(120_000)
    home = await tempHome()
    credentials = join(home.dir, 'credentials')
    env = {
      ...bus(),
      ...home.env,
      NODE_OPTIONS: `--import=${join(REPO_ROOT, 'dist/test/helpers/exec-trace.js')}`,
      HCAL_EXEC_TRACE: traceFile(),
    }
    const readyFile = join(home.dir, 'ready.json')
    sandbox = startCli(
      [
        ...['sandbox', 'start', '--port', '0', '--users', '3', '--events', '2', '--rooms', '0'],
        ...['--profile', PROFILE, '--credentials-dir', credentials, '--ready-file', readyFile],
      ],
      {env: {...env, HCAL_SANDBOX_CONTROL_TOKEN: CONTROL_TOKEN}, timeoutMs: 900_000},
    )
    const ready = JSON.parse(await waitForFile(readyFile)) as {origin: string; caFile: string}
    const agent = trustingAgent(await readFile(ready.caFile, 'utf8'))
    control = async (method, path, body) => {
      const answer = await request(`${ready.origin}${path}`, {
        method: method as 'GET',
        dispatcher: agent,
        headers: {
          authorization: `Bearer ${CONTROL_TOKEN}`,
          ...(body === undefined ? {} : {'content-type': 'application/json'}),
        },
        ...(body === undefined ? {} : {body: JSON.stringify(body)}),
      })
      const text = await answer.body.text()
      return {status: answer.statusCode, body: text ? (JSON.parse(text) as unknown) : undefined}
    }
  })

  after(async function () {
    this.timeout(30_000)
    sandbox?.signal('SIGINT')
    await sandbox?.exit
    await home?.cleanup()
  })

  it('provision, activate and sync at debug level leave no secret and no meeting body in clear', async () => {
    const google = JSON.parse(await readFile(join(credentials, 'google-service-account.json'), 'utf8')) as {
      private_key: string
    }
    const microsoft = JSON.parse(await readFile(join(credentials, 'microsoft.json'), 'utf8')) as {
      tenantId: string
      clientId: string
      clientSecret: string
      privateKeyPem: string
    }
    const exchange = JSON.parse(await readFile(join(credentials, 'exchange.json'), 'utf8')) as {
      ewsUrl: string
      username: string
      password: string
    }
    const {providers} = (await control('GET', '/_sandbox/seed')).body as Seed
    const [googleUser, microsoftUser, exchangeUser] = [providers.google, providers.microsoft, providers.exchange].map(
      (p) => p.users[0]?.email ?? '',
    ) as [string, string, string]

    await run([
      'provision',
      'google',
      '--key-file',
      join(credentials, 'google-service-account.json'),
      '--test-user',
      googleUser,
    ])
    await run(
      [
        ...['provision', 'microsoft', '--tenant', microsoft.tenantId, '--client-id', microsoft.clientId],
        ...['--client-secret-stdin', '--skip-consent', '--test-user', microsoftUser],
      ],
      microsoft.clientSecret,
    )
    await run(
      [
        ...['provision', 'exchange', '--ews-url', exchange.ewsUrl, '--username', exchange.username],
        ...['--password-stdin', '--test-user', exchangeUser],
      ],
      exchange.password,
    )
    await run(['meetings', 'settings', '--site', 'acme'])
    await run(['users', 'activate', googleUser, microsoftUser, exchangeUser])

    // One meeting per provider whose body is a canary, with a keyword so hcal reads, decides and rewrites it.
    const canaryBody = `canary-body-${randomBytes(12).toString('hex')}`
    const start = new Date(Math.ceil(Date.now() / HOUR) * HOUR + 24 * HOUR)
    const end = new Date(start.getTime() + HOUR)
    const mailbox = (provider: string, email: string) =>
      `/_sandbox/${provider}/${provider === 'google' ? 'calendars' : 'mailboxes'}/${encodeURIComponent(email)}`
    const created = [
      await control('POST', `${mailbox('google', googleUser)}/events`, {
        title: 'Canary review',
        location: '@webex',
        body: canaryBody,
        start: start.toISOString(),
        end: end.toISOString(),
      }),
      await control('POST', `${mailbox('microsoft', microsoftUser)}/events`, {
        subject: 'Canary review',
        location: {displayName: '@webex'},
        body: {contentType: 'text', content: canaryBody},
        start: {dateTime: start.toISOString().replace('Z', ''), timeZone: 'UTC'},
        end: {dateTime: end.toISOString().replace('Z', ''), timeZone: 'UTC'},
      }),
      await control('POST', `${mailbox('exchange', exchangeUser)}/items`, {
        subject: 'Canary review',
        location: '@webex',
        body: canaryBody,
        bodyType: 'Text',
        start: start.toISOString(),
        end: end.toISOString(),
      }),
    ]
    for (const answer of created) assert.ok(answer.status < 300, JSON.stringify(answer.body))

    const sync = await run(['sync'])
    const summary = (sync.json as {result: SyncResult}).result.summary
    assert.equal(summary.failedUsers, 0, sync.stdout)
    // Not vacuous: hcal read each canary meeting and wrote its join block around the canary text.
    const bodies = [
      ...(
        (await control('GET', `${mailbox('google', googleUser)}/events`)).body as {events: {description?: string}[]}
      ).events.map((e) => e.description ?? ''),
      ...(
        (await control('GET', `${mailbox('microsoft', microsoftUser)}/events`)).body as {
          value: {body?: {content?: string}}[]
        }
      ).value.map((e) => e.body?.content ?? ''),
      ...(
        (await control('GET', `${mailbox('exchange', exchangeUser)}/items`)).body as {items: {body?: string}[]}
      ).items.map((e) => e.body ?? ''),
    ].filter((body) => body.includes(canaryBody))
    assert.equal(bodies.length, 3, 'each provider holds the canary meeting')
    for (const body of bodies) assert.equal(blocksIn(body), 1, 'and hcal wrote its join block into it')
    await run(['meetings', 'list'])

    const canaries: Record<string, string> = {
      'Google private key': keyMaterial(google.private_key),
      'Microsoft client secret': microsoft.clientSecret,
      'Microsoft private key': keyMaterial(microsoft.privateKeyPem),
      'Exchange password': exchange.password,
      'meeting body': canaryBody,
    }
    const places: [string, Buffer][] = [
      ...outputs.map((o, i): [string, Buffer] => [`output ${i}`, Buffer.from(o.stdout + o.stderr)]),
      ['child-process argv', await readFile(traceFile()).catch(() => Buffer.alloc(0))],
    ]
    for (const file of await filesUnder(home.dir)) {
      if (file.startsWith(credentials) || file === traceFile()) continue
      places.push([file.slice(home.dir.length), await readFile(file)])
    }
    assert.ok(
      places.some(([name]) => name.includes('.db')),
      'the store was among the files checked',
    )
    assert.ok(
      outputs.some((o) => o.stderr.length > 0),
      'debug logging produced output to check',
    )
    for (const [name, secret] of Object.entries(canaries)) {
      for (const [where, bytes] of places) {
        for (const form of encodings(secret)) assert.ok(!bytes.includes(form), `${name} appears in clear in ${where}`)
      }
    }
  })
})

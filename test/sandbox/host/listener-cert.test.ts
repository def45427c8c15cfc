import assert from 'node:assert/strict'
import {X509Certificate} from 'node:crypto'
import {mkdir, readdir, readFile, stat, symlink, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'

import {request} from 'undici'

import type {PushNotification} from '../../../src/lib/ports/calendar.js'
import {decodeGoogleWebhook} from '../../../src/lib/providers/google/calendar/push.js'
import {createGoogleClients} from '../../../src/lib/providers/google/client.js'
import {createAdmitter} from '../../../src/lib/watch/admit.js'
import {startListener, type Listener} from '../../../src/lib/watch/listener.js'
import {createWatchMetrics} from '../../../src/lib/watch/metrics.js'
import {runCli, startCli, tempHome} from '../../helpers/cli.js'
import {trustingAgent} from '../../helpers/trusted-agent.js'

async function waitForFile(path: string, exit: Promise<unknown>): Promise<string> {
  let exited = false
  void exit.then(() => (exited = true))
  for (let i = 0; i < 300 && !exited; i++) {
    const text = await readFile(path, 'utf8').catch(() => '')
    if (text.endsWith('\n')) return text
    await sleep(100)
  }
  throw new Error(`${path} did not appear`)
}

const modeOf = async (path: string) => (await stat(path)).mode & 0o777

/** Collects what the listener hands on; `next(n)` resolves once n notifications arrived (bounded). */
function inbox() {
  const received: PushNotification[] = []
  const waiters: (() => void)[] = []
  return {
    received,
    push(notification: PushNotification) {
      received.push(notification)
      for (const wake of waiters.splice(0)) wake()
    },
    async next(count: number, timeoutMs = 10_000): Promise<void> {
      const deadline = AbortSignal.timeout(timeoutMs)
      while (received.length < count) {
        if (deadline.aborted) throw new Error(`only ${received.length} of ${count} notifications arrived`)
        await Promise.race([new Promise<void>((resolve) => waiters.push(resolve)), sleep(200)])
      }
    },
  }
}

describe('hcal sandbox start --listener-cert-dir (built CLI)', function () {
  const controlToken = 'listener-cert-control-token-0123'
  let home: Awaited<ReturnType<typeof tempHome>>
  let cli: ReturnType<typeof startCli>
  let dir: string
  let credentials: string
  let ready: {origin: string; caFile: string; listenerCert: {certFile: string; keyFile: string}}

  before(async function () {
    home = await tempHome()
    dir = join(home.dir, 'listener-tls')
    credentials = join(home.dir, 'creds')
    const readyFile = join(home.dir, 'ready.json')
    cli = startCli(
      [
        ...['sandbox', 'start', '--port', '0', '--users', '2', '--events', '1', '--rooms', '0', '--profile', 'lab'],
        ...['--credentials-dir', credentials, '--listener-cert-dir', dir, '--ready-file', readyFile],
      ],
      {env: {...home.env, HCAL_SANDBOX_CONTROL_TOKEN: controlToken}},
    )
    ready = JSON.parse(await waitForFile(readyFile, cli.exit)) as typeof ready
  })

  after(async function () {
    cli.signal('SIGINT')
    await cli.exit
    await home.cleanup()
  })

  it('writes listener.crt and listener.key (0600) in a 0700 directory, named in the ready file', async function () {
    assert.equal(await modeOf(dir), 0o700)
    assert.deepEqual((await readdir(dir)).sort(), ['listener.crt', 'listener.key'])
    assert.equal(await modeOf(join(dir, 'listener.key')), 0o600)
    assert.equal(await modeOf(join(dir, 'listener.crt')), 0o600)
    assert.deepEqual(ready.listenerCert, {certFile: join(dir, 'listener.crt'), keyFile: join(dir, 'listener.key')})
  })

  it('is a server certificate for 127.0.0.1 and localhost signed by the sandbox CA', async function () {
    const leaf = new X509Certificate(await readFile(join(dir, 'listener.crt')))
    const ca = new X509Certificate(await readFile(ready.caFile))
    assert.ok(leaf.checkIssued(ca) && leaf.verify(ca.publicKey), 'not signed by the sandbox CA')
    assert.equal(leaf.checkIP('127.0.0.1'), '127.0.0.1')
    assert.equal(leaf.checkHost('localhost'), 'localhost')
    assert.equal(leaf.ca, false)
  })

  it('lets the Google emulator deliver a channel to a watch listener serving that certificate', async function () {
    const [cert, key, keyFile] = await Promise.all([
      readFile(join(dir, 'listener.crt'), 'utf8'),
      readFile(join(dir, 'listener.key'), 'utf8'),
      readFile(join(credentials, 'google-service-account.json'), 'utf8'),
    ])
    const caPem = await readFile(ready.caFile, 'utf8')
    const profile = JSON.parse(await readFile(join(home.dir, 'config', 'profiles', 'lab.json'), 'utf8')) as {
      endpoints: {google: {tokenUrl: string; rootUrl: string}}
    }
    const agent = trustingAgent(caPem)
    const seed = await request(`${ready.origin}/_sandbox/seed`, {
      dispatcher: agent,
      headers: {authorization: `Bearer ${controlToken}`},
    })
    const {providers} = (await seed.body.json()) as {providers: {google: {users: {email: string}[]}}}
    const user = providers.google.users[0]?.email ?? 'no google user'
    const token = 'listener-cert-channel-token-5d1e'
    const arrived = inbox()
    let listener: Listener | undefined
    try {
      listener = await startListener({
        host: '127.0.0.1',
        port: 0,
        tls: {cert, key},
        readers: {google: decodeGoogleWebhook},
        admitter: createAdmitter({
          find: (provider, id) =>
            provider === 'google' && id === 'hcal-listener-cert'
              ? {mailbox: user, clientState: token, state: 'active'}
              : undefined,
        }),
        onNotification: (_provider, _mailbox, notification) => arrived.push(notification),
        metrics: createWatchMetrics({processMetrics: false}),
        ready: () => true,
      })
      const {calendar} = createGoogleClients({
        serviceAccountJson: keyFile,
        subject: user,
        scopes: ['https://www.googleapis.com/auth/calendar'],
        tokenUrl: profile.endpoints.google.tokenUrl,
        rootUrl: profile.endpoints.google.rootUrl,
        caPem,
      })
      await calendar.events.watch({
        calendarId: 'primary',
        requestBody: {id: 'hcal-listener-cert', type: 'web_hook', address: `${listener.origin}/notify/google`, token},
      })
      await arrived.next(1)
      const edit = await request(`${ready.origin}/_sandbox/google/calendars/${user}/events`, {
        method: 'POST',
        dispatcher: agent,
        headers: {authorization: `Bearer ${controlToken}`, 'content-type': 'application/json'},
        body: JSON.stringify({
          title: 'Listener certificate check',
          start: new Date(Date.now() + 3_600_000).toISOString(),
          end: new Date(Date.now() + 7_200_000).toISOString(),
        }),
      })
      assert.equal(edit.statusCode, 201)
      await edit.body.dump()
      await arrived.next(2)
      assert.deepEqual(
        arrived.received.map((n) => [n.subscriptionId, n.signal]),
        [
          ['hcal-listener-cert', 'sync'],
          ['hcal-listener-cert', 'changed'],
        ],
      )
    } finally {
      await listener?.close()
      await agent.close()
    }
  })
})

describe('hcal sandbox start --listener-cert-dir refusals (built CLI)', function () {
  let home: Awaited<ReturnType<typeof tempHome>>
  beforeEach(async () => (home = await tempHome()))
  afterEach(() => home.cleanup())

  const start = (dir: string) =>
    runCli(['sandbox', 'start', '--port', '0', '--skip-profile', '--listener-cert-dir', dir], {env: home.env})

  it('refuses a path that is a file, naming the flag and the fix (exit 2)', async function () {
    const file = join(home.dir, 'not-a-dir')
    await writeFile(file, 'x')
    const result = await start(file)
    assert.equal(result.code, 2)
    assert.match(result.stderr, /--listener-cert-dir .*not-a-dir cannot be used: it exists and is not a directory/)
    assert.match(result.stderr, /does not exist yet/)
  })

  it('refuses a directory holding other files, or a key that is a symbolic link', async function () {
    const crowded = join(home.dir, 'crowded')
    await mkdir(crowded)
    await writeFile(join(crowded, 'notes.txt'), 'mine')
    const first = await start(crowded)
    assert.equal(first.code, 2)
    assert.match(first.stderr, /it holds other files \(notes\.txt\)/)
    const linked = join(home.dir, 'linked')
    await mkdir(linked)
    await symlink(join(home.dir, 'elsewhere'), join(linked, 'listener.key'))
    const second = await start(linked)
    assert.equal(second.code, 2)
    assert.match(second.stderr, /listener\.key is not a regular file/)
  })
})

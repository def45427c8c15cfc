import assert from 'node:assert/strict'
import {mkdtemp, rm, stat} from 'node:fs/promises'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {connect} from 'node:tls'

import {Agent, request} from 'undici'

import {generateSeed} from '../../../src/sandbox/seed/generate.js'
import {type RunningSandbox, startSandbox} from '../../../src/sandbox/host/start.js'
import {trustingAgent} from '../../helpers/trusted-agent.js'
import {createFakeEmulator, type FakeEmulator} from './fake-emulator.js'

const NOW = Date.UTC(2026, 10, 22, 12)

async function get(sandbox: RunningSandbox, agent: Agent, path: string, headers: Record<string, string> = {}) {
  const response = await request(new URL(path, sandbox.origin), {dispatcher: agent, headers})
  const text = await response.body.text()
  return {
    status: response.statusCode,
    headers: response.headers,
    body: text ? (JSON.parse(text) as unknown) : undefined,
  }
}

function peerIdentityError(port: number, caPem: string, servername: string): Promise<Error | undefined> {
  return new Promise((resolve) => {
    const socket = connect({host: '127.0.0.1', port, ca: caPem, servername}, () => {
      socket.end()
      resolve(undefined)
    })
    socket.on('error', (error) => resolve(error))
  })
}

describe('sandbox host: startSandbox', function () {
  let sandbox: RunningSandbox
  let fake: FakeEmulator
  let agent: Agent

  before(async function () {
    fake = createFakeEmulator()
    sandbox = await startSandbox({emulators: [fake], seed: 7, users: 12, events: 3, rooms: 3, now: NOW})
    agent = trustingAgent(sandbox.caPem)
  })

  after(async function () {
    await agent.close()
    await sandbox.stop()
  })

  afterEach(async function () {
    await sandbox.control('PUT', '/_sandbox/faults', {})
  })

  describe('TLS', function () {
    it('is trusted by a client given the sandbox CA', async function () {
      const response = await get(sandbox, agent, '/_sandbox/health')
      assert.equal(response.status, 200)
      assert.match(sandbox.origin, /^https:\/\/127\.0\.0\.1:\d+$/)
    })

    it('is refused by a client that does not trust the sandbox CA', async function () {
      await assert.rejects(
        request(new URL('/_sandbox/health', sandbox.origin), {dispatcher: new Agent()}),
        (error: Error & {code?: string}) => error.code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      )
    })

    it('presents a certificate valid for 127.0.0.1 and localhost but not other names', async function () {
      const port = Number(new URL(sandbox.origin).port)
      assert.equal(await peerIdentityError(port, sandbox.caPem, 'localhost'), undefined)
      const wrongName = await peerIdentityError(port, sandbox.caPem, 'example.com')
      assert.equal((wrongName as NodeJS.ErrnoException | undefined)?.code, 'ERR_TLS_CERT_ALTNAME_INVALID')
    })
  })

  describe('control API auth', function () {
    it('answers 401 without a token, with a wrong token, and 200 with the control token', async function () {
      const none = await get(sandbox, agent, '/_sandbox/faults')
      assert.equal(none.status, 401)
      assert.match(String(none.headers['www-authenticate']), /^Bearer/)
      const wrong = await get(sandbox, agent, '/_sandbox/faults', {authorization: 'Bearer nope'})
      assert.equal(wrong.status, 401)
      const right = await get(sandbox, agent, '/_sandbox/faults', {authorization: `Bearer ${sandbox.controlToken}`})
      assert.equal(right.status, 200)
    })

    it('cannot be dodged with an encoded or doubled path', async function () {
      for (const path of ['/%5Fsandbox/faults', '/_sandbox%2Ffaults', '/_sandbox//faults', '/_sandbox/./faults']) {
        const response = await get(sandbox, agent, path)
        assert.notEqual(response.status, 200, path)
      }
    })

    it('protects unknown control paths (emulator routes) as well, but leaves health open', async function () {
      assert.equal((await get(sandbox, agent, '/_sandbox/google/anything')).status, 401)
      const health = await get(sandbox, agent, '/_sandbox/health')
      assert.deepEqual(health.body, {
        status: 'ok',
        origin: sandbox.origin,
        providers: ['google'],
        counts: {google: {users: 12, rooms: 3, meetings: 36}},
      })
    })
  })

  describe('seeding', function () {
    it('hands the emulator the deterministic seed for its provider and summarises it without meetings', async function () {
      const expected = generateSeed({seed: 7, users: 12, events: 3, rooms: 3, provider: 'google', now: NOW})
      assert.deepEqual(fake.seeded, expected)
      assert.deepEqual(sandbox.seedData.google, expected)
      const summary = await sandbox.control('GET', '/_sandbox/seed')
      const google = (summary.body as {providers: {google: {users: {email: string}[]; meetings: number}}}).providers
        .google
      assert.equal(google.users.length, 12)
      assert.equal(google.users[0]?.email, expected.users[0]?.email)
      assert.equal(google.meetings, 36)
      assert.deepEqual(sandbox.credentials.google?.domain, 'acme-google.test')
    })
  })

  describe('faults', function () {
    it('rejects an invalid spec with 400 and a message naming the field, keeping the old spec', async function () {
      await sandbox.control('PUT', '/_sandbox/faults', {resetRate: 0.25})
      for (const [body, pattern] of [
        [{errorRates: {'200': 0.5}}, /errorRates key "200"/],
        [{errorRates: {'503': 2}}, /errorRates\.503 must be a number from 0 to 1/],
        [{latency: {minMs: 50, maxMs: 10}}, /latency\.maxMs/],
        [{providers: ['yahoo']}, /providers must be a list of/],
        [{bogus: true}, /Unknown fault field\(s\): bogus/],
        [[1, 2], /must be a JSON object/],
      ] as const) {
        const response = await sandbox.control('PUT', '/_sandbox/faults', body)
        assert.equal(response.status, 400, JSON.stringify(body))
        const error = (response.body as {error: {code: string; message: string}}).error
        assert.equal(error.code, 'invalid_fault_spec')
        assert.match(error.message, pattern)
      }
      assert.deepEqual((await sandbox.control('GET', '/_sandbox/faults')).body, {resetRate: 0.25})
    })

    it('answers every API request with a forced status in the emulator shape, never control routes', async function () {
      const set = await sandbox.control('PUT', '/_sandbox/faults', {errorRates: {'503': 1}})
      assert.deepEqual(set.body, {errorRates: {'503': 1}})
      const faulted = await get(sandbox, agent, '/fake/users/a@acme-google.test/ping')
      assert.equal(faulted.status, 503)
      assert.equal(faulted.headers['retry-after'], '1')
      assert.deepEqual(faulted.body, {fakeError: 503})
      assert.equal((await sandbox.control('GET', '/_sandbox/faults')).status, 200)
    })

    it('holds a request for the configured latency while other requests pass', async function () {
      // A second's delay for mailbox a only: a request for c, sent after a's, comes back while a's is
      // still held. Ordering, not elapsed time, is what is checked.
      await sandbox.control('PUT', '/_sandbox/faults', {
        latency: {minMs: 1000, maxMs: 1000},
        mailboxes: ['a@acme-google.test'],
      })
      let delayedSettled = false
      const delayed = get(sandbox, agent, '/fake/users/a@acme-google.test/ping').finally(() => (delayedSettled = true))
      const other = await get(sandbox, agent, '/fake/users/c@acme-google.test/ping')
      assert.equal(other.status, 200)
      assert.equal(delayedSettled, false, 'the delayed request came back before the undelayed one')
      const response = await delayed
      assert.equal(response.status, 200)
      assert.deepEqual(response.body, {pong: 'a@acme-google.test'})
    })

    it('resets the connection without an answer', async function () {
      await sandbox.control('PUT', '/_sandbox/faults', {resetRate: 1})
      await assert.rejects(
        get(sandbox, agent, '/fake/users/a@acme-google.test/ping'),
        (error: Error & {code?: string}) => ['UND_ERR_SOCKET', 'ECONNRESET'].includes(String(error.code)),
      )
    })

    it('honours the provider and mailbox filters', async function () {
      await sandbox.control('PUT', '/_sandbox/faults', {errorRates: {'429': 1}, providers: ['microsoft']})
      assert.equal((await get(sandbox, agent, '/fake/users/a@acme-google.test/ping')).status, 200)
      await sandbox.control('PUT', '/_sandbox/faults', {errorRates: {'429': 1}, mailboxes: ['B@acme-google.test']})
      assert.equal((await get(sandbox, agent, '/fake/users/a@acme-google.test/ping')).status, 200)
      assert.equal((await get(sandbox, agent, '/fake/users/b%40acme-google.test/ping')).status, 429)
      const anchored = await get(sandbox, agent, '/fake/users/nobody/ping', {'x-anchormailbox': 'b@acme-google.test'})
      assert.equal(anchored.status, 429)
    })
  })

  describe('request log', function () {
    it('filters by mailbox and provider and can be cleared', async function () {
      await sandbox.control('DELETE', '/_sandbox/log')
      await get(sandbox, agent, '/fake/users/a@acme-google.test/ping')
      await get(sandbox, agent, '/fake/users/a@acme-google.test/ping')
      await get(sandbox, agent, '/fake/users/c@acme-google.test/ping')
      type Log = {entries: {mailbox: string; operation: string; status: number; at: string}[]}
      const forA = (await sandbox.control('GET', '/_sandbox/log?mailbox=A@acme-google.test')).body as Log
      assert.equal(forA.entries.length, 2)
      assert.ok(forA.entries.every((e) => e.mailbox === 'a@acme-google.test' && e.operation === 'fake.ping'))
      assert.ok(!Number.isNaN(Date.parse(forA.entries[0]?.at ?? '')))
      assert.equal(((await sandbox.control('GET', '/_sandbox/log?provider=google')).body as Log).entries.length, 3)
      assert.equal(((await sandbox.control('GET', '/_sandbox/log?provider=microsoft')).body as Log).entries.length, 0)
      assert.equal((await sandbox.control('GET', '/_sandbox/log?provider=yahoo')).status, 400)
      assert.equal((await sandbox.control('DELETE', '/_sandbox/log')).status, 204)
      assert.equal(((await sandbox.control('GET', '/_sandbox/log')).body as Log).entries.length, 0)
    })
  })

  describe('deliver', function () {
    it('posts over HTTPS trusting the sandbox CA and returns the status, or 0 when nothing answers', async function () {
      const init = {method: 'POST', headers: {'content-type': 'application/json'}, body: '{"n":1}'}
      assert.equal(await sandbox.context.deliver(`${sandbox.origin}/fake/hook/202`, init), 202)
      assert.equal(await sandbox.context.deliver(`${sandbox.origin}/fake/hook/500`, init), 500)
      const closed = createServer()
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
      const port = (closed.address() as {port: number}).port
      await new Promise((resolve) => closed.close(resolve))
      assert.equal(await sandbox.context.deliver(`https://127.0.0.1:${port}/hook`, init), 0)
    })
  })
})

describe('sandbox host: lifecycle', function () {
  it('stop() closes the emulators and releases the port', async function () {
    const fake = createFakeEmulator()
    const sandbox = await startSandbox({emulators: [fake], users: 2, events: 1, rooms: 0})
    const port = Number(new URL(sandbox.origin).port)
    await sandbox.stop()
    assert.equal(fake.closed, true)
    const again = await startSandbox({emulators: [createFakeEmulator()], users: 2, events: 1, rooms: 0, port})
    assert.equal(new URL(again.origin).port, String(port))
    await again.stop()
  })

  it('fails with SANDBOX_PORT_UNAVAILABLE when the port is taken', async function () {
    const first = await startSandbox({emulators: [createFakeEmulator()], users: 1, events: 0, rooms: 0})
    try {
      const port = Number(new URL(first.origin).port)
      await assert.rejects(
        startSandbox({emulators: [createFakeEmulator()], users: 1, events: 0, rooms: 0, port}),
        (error: Error & {code?: string}) => error.code === 'SANDBOX_PORT_UNAVAILABLE',
      )
    } finally {
      await first.stop()
    }
  })

  it('keeps its CA in stateDir (key mode 0600) and reuses it on the next start', async function () {
    const stateDir = await mkdtemp(join(tmpdir(), 'hcal-sandbox-ca-'))
    try {
      const first = await startSandbox({emulators: [createFakeEmulator()], users: 1, events: 0, rooms: 0, stateDir})
      await first.stop()
      const keyMode = (await stat(join(stateDir, 'sandbox-ca.key'))).mode & 0o777
      assert.equal(keyMode, 0o600)
      const second = await startSandbox({emulators: [createFakeEmulator()], users: 1, events: 0, rooms: 0, stateDir})
      await second.stop()
      assert.equal(second.caPem, first.caPem)
      const fresh = await startSandbox({emulators: [createFakeEmulator()], users: 1, events: 0, rooms: 0})
      await fresh.stop()
      assert.notEqual(fresh.caPem, first.caPem)
    } finally {
      await rm(stateDir, {recursive: true, force: true})
    }
  })

  it('fails the start when an explicitly requested emulator cannot be mounted', async function () {
    const broken = {...createFakeEmulator(), register: async () => Promise.reject(new Error('boom'))}
    await assert.rejects(startSandbox({emulators: [broken], users: 1, events: 0, rooms: 0}), /boom/)
  })
})

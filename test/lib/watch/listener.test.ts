import assert from 'node:assert/strict'
import {request as httpsRequest} from 'node:https'
import {connect} from 'node:tls'

import {request, type Dispatcher} from 'undici'

import type {ProviderId} from '../../../src/lib/core/model.js'
import type {PushNotification} from '../../../src/lib/ports/calendar.js'
import {decodeGoogleWebhook} from '../../../src/lib/providers/google/calendar/push.js'
import {decodeGraphWebhook} from '../../../src/lib/providers/microsoft/calendar/webhook.js'
import {createAdmitter, type SubscriptionRecordView} from '../../../src/lib/watch/admit.js'
import {startListener, type Listener, type ListenerOptions} from '../../../src/lib/watch/listener.js'
import {createWatchMetrics, type WatchMetrics} from '../../../src/lib/watch/metrics.js'
import {prepareTls, type SandboxTls} from '../../../src/sandbox/host/tls.js'
import {trustingAgent} from '../../helpers/trusted-agent.js'

const TOKEN = 'channel-token-7f3c0b9e2d51'
const RECORDS: Record<string, SubscriptionRecordView> = {
  'google/ch-ann': {mailbox: 'ann@example.com', clientState: TOKEN, state: 'active'},
  'google/ch-ann-old': {mailbox: 'ann@example.com', clientState: TOKEN, state: 'superseded'},
  'microsoft/sub-bob': {mailbox: 'bob@example.com', clientState: TOKEN, state: 'active'},
}

interface Delivered {
  provider: ProviderId
  mailbox: string
  notification: PushNotification
}

interface Harness {
  listener: Listener
  metrics: WatchMetrics
  delivered: Delivered[]
  setReady(value: boolean): void
  send(path: string, init?: {method?: string; headers?: Record<string, string>; body?: string}): Promise<Answer>
  close(): Promise<void>
}

interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
}

let tls: SandboxTls

async function harness(overrides: Partial<ListenerOptions> = {}): Promise<Harness> {
  const metrics = createWatchMetrics({processMetrics: false})
  const delivered: Delivered[] = []
  let ready = false
  const listener = await startListener({
    host: '127.0.0.1',
    port: 0,
    tls: {cert: tls.certPem, key: tls.keyPem},
    readers: {google: decodeGoogleWebhook, microsoft: decodeGraphWebhook},
    admitter: createAdmitter({find: (provider, id) => RECORDS[`${provider}/${id}`]}),
    onNotification: (provider, mailbox, notification) => delivered.push({provider, mailbox, notification}),
    metrics,
    ready: () => ready,
    ...overrides,
  })
  const agent: Dispatcher = trustingAgent(tls.caPem)
  return {
    listener,
    metrics,
    delivered,
    setReady: (value) => (ready = value),
    async send(path, init = {}) {
      const response = await request(`${listener.origin}${path}`, {
        method: (init.method ?? 'POST') as 'POST',
        headers: init.headers,
        body: init.body,
        dispatcher: agent,
      })
      return {status: response.statusCode, headers: response.headers, text: await response.body.text()}
    },
    async close() {
      await agent.close()
      await listener.close()
    },
  }
}

function googleHeaders(fields: {id: string; token?: string; number: number; state?: string}): Record<string, string> {
  return {
    'x-goog-channel-id': fields.id,
    'x-goog-message-number': String(fields.number),
    'x-goog-resource-state': fields.state ?? 'exists',
    'x-goog-resource-id': 'res-1',
    ...(fields.token === undefined ? {} : {'x-goog-channel-token': fields.token}),
  }
}

function graphBody(items: Record<string, unknown>[]): string {
  return JSON.stringify({value: items})
}

/**
 * Sends the headers and then body chunks over raw HTTPS (one chunk of `once.bytes`, else until the listener
 * answers); resolves with the status and how many bytes were sent by then.
 */
function pushOversized(
  origin: string,
  caPem: string,
  headers: Record<string, string>,
  once?: {bytes: number},
): Promise<{status: number; sentBytes: number}> {
  const url = new URL(`${origin}/notify/microsoft`)
  return new Promise((resolve, reject) => {
    let sentBytes = 0
    let status = 0
    const chunk = Buffer.alloc(once?.bytes ?? 64 * 1024, 'a')
    const client = httpsRequest({
      hostname: url.hostname,
      port: url.port,
      path: url.pathname,
      method: 'POST',
      ca: caPem,
      headers,
    })
    const writeMore = () => {
      // Bounded: 64 MiB is far past any limit; the listener must have answered long before.
      while (status === 0 && sentBytes < 64 * 1024 * 1024 && !client.destroyed) {
        sentBytes += chunk.length
        if (!client.write(chunk) || once) return void client.once('drain', () => !once && writeMore())
      }
    }
    client.on('response', (response) => {
      status = response.statusCode ?? 0
      response.resume()
      response.on('end', () => {
        resolve({status, sentBytes})
        client.destroy()
      })
    })
    // The listener cuts the connection soon after answering: a write error then is expected.
    client.on('error', (error) => (status ? undefined : reject(error)))
    client.flushHeaders()
    writeMore()
  })
}

describe('watch listener', function () {
  before(async () => {
    tls = await prepareTls()
  })

  describe('Google channel notifications', () => {
    let h: Harness
    beforeEach(async () => (h = await harness()))
    afterEach(() => h.close())

    it('answers 202 and hands a genuine notification on with its mailbox', async () => {
      const answer = await h.send('/notify/google', {
        headers: googleHeaders({id: 'ch-ann', token: TOKEN, number: 1, state: 'sync'}),
      })
      assert.equal(answer.status, 202)
      assert.deepEqual(h.delivered, [
        {
          provider: 'google',
          mailbox: 'ann@example.com',
          notification: {subscriptionId: 'ch-ann', clientState: TOKEN, signal: 'sync', sequence: 1},
        },
      ])
    })

    it('answers 202 to forged, replayed, unknown and superseded channels but acts on none, counting each reason', async () => {
      const genuine = await h.send('/notify/google', {headers: googleHeaders({id: 'ch-ann', token: TOKEN, number: 5})})
      assert.equal(genuine.status, 202)
      const attempts = [
        googleHeaders({id: 'ch-ann', token: 'guessed', number: 6}),
        googleHeaders({id: 'ch-ann', number: 7}),
        googleHeaders({id: 'ch-ann', token: TOKEN, number: 5}),
        googleHeaders({id: 'ch-ann', token: TOKEN, number: 3}),
        googleHeaders({id: 'ch-nobody', token: TOKEN, number: 9}),
        googleHeaders({id: 'ch-ann-old', token: TOKEN, number: 9}),
      ]
      for (const headers of attempts) assert.equal((await h.send('/notify/google', {headers})).status, 202)
      assert.deepEqual(
        h.delivered.map((d) => d.notification.sequence),
        [5],
      )
      const text = await h.metrics.registry.metrics()
      assert.match(text, /^hcal_notifications_received_total\{provider="google"\} 7$/m)
      assert.match(text, /^hcal_notifications_rejected_total\{provider="google",reason="forged"\} 2$/m)
      assert.match(text, /^hcal_notifications_rejected_total\{provider="google",reason="replayed"\} 2$/m)
      assert.match(text, /^hcal_notifications_rejected_total\{provider="google",reason="unknown"\} 1$/m)
      assert.match(text, /^hcal_notifications_rejected_total\{provider="google",reason="stopped"\} 1$/m)
    })

    it('answers 400 to a request that is not a channel message and counts it invalid', async () => {
      const answer = await h.send('/notify/google', {headers: {'x-goog-channel-id': 'ch-ann'}})
      assert.equal(answer.status, 400)
      assert.equal(h.delivered.length, 0)
      assert.match(
        await h.metrics.registry.metrics(),
        /^hcal_notifications_rejected_total\{provider="google",reason="invalid"\} 1$/m,
      )
    })
  })

  describe('Graph notifications', () => {
    let h: Harness
    beforeEach(async () => (h = await harness()))
    afterEach(() => h.close())

    it('echoes the validation token as text/plain with 200', async () => {
      const token = 'Validation: Testing client application reachability for subscription Request-Id: 42'
      const answer = await h.send(`/notify/microsoft?validationToken=${encodeURIComponent(token)}`, {
        headers: {'content-type': 'text/plain'},
      })
      assert.equal(answer.status, 200)
      assert.match(String(answer.headers['content-type']), /^text\/plain\b/)
      assert.equal(answer.text, token)
      assert.equal(h.delivered.length, 0)
    })

    it('acts on the genuine notifications of a batch and drops the forged and unknown ones', async () => {
      const answer = await h.send('/notify/microsoft', {
        headers: {'content-type': 'application/json'},
        body: graphBody([
          {subscriptionId: 'sub-bob', clientState: TOKEN, changeType: 'updated'},
          {subscriptionId: 'sub-bob', clientState: 'not-it', changeType: 'updated'},
          {subscriptionId: 'sub-eve', clientState: TOKEN, changeType: 'updated'},
          {subscriptionId: 'sub-bob', clientState: TOKEN, lifecycleEvent: 'subscriptionRemoved'},
        ]),
      })
      assert.equal(answer.status, 202)
      assert.deepEqual(
        h.delivered.map((d) => [d.mailbox, d.notification.signal]),
        [
          ['bob@example.com', 'changed'],
          ['bob@example.com', 'removed'],
        ],
      )
    })

    it('answers 400 to a body that is not a notification batch', async () => {
      assert.equal((await h.send('/notify/microsoft', {body: '{"value": 3}'})).status, 400)
      assert.equal((await h.send('/notify/microsoft', {body: 'not json'})).status, 400)
      assert.equal(h.delivered.length, 0)
    })

    it('still answers 202 when handing on fails', async () => {
      await h.close()
      h = await harness({
        onNotification: () => {
          throw new Error('queue full')
        },
      })
      const body = graphBody([{subscriptionId: 'sub-bob', clientState: TOKEN, changeType: 'updated'}])
      assert.equal((await h.send('/notify/microsoft', {body})).status, 202)
    })
  })

  describe('request limits', () => {
    let h: Harness
    afterEach(() => h.close())

    it('refuses a body declared larger than the limit with 413 without reading it', async () => {
      // Only 100 bytes come: the declared length alone must decide (else the request times out: 408).
      h = await harness({maxBodyBytes: 1024, timeouts: {headersMs: 1000, requestMs: 2000}})
      const result = await pushOversized(
        h.listener.origin,
        tls.caPem,
        {'content-length': String(10 * 1024 * 1024)},
        {bytes: 100},
      )
      assert.equal(result.status, 413)
      assert.equal(result.sentBytes, 100)
      assert.equal(h.delivered.length, 0)
    })

    it('stops reading a chunked body at the limit with 413', async () => {
      h = await harness({maxBodyBytes: 1024})
      const result = await pushOversized(h.listener.origin, tls.caPem, {'transfer-encoding': 'chunked'})
      assert.equal(result.status, 413)
      assert.ok(result.sentBytes < 64 * 1024 * 1024, 'the listener answered before the client gave up')
      assert.equal(h.delivered.length, 0)
    })

    it('accepts a body up to the limit', async () => {
      h = await harness({maxBodyBytes: 1024})
      const body = graphBody([
        {subscriptionId: 'sub-bob', clientState: TOKEN, changeType: 'updated', padding: 'x'.repeat(900)},
      ])
      assert.ok(Buffer.byteLength(body) <= 1024)
      assert.equal((await h.send('/notify/microsoft', {body})).status, 202)
      assert.equal(h.delivered.length, 1)
    })

    it('limits requests per source with 429 and Retry-After', async () => {
      h = await harness({rateLimit: {points: 3, durationSeconds: 60}})
      const statuses: number[] = []
      let retryAfter: unknown
      for (let i = 1; i <= 5; i++) {
        const answer = await h.send('/notify/google', {headers: googleHeaders({id: 'ch-ann', token: TOKEN, number: i})})
        statuses.push(answer.status)
        retryAfter ??= answer.headers['retry-after']
      }
      assert.deepEqual(statuses, [202, 202, 202, 429, 429])
      assert.ok(Number(retryAfter) >= 1 && Number(retryAfter) <= 60, `Retry-After ${String(retryAfter)}`)
      assert.equal(h.delivered.length, 3)
    })

    it('keys the rate limit on the proxy-appended X-Forwarded-For address when trusting a proxy', async () => {
      h = await harness({rateLimit: {points: 1, durationSeconds: 60}, trustProxy: true})
      const from = (address: string) => ({headers: {'x-forwarded-for': `203.0.113.9, ${address}`}, method: 'GET'})
      assert.equal((await h.send('/healthz', from('198.51.100.1'))).status, 503)
      assert.equal((await h.send('/healthz', from('198.51.100.2'))).status, 503)
      assert.equal((await h.send('/healthz', from('198.51.100.1'))).status, 429)
    })

    it('answers 408 and closes a connection that sends its headers too slowly', async () => {
      h = await harness({timeouts: {headersMs: 300}})
      const url = new URL(h.listener.origin)
      const reply = await new Promise<string>((resolve, reject) => {
        const socket = connect({host: url.hostname, port: Number(url.port), ca: tls.caPem}, () => {
          socket.write('POST /notify/google HTTP/1.1\r\nHost: listener\r\nX-Goog-Channel-Id: ch-ann\r\n')
        })
        let received = ''
        socket.on('data', (data: Buffer) => (received += data.toString('latin1')))
        socket.on('close', () => resolve(received))
        socket.on('error', reject)
      })
      assert.match(reply, /^HTTP\/1\.1 408 /)
    })
  })

  describe('routes', () => {
    let h: Harness
    beforeEach(async () => (h = await harness()))
    afterEach(() => h.close())

    it('answers 404 to unknown paths and to providers without a webhook reader', async () => {
      assert.equal((await h.send('/', {method: 'GET'})).status, 404)
      assert.equal((await h.send('/notify')).status, 404)
      assert.equal((await h.send('/notify/exchange')).status, 404)
      assert.equal((await h.send('/notify/constructor')).status, 404)
      assert.equal((await h.send('/notify/google/extra')).status, 404)
    })

    it('answers 405 with Allow to a wrong method', async () => {
      const get = await h.send('/notify/google', {method: 'GET'})
      assert.equal(get.status, 405)
      assert.equal(get.headers.allow, 'POST')
      const post = await h.send('/healthz', {method: 'POST'})
      assert.equal(post.status, 405)
      assert.equal(post.headers.allow, 'GET')
      assert.equal((await h.send('/metrics', {method: 'DELETE'})).status, 405)
    })

    it('reports 503 starting on /healthz until ready, then 200 ready', async () => {
      const before = await h.send('/healthz', {method: 'GET'})
      assert.equal(before.status, 503)
      assert.deepEqual(JSON.parse(before.text), {status: 'starting'})
      h.setReady(true)
      const after = await h.send('/healthz', {method: 'GET'})
      assert.equal(after.status, 200)
      assert.match(String(after.headers['content-type']), /^application\/json/)
      assert.deepEqual(JSON.parse(after.text), {status: 'ready'})
    })

    it('serves the counters in the Prometheus text format after traffic', async () => {
      await h.send('/notify/google', {headers: googleHeaders({id: 'ch-ann', token: TOKEN, number: 1})})
      await h.send('/notify/google', {headers: googleHeaders({id: 'ch-ann', token: 'bad', number: 2})})
      const answer = await h.send('/metrics', {method: 'GET'})
      assert.equal(answer.status, 200)
      assert.match(String(answer.headers['content-type']), /^text\/plain; version=0\.0\.4/)
      assert.match(answer.text, /^# TYPE hcal_notifications_received_total counter$/m)
      assert.match(answer.text, /^hcal_notifications_received_total\{provider="google"\} 2$/m)
      assert.match(answer.text, /^hcal_notifications_rejected_total\{provider="google",reason="forged"\} 1$/m)
      assert.doesNotMatch(answer.text, /bad|channel-token/)
    })
  })

  it('serves plain HTTP when no certificate is given (behind a TLS-terminating proxy)', async () => {
    const metrics = createWatchMetrics({processMetrics: false})
    const listener = await startListener({
      host: '127.0.0.1',
      port: 0,
      readers: {},
      admitter: createAdmitter({find: () => undefined}),
      onNotification: () => undefined,
      metrics,
      ready: () => true,
    })
    try {
      assert.match(listener.origin, /^http:\/\/127\.0\.0\.1:\d+$/)
      const response = await request(`${listener.origin}/healthz`)
      assert.equal(response.statusCode, 200)
      assert.deepEqual(await response.body.json(), {status: 'ready'})
    } finally {
      await listener.close()
    }
  })
})

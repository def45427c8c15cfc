import assert from 'node:assert/strict'

import {BatchRequestContent, RetryHandlerOptions, type Client} from '@microsoft/microsoft-graph-client'

import {graphFailure, startMicrosoftSandbox, type MicrosoftSandbox} from './helpers.js'

interface BatchAnswer {
  id: string
  status: number
  headers: Record<string, string>
  body?: {error?: {code: string}; value?: unknown[]}
}

/** Per-request option that turns the Graph client's RetryHandler off, so a 429 reaches the caller. */
const noRetry = () => [new RetryHandlerOptions(0, 0)]

describe('sandbox microsoft: $batch and Outlook limits through the Graph client 3', () => {
  let ms: MicrosoftSandbox
  let graph: Client
  let user: string
  let other: string

  before(async () => {
    ms = await startMicrosoftSandbox()
    graph = ms.clients().graph
    user = (ms.users[4] ?? '').toLowerCase()
    other = (ms.users[5] ?? '').toLowerCase()
  })
  after(async () => ms.stop())
  afterEach(async () => {
    await ms.control('PUT', '/_sandbox/faults', {})
    await ms.control('POST', '/_sandbox/microsoft/limits/reset')
  })

  describe('$batch', () => {
    it('runs the SDK’s BatchRequestContent (item urls with /v1.0) and answers per-item statuses', async () => {
      const origin = ms.credentials.graphOrigin
      const content = new BatchRequestContent([
        {id: '1', request: new Request(`${origin}/v1.0/users/${user}/calendar/events?$top=1`, {method: 'GET'})},
        {id: '2', request: new Request(`${origin}/v1.0/users/${user}/mailboxSettings`, {method: 'GET'})},
        {id: '3', request: new Request(`${origin}/v1.0/users/nobody@nowhere.test/mailboxSettings`, {method: 'GET'})},
      ])
      const answer = (await graph.api('/$batch').post(await content.getContent())) as {responses: BatchAnswer[]}
      const byId = new Map(answer.responses.map((r) => [r.id, r]))
      assert.equal(byId.get('1')?.status, 200)
      assert.ok(Array.isArray(byId.get('1')?.body?.value))
      assert.equal(byId.get('2')?.status, 200)
      assert.equal(byId.get('3')?.status, 404)
      assert.equal(byId.get('3')?.body?.error?.code, 'ErrorInvalidUser')
    })

    it('accepts 20 hand-written items without the version prefix and honours dependsOn (424 after a failure)', async () => {
      const requests = Array.from({length: 20}, (_, i) => ({
        id: String(i + 1),
        method: 'GET',
        url: `/users/${i % 2 ? user : other}/mailboxSettings`,
      }))
      requests[1] = {id: '2', method: 'GET', url: '/users/nobody@nowhere.test/mailboxSettings'}
      Object.assign(requests[2] ?? {}, {dependsOn: ['2']})
      Object.assign(requests[3] ?? {}, {dependsOn: ['1']})
      const answer = (await graph.api('/$batch').post({requests})) as {responses: BatchAnswer[]}
      const statuses = Object.fromEntries(answer.responses.map((r) => [r.id, r.status]))
      assert.equal(answer.responses.length, 20)
      assert.equal(statuses['1'], 200)
      assert.equal(statuses['2'], 404)
      assert.equal(statuses['3'], 424)
      assert.equal(statuses['4'], 200)
      assert.equal(Object.values(statuses).filter((s) => s === 200).length, 18)
    })

    it('refuses a batch of 21 requests with 400', async () => {
      const requests = Array.from({length: 21}, (_, i) => ({
        id: String(i + 1),
        method: 'GET',
        url: `/users/${user}/mailboxSettings`,
      }))
      const error = await graphFailure(() => graph.api('/$batch').post({requests}))
      assert.equal(error.statusCode, 400)
      assert.equal(error.code, 'BadRequest')
      assert.match(error.message, /20/)
    })
  })

  it('answers the 5th concurrent request to one mailbox with 429 ApplicationThrottled and Retry-After', async () => {
    // Slow this mailbox down so four requests are still in flight when the fifth arrives.
    await ms.control('PUT', '/_sandbox/faults', {latency: {minMs: 400, maxMs: 400}, mailboxes: [user]})
    const calls = Array.from({length: 5}, () =>
      graph
        .api(`/users/${user}/mailboxSettings`)
        .middlewareOptions(noRetry())
        .get()
        .then(
          () => 'ok',
          (error: unknown) => error,
        ),
    )
    const results = await Promise.all(calls)
    assert.equal(results.filter((r) => r === 'ok').length, 4)
    const throttled = results.find((r) => r !== 'ok') as {
      statusCode: number
      code: string
      message: string
      headers?: Headers
    }
    assert.equal(throttled.statusCode, 429)
    assert.equal(throttled.code, 'ApplicationThrottled')
    assert.equal(throttled.message, 'Application is over its MailboxConcurrency limit.')
    assert.ok(Number(throttled.headers?.get('retry-after')) >= 1)
    // Other mailboxes are not affected.
    assert.ok(await graph.api(`/users/${other}/mailboxSettings`).middlewareOptions(noRetry()).get())
  })

  it('answers injected faults in Graph’s error shape (503 with Retry-After)', async () => {
    await ms.control('PUT', '/_sandbox/faults', {errorRates: {'503': 1}, providers: ['microsoft']})
    const error = await graphFailure(() =>
      graph.api(`/users/${user}/mailboxSettings`).middlewareOptions(noRetry()).get(),
    )
    assert.equal(error.statusCode, 503)
    assert.equal(error.code, 'ServiceUnavailable')
    assert.ok(Number(error.headers?.get('retry-after')) >= 1)
  })

  describe('10,000 requests per 10 minutes per mailbox (window and budget scaled by 0.002: 20 per 1.2 s)', () => {
    let scaled: MicrosoftSandbox
    before(async () => {
      scaled = await startMicrosoftSandbox({quotaWindowScale: 0.002})
    })
    after(async () => scaled.stop())

    it('answers the request over budget with 429 and Retry-After, per mailbox, and recovers after the window', async () => {
      const scaledGraph = scaled.clients().graph
      const [first, second] = scaled.users
      const get = (mailbox: string | undefined) =>
        scaledGraph.api(`/users/${mailbox}/mailboxSettings`).middlewareOptions(noRetry()).get()
      const started = Date.now()
      for (let i = 0; i < 20; i++) await get(first)
      const error = await graphFailure(() => get(first))
      assert.ok(Date.now() - started < 1200, 'the twenty requests fit in one window on this machine')
      assert.equal(error.statusCode, 429)
      assert.equal(error.code, 'ApplicationThrottled')
      assert.ok(Number(error.headers?.get('retry-after')) >= 1)
      assert.ok(await get(second))
      await new Promise((resolve) => setTimeout(resolve, 1250))
      assert.ok(await get(first))
    })
  })
})

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
  /** Waits (polling the control API, no timer) until `mailbox` has `count` requests holding a slot. */
  async function inFlightReaches(mailbox: string, count: number): Promise<void> {
    for (;;) {
      const limits = (await ms.control('GET', '/_sandbox/microsoft/limits')).body as {inFlight: Record<string, number>}
      if (limits.inFlight[mailbox] === count) return
    }
  }

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

    it('refuses malformed batches with 400 BadRequest naming the problem', async () => {
      const get = (id: string, extra: Record<string, unknown> = {}) => ({
        id,
        method: 'GET',
        url: `/users/${user}/mailboxSettings`,
        ...extra,
      })
      const cases: [unknown, RegExp][] = [
        [{requests: []}, /Invalid batch payload format/],
        [{requests: [{id: '1', method: 'GET'}]}, /needs an id, a method and a url/],
        [{requests: [get('1'), get('1')]}, /Request id '1' is not unique/],
        [{requests: [get('1', {method: 'POST', body: {}})]}, /Content-Type header must be specified/],
        [{requests: [get('1', {dependsOn: ['9']})]}, /depends on unknown request '9'/],
        [{requests: [get('1', {dependsOn: ['2']}), get('2', {dependsOn: ['1']})]}, /contains a cycle/],
      ]
      for (const [body, message] of cases) {
        const error = await graphFailure(() => graph.api('/$batch').post(body))
        assert.equal(error.statusCode, 400, JSON.stringify(body))
        assert.equal(error.code, 'BadRequest')
        assert.match(error.message, message)
      }
    })

    it('answers items with absolute, beta or nested $batch URLs with their own 400', async () => {
      const requests = ['https://graph.microsoft.com/v1.0/me', '/beta/users', '/$batch'].map((url, i) => ({
        id: String(i + 1),
        method: 'GET',
        url,
      }))
      const answer = (await graph.api('/$batch').post({requests})) as {responses: BatchAnswer[]}
      assert.deepEqual(
        answer.responses.map((r) => [r.id, r.status, r.body?.error?.code]),
        [
          ['1', 400, 'BadRequest'],
          ['2', 400, 'BadRequest'],
          ['3', 400, 'BadRequest'],
        ],
      )
    })
  })

  it('answers the 5th concurrent request to one mailbox with 429 ApplicationThrottled and Retry-After: 1', async () => {
    // Hold the mailbox so the first four requests keep their slots until released: no timing involved.
    assert.equal((await ms.control('POST', '/_sandbox/microsoft/limits/hold', {mailbox: user})).status, 200)
    const get = () => graph.api(`/users/${user}/mailboxSettings`).middlewareOptions(noRetry()).get()
    const held = Array.from({length: 4}, get)
    try {
      await inFlightReaches(user, 4)
      const throttled = await graphFailure(get)
      assert.equal(throttled.statusCode, 429)
      assert.equal(throttled.code, 'ApplicationThrottled')
      assert.equal(throttled.message, 'Application is over its MailboxConcurrency limit.')
      assert.equal(throttled.headers?.get('retry-after'), '1')
      // Other mailboxes are not affected.
      assert.ok(await graph.api(`/users/${other}/mailboxSettings`).middlewareOptions(noRetry()).get())
    } finally {
      await ms.control('POST', '/_sandbox/microsoft/limits/release', {mailbox: user})
    }
    assert.equal((await Promise.all(held)).length, 4)
    await inFlightReaches(user, 0)
    assert.ok(await get(), 'a released mailbox serves requests again')
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

  describe('10,000 requests per 10 minutes per mailbox (window and budget scaled by 0.01: 100 per 6 s)', () => {
    let scaled: MicrosoftSandbox
    before(async () => {
      scaled = await startMicrosoftSandbox({users: 2, events: 1, rooms: 0, quotaWindowScale: 0.01})
    })
    after(async () => scaled.stop())

    it('answers the request over budget with 429 MailboxRequestRate and a Retry-After within the window, per mailbox', async () => {
      const scaledGraph = scaled.clients().graph
      const [first, second] = scaled.users
      // Five batches of 20 spend the budget of 100 in five HTTP requests, far inside the 6 s window.
      for (let round = 0; round < 5; round++) {
        const requests = Array.from({length: 20}, (_, i) => ({
          id: String(i),
          method: 'GET',
          url: `/users/${first}/mailboxSettings`,
        }))
        const answer = (await scaledGraph.api('/$batch').post({requests})) as {responses: BatchAnswer[]}
        assert.deepEqual(
          answer.responses.map((r) => r.status),
          Array.from({length: 20}, () => 200),
        )
      }
      const get = (mailbox: string | undefined) =>
        scaledGraph.api(`/users/${mailbox}/mailboxSettings`).middlewareOptions(noRetry()).get()
      const error = await graphFailure(() => get(first))
      assert.equal(error.statusCode, 429)
      assert.equal(error.code, 'ApplicationThrottled')
      assert.equal(error.message, 'Application is over its MailboxRequestRate limit.')
      const retryAfter = Number(error.headers?.get('retry-after'))
      assert.ok(retryAfter >= 1 && retryAfter <= 6, `Retry-After ${retryAfter} is within the 6 s window`)
      assert.ok(await get(second), 'another mailbox has its own budget')
      await scaled.control('POST', '/_sandbox/microsoft/limits/reset')
      assert.ok(await get(first), 'a reset budget serves the mailbox again')
    })
  })
})

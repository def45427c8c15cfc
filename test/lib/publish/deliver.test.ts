import assert from 'node:assert/strict'
import {join} from 'node:path'

import Database from 'better-sqlite3'

import type {ProfileConfig} from '../../../src/lib/config/profiles.js'
import {deliverOutbox, openEventSink, type DeliverOptions} from '../../../src/lib/publish/index.js'
import type {WebhookSinkConfig} from '../../../src/lib/publish/config.js'
import {createSecretStore, type SecretStore} from '../../../src/lib/secrets/index.js'
import {openStateStore, type StateStore} from '../../../src/lib/store/index.js'
import {tempHome} from '../../helpers/cli.js'
import {startHttpsReceiver, type HttpsReceiver, type ReceivedRequest} from '../../helpers/https-receiver.js'
import {
  BODY_MARKER,
  INVITEE,
  meetingsChanged,
  ORGANIZER,
  SECRET,
  startPlainReceiver,
  tlsFixture,
  TITLE,
  verified,
} from './fixtures.js'

describe('publishing: outbox and signed webhook delivery', () => {
  let home: Awaited<ReturnType<typeof tempHome>>
  let secrets: SecretStore
  let store: StateStore | undefined
  let receiver: HttpsReceiver | undefined
  let tls: Awaited<ReturnType<typeof tlsFixture>>
  const open = async () => (store = await openStateStore({profile: 'acme', secrets, dataDir: home.env.HCAL_DATA_DIR}))

  const sink = (url: string, name = 'hooks'): WebhookSinkConfig => ({
    name,
    type: 'webhook',
    url,
    ...(url.startsWith('http:') ? {allowHttp: true} : {}),
    createdAt: '2026-12-01T00:00:00.000Z',
  })
  const profileWith = (...sinks: WebhookSinkConfig[]): Pick<ProfileConfig, 'publish' | 'caFile'> => ({
    caFile: tls.caFile,
    publish: {sinks},
  })
  const deliver = (
    s: StateStore,
    profile: Pick<ProfileConfig, 'publish' | 'caFile'>,
    extra: Partial<DeliverOptions> = {},
  ) => deliverOutbox({store: s, profile, secrets, backoff: {initialMs: 0, maxMs: 0}, ...extra})

  beforeEach(async () => {
    home = await tempHome()
    secrets = createSecretStore({profile: 'acme', backend: 'memory', env: {}})
    await secrets.set('publish.hooks.signingSecret', SECRET)
    tls = await tlsFixture(home.dir)
  })
  afterEach(async () => {
    store?.close()
    await receiver?.close()
    receiver = undefined
    await home.cleanup()
  })

  it('delivers each event signed as Standard Webhooks says, with titles and invitees but never a body (https)', async () => {
    receiver = await startHttpsReceiver(tls.leaf)
    const s = await open()
    const profile = profileWith(sink(`${receiver.origin}/hcal`))
    openEventSink(s, profile).enqueue([
      meetingsChanged(),
      {type: 'presence.changed', mailbox: 'alice@acme.example', outOfOffice: {state: 'on'}},
    ])
    const report = await deliver(s, profile)
    assert.deepEqual([report.delivered, report.failed], [2, 0])
    assert.equal(receiver.received.length, 2)
    const [meetings, presence] = receiver.received.map((r) => verified(r))
    assert.equal(meetings?.type, 'meetings.changed')
    const changed = (meetings?.data.changed as Record<string, unknown>[])[0]
    assert.equal(changed?.title, TITLE)
    assert.deepEqual(
      (changed?.invitees as {email: string}[]).map((i) => i.email),
      [INVITEE],
    )
    assert.deepEqual(meetings?.data.removed, ['gone-1'])
    assert.deepEqual(presence, {
      type: 'presence.changed',
      timestamp: (presence as {timestamp: string} | undefined)?.timestamp,
      data: {mailbox: 'alice@acme.example', outOfOffice: {state: 'on', start: null, end: null}},
    })
    for (const request of receiver.received) assert.doesNotMatch(request.body, new RegExp(BODY_MARKER))
    assert.throws(() =>
      verified(receiver?.received[0] as ReceivedRequest, `whsec_${Buffer.alloc(32, 8).toString('base64')}`),
    )
    assert.deepEqual(s.outbox.stats(), [], 'delivered messages leave the outbox')
  })

  it('keeps undelivered events sealed on disk across a restart and a key rotation, then delivers them', async () => {
    const s = await open()
    receiver = await startHttpsReceiver(tls.leaf)
    const profile = profileWith(sink(`${receiver.origin}/hcal`))
    openEventSink(s, profile).enqueue([meetingsChanged('a'), meetingsChanged('b')])
    s.close()
    const raw = new Database(join(home.env.HCAL_DATA_DIR ?? '', 'acme', 'state.db'), {readonly: true})
    const rows = raw.prepare('SELECT * FROM outbox').all() as Record<string, unknown>[]
    raw.close()
    assert.equal(rows.length, 2)
    const onDisk = JSON.stringify(rows.map((row) => Object.values(row).map(String)))
    for (const clear of [TITLE, INVITEE, ORGANIZER, 'alice@acme.example', 'meetings.changed']) {
      assert.ok(!onDisk.includes(clear), `${clear} is not stored in clear`)
    }
    const reopened = await open()
    assert.deepEqual(
      reopened.outbox.stats().map((x) => [x.sink, x.pending, x.failed]),
      [['hooks', 2, 0]],
    )
    await reopened.rotateKey()
    const report = await deliver(reopened, profile)
    assert.equal(report.delivered, 2)
    assert.deepEqual(
      receiver.received.map((r) => (verified(r).data.changed as {id: string}[])[0]?.id),
      ['a', 'b'],
      'in the order they were enqueued',
    )
  })

  it('retries after a 500 and after a timeout with the same webhook-id, counting attempts, then delivers once', async () => {
    const attempts: ReceivedRequest[] = []
    receiver = await startHttpsReceiver(tls.leaf, {
      intercept(request, response) {
        attempts.push(request)
        if (attempts.length === 1) response.writeHead(500).end()
        // The second attempt gets no answer at all: the request times out.
        return attempts.length <= 2
      },
    })
    const s = await open()
    const profile = profileWith(sink(`${receiver.origin}/hcal`))
    openEventSink(s, profile).enqueue([meetingsChanged()])

    const first = await deliver(s, profile)
    assert.deepEqual([first.delivered, first.failed, first.deadLettered], [0, 1, 0])
    assert.deepEqual(
      s.outbox.stats().map((x) => [x.pending, x.failed, x.lastError]),
      [[1, 0, 'HTTP 500']],
    )
    const second = await deliver(s, profile, {requestTimeoutMs: 300})
    assert.equal(second.failed, 1)
    assert.match(s.outbox.stats()[0]?.lastError ?? '', /no answer within 300 ms/)
    const third = await deliver(s, profile)
    assert.equal(third.delivered, 1)
    assert.equal(receiver.received.length, 1)
    // `attempts` saw every request, the accepted one included.
    const ids = attempts.map((r) => r.headers['webhook-id'])
    assert.equal(ids.length, 3)
    assert.equal(new Set(ids).size, 1, 'every attempt carries the same webhook-id')
    assert.equal(verified(receiver.received[0] as ReceivedRequest).type, 'meetings.changed')
    assert.deepEqual(s.outbox.stats(), [])
  })

  it('dead-letters a message after its last attempt and stops sending it', async () => {
    receiver = await startHttpsReceiver(tls.leaf, {status: 503})
    const s = await open()
    const profile = profileWith(sink(`${receiver.origin}/hcal`))
    openEventSink(s, profile).enqueue([meetingsChanged()])
    await deliver(s, profile, {maxAttempts: 2})
    const last = await deliver(s, profile, {maxAttempts: 2})
    assert.deepEqual([last.failed, last.deadLettered], [1, 1])
    assert.deepEqual(
      s.outbox.stats().map((x) => [x.pending, x.failed, x.lastError, x.nextAttemptAt]),
      [[0, 1, 'HTTP 503', null]],
    )
    const after = await deliver(s, profile, {maxAttempts: 2})
    assert.deepEqual([after.delivered, after.failed], [0, 0])
    assert.equal(receiver.received.length, 2, 'two attempts in all')
  })

  it('waits the backoff between attempts: a failed message is not due again at once', async () => {
    receiver = await startHttpsReceiver(tls.leaf, {status: 500})
    const s = await open()
    const profile = profileWith(sink(`${receiver.origin}/hcal`))
    openEventSink(s, profile).enqueue([meetingsChanged()])
    const before = Date.now()
    await deliver(s, profile, {backoff: {initialMs: 60_000, maxMs: 60_000}})
    const next = Date.parse(s.outbox.stats()[0]?.nextAttemptAt ?? '')
    assert.ok(next >= before + 30_000 && next <= Date.now() + 60_000, `next attempt ${new Date(next).toISOString()}`)
    const again = await deliver(s, profile)
    assert.deepEqual([again.delivered, again.failed], [0, 0])
  })

  it('sends a plain-http sink no titles, organisers or invitees', async () => {
    const plain = await startPlainReceiver()
    try {
      const s = await open()
      const profile = profileWith(sink(`${plain.origin}/events`))
      openEventSink(s, profile).enqueue([
        meetingsChanged(),
        {
          type: 'obtp.due',
          entry: {
            meetingId: 'evt-1',
            title: TITLE,
            start: '2026-12-03T10:00:00.000Z',
            end: '2026-12-03T11:00:00.000Z',
            showFrom: '2026-12-03T09:55:00.000Z',
            showUntil: '2026-12-03T11:00:00.000Z',
            join: {url: null, sip: 'qz81@acme.webex.com', service: 'webex'},
            source: 'keyword',
            targets: [{email: INVITEE, kind: 'user', response: 'accepted', address: 'sip:room1@acme.example'}],
          },
        },
      ])
      const report = await deliver(s, profile)
      assert.equal(report.delivered, 2)
      const [meetings, obtp] = plain.received.map((r) => verified(r))
      assert.deepEqual(Object.keys((meetings?.data.changed as object[])[0] ?? {}).sort(), [
        'allDay',
        'end',
        'id',
        'join',
        'keyword',
        'private',
        'source',
        'start',
        'status',
      ])
      assert.deepEqual(obtp?.data.targets, [{kind: 'user', address: 'sip:room1@acme.example', response: 'accepted'}])
      for (const request of plain.received) {
        for (const hidden of [TITLE, INVITEE, ORGANIZER, BODY_MARKER]) assert.ok(!request.body.includes(hidden), hidden)
      }
    } finally {
      await plain.close()
    }
  })

  it('skips a sink whose secret is missing without touching its messages, and delivers to the others', async () => {
    receiver = await startHttpsReceiver(tls.leaf)
    const s = await open()
    const profile = profileWith(sink(`${receiver.origin}/a`, 'nosecret'), sink(`${receiver.origin}/b`))
    openEventSink(s, profile).enqueue([meetingsChanged()])
    const report = await deliver(s, profile)
    assert.match(
      report.sinks.find((x) => x.sink === 'nosecret')?.skipped ?? '',
      /publish\.nosecret\.signingSecret is missing/,
    )
    assert.equal(report.delivered, 1)
    assert.deepEqual(
      receiver.received.map((r) => r.url),
      ['/b'],
    )
    assert.deepEqual(
      s.outbox.stats().map((x) => [x.sink, x.pending, x.lastError]),
      [['nosecret', 1, null]],
    )
  })

  it('stops starting requests once its time budget is spent', async () => {
    receiver = await startHttpsReceiver(tls.leaf, {intercept: () => true})
    const s = await open()
    const profile = profileWith(sink(`${receiver.origin}/hcal`))
    openEventSink(s, profile).enqueue([meetingsChanged('a'), meetingsChanged('b')])
    const report = await deliver(s, profile, {budgetMs: 300, requestTimeoutMs: 5_000})
    assert.deepEqual([report.delivered, report.failed], [0, 1])
    // The request was cut at what was left of the budget, not at the 5 s request timeout.
    const waited = Number(/no answer within (\d+) ms/.exec(s.outbox.stats()[0]?.lastError ?? '')?.[1])
    assert.ok(waited > 0 && waited <= 300, `waited ${waited} ms`)
    assert.equal(s.outbox.stats()[0]?.pending, 2)
  })
})

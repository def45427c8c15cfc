import assert from 'node:assert/strict'
import {readFile} from 'node:fs/promises'

import {profilePath, saveProfile} from '../../../src/lib/config/profiles.js'
import {deliverOutbox, openEventSink} from '../../../src/lib/publish/index.js'
import {createSecretStore} from '../../../src/lib/secrets/index.js'
import {openStateStore} from '../../../src/lib/store/index.js'
import {runCli, tempHome} from '../../helpers/cli.js'
import {startHttpsReceiver, type HttpsReceiver} from '../../helpers/https-receiver.js'
import {type SecretServiceSession, startSecretService} from '../../helpers/secret-service.js'
import {meetingsChanged, SECRET, tlsFixture, verified} from '../../lib/publish/fixtures.js'

interface Envelope<R> {
  status: number
  result: R
  error?: {code: string; message: string; suggestions: string[]}
}

const STORE_KEY = Buffer.alloc(32, 3).toString('base64')

describe('hcal publish add|list|test|remove', () => {
  let session: SecretServiceSession
  let home: Awaited<ReturnType<typeof tempHome>>
  let tls: Awaited<ReturnType<typeof tlsFixture>>
  let receiver: HttpsReceiver | undefined
  const env = () => ({...session.env, ...home.env, HCAL_STORE_KEY: STORE_KEY})
  const run = (args: string[], input?: string) =>
    runCli([...args, '--profile', 'acme', '--json'], {env: env(), ...(input === undefined ? {} : {input})})
  const errorOf = (result: {json: unknown}) => (result.json as Envelope<unknown>).error

  before(async function () {
    this.timeout(20_000)
    session = await startSecretService()
  })
  after(() => session.stop())
  beforeEach(async () => {
    home = await tempHome()
    tls = await tlsFixture(home.dir)
    await saveProfile('acme', (p) => ({...p, caFile: tls.caFile}), home.env)
  })
  afterEach(async () => {
    await receiver?.close()
    receiver = undefined
    await home.cleanup()
  })

  it('adds a sink with a generated secret shown once on stderr, and a signed test event verifies with it', async () => {
    receiver = await startHttpsReceiver(tls.leaf)
    const added = await run(['publish', 'add', 'webhook', `${receiver.origin}/hcal`, '--show-secret'])
    assert.equal(added.code, 0, added.stderr)
    assert.deepEqual((added.json as Envelope<unknown>).result, {
      name: 'webhook-127-0-0-1',
      type: 'webhook',
      url: `${receiver.origin}/hcal`,
      people: true,
      secretName: 'publish.webhook-127-0-0-1.signingSecret',
      secret: 'generated',
    })
    const secret = /whsec_[A-Za-z0-9+/=]+/.exec(added.stderr)?.[0]
    assert.ok(secret, added.stderr)
    assert.ok(!added.stdout.includes(secret), 'never on stdout')
    assert.ok(!(await readFile(profilePath('acme', home.env), 'utf8')).includes('whsec_'), 'never in the profile')

    const tested = await run(['publish', 'test'])
    assert.equal(tested.code, 0, tested.stderr)
    const result = (tested.json as Envelope<{status: number; ok: boolean; messageId: string}>).result
    assert.deepEqual([result.status, result.ok], [200, true])
    assert.equal(receiver.received.length, 1)
    const request = receiver.received[0]
    assert.ok(request)
    assert.equal(verified(request, secret).type, 'hcal.test')
    assert.equal(request.headers['webhook-id'], result.messageId)
  })

  it('lists pending and failed events, and remove deletes the sink, its secret and its undelivered events', async () => {
    receiver = await startHttpsReceiver(tls.leaf, {status: 500})
    const url = `${receiver.origin}/hcal`
    const added = await run(['publish', 'add', 'webhook', url, '--name', 'hooks', '--stdin'], SECRET)
    assert.equal(added.code, 0, added.stderr)
    assert.equal((added.json as Envelope<{secret: string}>).result.secret, 'given')
    const profile = JSON.parse(await readFile(profilePath('acme', home.env), 'utf8')) as Parameters<
      typeof openEventSink
    >[1] & {caFile: string}
    // What a sync would do: enqueue in the store, then deliver (the receiver fails, one attempt allowed).
    const secrets = createSecretStore({profile: 'acme', backend: 'memory', env: {HCAL_STORE_KEY: STORE_KEY}})
    await secrets.set('publish.hooks.signingSecret', SECRET)
    const store = await openStateStore({profile: 'acme', secrets, dataDir: home.env.HCAL_DATA_DIR})
    openEventSink(store, profile).enqueue([meetingsChanged('a'), meetingsChanged('b'), meetingsChanged('c')])
    await deliverOutbox({store, profile, secrets, maxAttempts: 1})
    store.close()
    assert.equal(receiver.received.length, 1)
    assert.equal(verified(receiver.received[0] as (typeof receiver.received)[0]).type, 'meetings.changed')

    const listed = await run(['publish', 'list'])
    assert.equal(listed.code, 0, listed.stderr)
    const [status] = (listed.json as Envelope<{sinks: Record<string, unknown>[]}>).result.sinks
    assert.deepEqual(
      [status?.name, status?.url, status?.people, status?.pending, status?.failed, status?.lastError],
      ['hooks', url, true, 2, 1, 'HTTP 500'],
    )
    const table = await runCli(['publish', 'list', '--profile', 'acme'], {env: env()})
    assert.match(table.stdout, /^hooks\t\S+\tyes\t2\t1\tHTTP 500$/m)

    const secretsBefore = await runCli(['secrets', 'list', '--profile', 'acme', '--json'], {env: env()})
    assert.match(secretsBefore.stdout, /publish\.hooks\.signingSecret/)
    const removed = await run(['publish', 'remove', 'hooks'])
    assert.equal(removed.code, 0, removed.stderr)
    assert.deepEqual((removed.json as Envelope<unknown>).result, {name: 'hooks', url, purged: 3, secretDeleted: true})
    const after = await run(['publish', 'list'])
    assert.deepEqual((after.json as Envelope<unknown>).result, {sinks: []})
    const secretsAfter = await runCli(['secrets', 'list', '--profile', 'acme', '--json'], {env: env()})
    assert.doesNotMatch(secretsAfter.stdout, /publish\.hooks/)
    const reopened = await openStateStore({profile: 'acme', secrets, dataDir: home.env.HCAL_DATA_DIR})
    assert.deepEqual(reopened.outbox.stats(), [], 'no row left')
    reopened.close()
  })

  it('accepts plain http only with --allow-http, and that sink gets no titles', async () => {
    const refused = await run(['publish', 'add', 'webhook', 'http://127.0.0.1:9000/events', '--stdin'], SECRET)
    assert.equal(refused.code, 2)
    assert.equal(errorOf(refused)?.code, 'SINK_URL_INSECURE')
    assert.match(errorOf(refused)?.suggestions.join(' ') ?? '', /--allow-http/)
    const allowed = await run(
      ['publish', 'add', 'webhook', 'http://127.0.0.1:9000/events', '--allow-http', '--name', 'local', '--stdin'],
      SECRET,
    )
    assert.equal(allowed.code, 0, allowed.stderr)
    assert.equal((allowed.json as Envelope<{people: boolean}>).result.people, false)
    const saved = JSON.parse(await readFile(profilePath('acme', home.env), 'utf8')) as {publish: unknown}
    assert.deepEqual(
      (saved.publish as {sinks: {allowHttp?: boolean}[]}).sinks.map((s) => s.allowHttp),
      [true],
    )
  })

  it('refuses bad input with an exit code and the fix, writing nothing', async () => {
    const before = await readFile(profilePath('acme', home.env), 'utf8')
    const badUrl = await run(['publish', 'add', 'webhook', 'not a url', '--stdin'], SECRET)
    assert.equal(badUrl.code, 2)
    assert.equal(errorOf(badUrl)?.code, 'SINK_URL_INVALID')
    assert.match(errorOf(badUrl)?.suggestions.join(' ') ?? '', /https:\/\//)
    const badScheme = await run(['publish', 'add', 'webhook', 'ftp://hooks.acme.com/x', '--stdin'], SECRET)
    assert.equal(errorOf(badScheme)?.code, 'SINK_URL_INVALID')
    const badName = await run(
      ['publish', 'add', 'webhook', 'https://hooks.acme.com/x', '--name', 'Bad Name', '--stdin'],
      SECRET,
    )
    assert.deepEqual([badName.code, errorOf(badName)?.code], [2, 'SINK_NAME_INVALID'])
    const badSecret = await run(['publish', 'add', 'webhook', 'https://hooks.acme.com/x', '--stdin'], 'not-a-secret')
    assert.deepEqual([badSecret.code, errorOf(badSecret)?.code], [2, 'SECRET_VALUE_INVALID'])
    const unseen = await run(['publish', 'add', 'webhook', 'https://hooks.acme.com/x'])
    assert.deepEqual([unseen.code, errorOf(unseen)?.code], [2, 'SINK_SECRET_UNSEEN'])
    assert.match(errorOf(unseen)?.suggestions.join(' ') ?? '', /--stdin/)
    assert.equal(await readFile(profilePath('acme', home.env), 'utf8'), before, 'the profile is unchanged')

    const noSink = await run(['publish', 'test'])
    assert.deepEqual([noSink.code, errorOf(noSink)?.code], [1, 'SINK_NOT_FOUND'])
    assert.match(errorOf(noSink)?.suggestions.join(' ') ?? '', /hcal publish add webhook/)

    const first = await run(['publish', 'add', 'webhook', 'https://hooks.acme.com/x', '--stdin'], SECRET)
    assert.equal(first.code, 0, first.stderr)
    const duplicate = await run(
      ['publish', 'add', 'webhook', 'https://hooks.acme.com/x', '--name', 'other', '--stdin'],
      SECRET,
    )
    assert.deepEqual([duplicate.code, errorOf(duplicate)?.code], [1, 'SINK_EXISTS'])
    assert.match(errorOf(duplicate)?.suggestions.join(' ') ?? '', /hcal publish remove hooks-acme-com/)
    const unknown = await run(['publish', 'remove', 'nope'])
    assert.deepEqual([unknown.code, errorOf(unknown)?.code], [1, 'SINK_NOT_FOUND'])
    assert.match(errorOf(unknown)?.suggestions.join(' ') ?? '', /hooks-acme-com/)
  })

  it('reports a receiver that refuses the test event (exit 1, SINK_TEST_FAILED, the status)', async () => {
    receiver = await startHttpsReceiver(tls.leaf, {status: 401})
    await run(['publish', 'add', 'webhook', `${receiver.origin}/hcal`, '--name', 'hooks', '--stdin'], SECRET)
    const tested = await run(['publish', 'test', 'hooks'])
    assert.equal(tested.code, 1)
    assert.equal(errorOf(tested)?.code, 'SINK_TEST_FAILED')
    assert.match(errorOf(tested)?.message ?? '', /HTTP 401/)
    assert.match(errorOf(tested)?.suggestions.join(' ') ?? '', /signature/)
  })
})

import assert from 'node:assert/strict'
import {writeFile} from 'node:fs/promises'
import {join} from 'node:path'

import {SECRET, startPlainReceiver, verified} from '../../lib/publish/fixtures.js'
import {runCli} from '../../helpers/cli.js'
import {startSecretService, type SecretServiceSession} from '../../helpers/secret-service.js'
import {LAB_PROFILE, startUsersLab, type UsersLab} from '../../helpers/users-lab.js'

/**
 * `hcal sync` hands what changed to the publishing sinks: the events it enqueued in its transactions go out,
 * signed, before the command ends; a dry run publishes nothing.
 */
describe('hcal sync publishes to the configured webhook sink (built CLI, Google sandbox)', function () {
  this.timeout(300_000)
  let lab: UsersLab
  let receiver: Awaited<ReturnType<typeof startPlainReceiver>>
  let session: SecretServiceSession
  // The sink's signing secret lives in the keychain: the lab's CLI environment plus a Secret Service.
  const cli = (...args: string[]) =>
    runCli([...args, '--profile', LAB_PROFILE, '--json'], {env: {...lab.env, ...session.env}, timeoutMs: 120_000})

  before(async () => {
    session = await startSecretService()
    lab = await startUsersLab({providers: ['google'], users: 3, events: 4, rooms: 1})
    receiver = await startPlainReceiver()
    const secretFile = join(lab.dir, 'webhook-secret')
    await writeFile(secretFile, SECRET, {mode: 0o600})
    const added = await cli(
      'publish',
      'add',
      'webhook',
      `${receiver.origin}/hcal`,
      '--allow-http',
      '--name',
      'local',
      '--file',
      secretFile,
    )
    assert.equal(added.code, 0, added.stdout + added.stderr)
    const users = lab.seed.google!.users.slice(0, 2).map((u) => u.email)
    assert.equal((await cli('users', 'activate', ...users)).code, 0)
  })
  after(async () => {
    await receiver?.close()
    await lab?.stop()
    await session?.stop()
  })

  it('a dry run delivers nothing; a sync delivers signed meetings.changed and presence.changed without titles over http', async () => {
    const dry = await cli('sync', '--dry-run')
    assert.equal(dry.code, 0, dry.stderr)
    assert.equal(receiver.received.length, 0)

    const run = await cli('sync')
    assert.equal(run.code, 0, run.stderr)
    assert.ok(receiver.received.length > 0, 'events delivered before the command ended')
    const events = receiver.received.map((request) => verified(request, SECRET))
    const types = new Set(events.map((event) => event.type))
    assert.ok(types.has('meetings.changed'), [...types].join(', '))
    assert.ok(types.has('presence.changed'), [...types].join(', '))
    for (const request of receiver.received) {
      assert.ok(!/"title":"[^"]/.test(request.body), 'no titles to a plain-http sink')
      assert.ok(!/"body":/.test(request.body), `never a meeting body: ${request.body}`)
    }

    const listed = await cli('publish', 'list')
    const [sink] = (listed.json as {result: {sinks: {name: string; pending: number}[]}}).result.sinks
    assert.deepEqual([sink?.name, sink?.pending], ['local', 0])
  })
})

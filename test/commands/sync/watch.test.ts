import assert from 'node:assert/strict'
import {writeFile} from 'node:fs/promises'
import {hostname} from 'node:os'
import {join} from 'node:path'

import {blocksIn, controlOk} from '../../helpers/sync-e2e.js'
import {runCli, startCli, type RunningCli} from '../../helpers/cli.js'
import {eventually} from '../../helpers/eventually.js'
import {startSecretService, type SecretServiceSession} from '../../helpers/secret-service.js'
import {LAB_PROFILE, startUsersLab, type UsersLab} from '../../helpers/users-lab.js'
import {SECRET, startPlainReceiver, verified} from '../../lib/publish/fixtures.js'

interface GoogleEvent {
  id: string
  description?: string
}

interface LogEntry {
  mailbox?: string
  operation: string
  path: string
}

const MINUTE = 60_000

/**
 * `hcal sync --watch` against the Google sandbox through the built CLI, polling (no --public-url): it keeps
 * mailboxes current, follows activations and deactivations while running, publishes obtp.due at the Join-button
 * time, shuts down with 130 on SIGTERM, resumes incrementally, and refuses a second instance on the profile.
 */
describe('hcal sync --watch (polling, Google sandbox, built CLI)', function () {
  this.timeout(600_000)
  let lab: UsersLab
  let session: SecretServiceSession
  let receiver: Awaited<ReturnType<typeof startPlainReceiver>>
  let users: string[]
  let watch: RunningCli | undefined

  const env = () => ({...lab.env, ...session.env})
  const cli = (...args: string[]) =>
    runCli([...args, '--profile', LAB_PROFILE, '--json'], {env: env(), timeoutMs: 120_000})
  const startWatch = async () => {
    const running = startCli(
      ['sync', '--watch', '--interval', '1s', '--profile', LAB_PROFILE, '--log-format', 'json', '--log-level', 'info'],
      {env: env(), timeoutMs: 400_000},
    )
    await running.waitForStderr(/Watching \d+ mailboxes/)
    return running
  }
  const eventsPath = (email: string) => `/_sandbox/google/calendars/${encodeURIComponent(email)}/events`
  const create = (email: string, location: string, start: Date) =>
    controlOk<GoogleEvent>(lab, 'POST', eventsPath(email), {
      title: 'Watched',
      location,
      body: 'Created while hcal watches.',
      start: start.toISOString(),
      end: new Date(start.getTime() + 30 * MINUTE).toISOString(),
    })
  const descriptionOf = async (email: string, id: string) =>
    (await controlOk<{events: GoogleEvent[]}>(lab, 'GET', eventsPath(email))).events.find((e) => e.id === id)
      ?.description
  const blockWritten = (email: string, id: string) =>
    eventually(`join block in ${email}'s ${id}`, async () =>
      blocksIn(await descriptionOf(email, id)) === 1 ? true : undefined,
    )
  const log = async () => (await controlOk<{entries: LogEntry[]}>(lab, 'GET', '/_sandbox/log?provider=google')).entries
  const inTwoDays = () => new Date(Date.now() + 2 * 86_400_000)

  before(async () => {
    session = await startSecretService()
    lab = await startUsersLab({providers: ['google'], users: 4, events: 3, rooms: 0})
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
    assert.equal((await cli('meetings', 'settings', '--site', 'acme')).code, 0)
    users = lab.seed.google!.users.map((u) => u.email.toLowerCase())
    const activation = await cli('users', 'activate', users[0]!, users[1]!)
    assert.equal(activation.code, 0, activation.stdout)
  })
  after(async () => {
    watch?.signal('SIGKILL')
    await receiver?.close()
    await lab?.stop()
    await session?.stop()
  })

  it('misconfigured watch flags exit 2 with a code and the fix, before anything starts', async () => {
    const cases: [string[], string][] = [
      [['--watch', '--interval', '0s'], 'WATCH_DURATION_INVALID'],
      [['--watch', '--resync-interval', 'soon'], 'WATCH_DURATION_INVALID'],
      [['--watch', '--public-url', 'http://hcal.example.com'], 'WATCH_PUBLIC_URL_INVALID'],
      [['--watch', '--listen', 'nowhere'], 'WATCH_LISTEN_INVALID'],
      [
        ['--watch', '--tls-cert', join(lab.dir, 'none.crt'), '--tls-key', join(lab.dir, 'none.key')],
        'WATCH_TLS_UNREADABLE',
      ],
    ]
    for (const [args, code] of cases) {
      const run = await cli('sync', ...args)
      const envelope = run.json as {error: {code: string; suggestions: string[]}}
      assert.deepEqual([run.code, envelope.error.code], [2, code], args.join(' '))
      assert.ok(envelope.error.suggestions.length > 0, `${code} says what fixes it`)
    }
    for (const args of [
      ['--interval', '5m'],
      ['--watch', '--dry-run'],
      ['--watch', '--tls-cert', 'x'],
    ]) {
      assert.equal((await cli('sync', ...args)).code, 2, args.join(' '))
    }
  })

  it('polling picks up a user edit and writes the join block', async () => {
    watch = await startWatch()
    const created = await create(users[0]!, '@webex', inTwoDays())
    await blockWritten(users[0]!, created.id)
  })

  it('a second instance on the same profile refuses to start, naming the running one', async () => {
    const second = await cli('sync', '--watch')
    assert.equal(second.code, 1, second.stdout)
    const envelope = second.json as {error: {code: string; message: string}}
    assert.equal(envelope.error.code, 'WATCH_ALREADY_RUNNING')
    assert.match(envelope.error.message, new RegExp(`already running \\(pid \\d+ on ${hostname()}, started `))
  })

  it('a user activated while running gets synced; a deactivated one gets no more requests', async () => {
    const [a, b, c] = users as [string, string, string]
    assert.equal((await cli('users', 'activate', c)).code, 0)
    const forC = await create(c, '@webex', inTwoDays())
    await blockWritten(c, forC.id)

    assert.equal((await cli('users', 'deactivate', b)).code, 0)
    await watch!.waitForStderr(new RegExp(`"mailbox":"${b.replace(/[.+]/g, '\\$&')}"[^\\n]*no longer active`))
    await lab.sandbox.control('DELETE', '/_sandbox/log')
    // Polling goes on for the others: a fresh edit of a's is followed, so rounds ran since the log was cleared.
    const later = await create(a, '@webex', inTwoDays())
    await blockWritten(a, later.id)
    const toB = (await log()).filter((entry) => entry.mailbox?.toLowerCase() === b)
    assert.deepEqual(toB, [], 'no request to the deactivated mailbox')
  })

  it('publishes obtp.due at the Join-button time to the webhook sink', async () => {
    const [a] = users as [string]
    // The Join button shows 5 minutes (the default lead) before the start: here, 20 s from now.
    const soon = await create(a, '@webex', new Date(Date.now() + 5 * MINUTE + 20_000))
    await blockWritten(a, soon.id)
    const due = await eventually(
      'obtp.due delivered',
      async () =>
        receiver.received.map((r) => verified(r, SECRET)).find((event) => event.type === 'obtp.due') ?? undefined,
      {timeoutMs: 90_000},
    )
    assert.equal(due.data.meetingId, soon.id)
  })

  it('SIGTERM exits 130; a restart resumes with incremental reads, not a full one', async () => {
    watch!.signal('SIGTERM')
    const ended = await watch!.exit
    assert.equal(ended.code, 130, ended.stderr)
    await lab.sandbox.control('DELETE', '/_sandbox/log')
    watch = await startWatch()
    const lists = (await log()).filter((entry) => entry.operation === 'events.list')
    assert.ok(lists.length > 0, 'the restart read the calendars')
    for (const entry of lists) assert.match(entry.path, /syncToken=/, `full read after restart: ${entry.path}`)
    watch.signal('SIGTERM')
    assert.equal((await watch.exit).code, 130)
  })
})

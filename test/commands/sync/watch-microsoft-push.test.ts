import assert from 'node:assert/strict'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {prepareTls} from '../../../src/sandbox/host/tls.js'
import {startCli, type RunningCli} from '../../helpers/cli.js'
import {eventually} from '../../helpers/eventually.js'
import {blocksIn, controlOk} from '../../helpers/sync-e2e.js'
import {LAB_PROFILE, startUsersLab, type UsersLab} from '../../helpers/users-lab.js'

interface GraphEvent {
  id: string
  body?: {content?: string}
}

interface GraphSubscription {
  id: string
  notificationUrl: string
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as {port: number}
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/**
 * `hcal sync --watch --public-url` against the Microsoft sandbox through the built CLI: Graph subscriptions (with
 * their validation handshake and lifecycle URL) post to the watch listener, polling is set to an hour, so only a
 * notification brings an edit within the test's bound; a lifecycle subscriptionRemoved is healed (subscribed
 * again, edits followed again); SIGTERM deletes the subscriptions.
 */
describe('hcal sync --watch with Graph subscriptions (Microsoft sandbox, listener, built CLI)', function () {
  this.timeout(600_000)
  let lab: UsersLab
  let stateDir: string
  let watch: RunningCli | undefined

  before(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'hcal-watch-microsoft-'))
    const leaf = await prepareTls(stateDir)
    await writeFile(join(stateDir, 'listener.crt'), leaf.certPem)
    await writeFile(join(stateDir, 'listener.key'), leaf.keyPem, {mode: 0o600})
    lab = await startUsersLab({providers: ['microsoft'], users: 3, events: 2, rooms: 0, stateDir})
    assert.equal((await lab.cli('meetings', 'settings', '--site', 'acme')).code, 0)
    const users = lab.seed.microsoft!.users.map((u) => u.email.toLowerCase())
    assert.equal((await lab.cli('users', 'activate', users[0]!, users[1]!)).code, 0)
  })
  after(async () => {
    watch?.signal('SIGKILL')
    await lab?.stop()
    await rm(stateDir, {recursive: true, force: true})
  })

  it('edits are pushed to the listener; subscriptionRemoved is healed; SIGTERM deletes the subscriptions', async () => {
    const port = await freePort()
    const origin = `https://127.0.0.1:${port}`
    watch = startCli(
      [
        'sync',
        '--watch',
        '--interval',
        '1h',
        '--public-url',
        origin,
        '--listen',
        `127.0.0.1:${port}`,
        '--tls-cert',
        join(stateDir, 'listener.crt'),
        '--tls-key',
        join(stateDir, 'listener.key'),
        '--profile',
        LAB_PROFILE,
        '--log-format',
        'json',
        '--log-level',
        'info',
      ],
      {env: lab.env, timeoutMs: 500_000},
    )
    await watch.waitForStderr(/Watching \d+ mailboxes; listening on https:/)
    const email = lab.seed.microsoft!.users[0]!.email.toLowerCase()
    const ours = async () =>
      (await controlOk<{value: GraphSubscription[]}>(lab, 'GET', '/_sandbox/microsoft/subscriptions')).value.filter(
        (subscription) => subscription.notificationUrl.startsWith(origin),
      )
    await eventually('a subscription per active mailbox', async () => ((await ours()).length === 2 ? true : undefined))
    const path = `/_sandbox/microsoft/mailboxes/${encodeURIComponent(email)}/events`
    const editFollowed = async (title: string) => {
      const start = new Date(Date.now() + 2 * 86_400_000)
      const created = await controlOk<GraphEvent>(lab, 'POST', path, {
        subject: title,
        location: {displayName: '@webex'},
        body: {contentType: 'text', content: 'Created while hcal listens.'},
        start: {dateTime: start.toISOString().replace('Z', ''), timeZone: 'UTC'},
        end: {dateTime: new Date(start.getTime() + 1_800_000).toISOString().replace('Z', ''), timeZone: 'UTC'},
      })
      await eventually(`join block by push (${title})`, async () => {
        const events = (await controlOk<{value: GraphEvent[]}>(lab, 'GET', path)).value
        return blocksIn(events.find((e) => e.id === created.id)?.body?.content) === 1 ? true : undefined
      })
    }
    await editFollowed('Pushed')

    const before = await ours()
    // The edited mailbox's own subscription, so the edit after the removal proves the heal.
    const removed = before.find((subscription) => JSON.stringify(subscription).toLowerCase().includes(email))
    assert.ok(removed, JSON.stringify(before))
    const lifecycle = await lab.sandbox.control('POST', `/_sandbox/microsoft/subscriptions/${removed!.id}/lifecycle`, {
      event: 'subscriptionRemoved',
    })
    assert.ok(lifecycle.status < 300, JSON.stringify(lifecycle.body))
    await eventually('subscribed again', async () => {
      const now = await ours()
      return now.length === 2 && !now.some((s) => s.id === removed!.id) ? true : undefined
    })
    await editFollowed('Pushed after removal')

    watch.signal('SIGTERM')
    const ended = await watch.exit
    assert.equal(ended.code, 130, ended.stderr.slice(-2000))
    assert.deepEqual(await ours(), [], 'subscriptions deleted at shutdown')
  })
})

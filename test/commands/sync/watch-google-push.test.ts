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

interface GoogleEvent {
  id: string
  description?: string
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as {port: number}
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/**
 * `hcal sync --watch --public-url` against the Google sandbox through the built CLI: channels post to the watch
 * listener (a certificate from the sandbox CA), polling is set to an hour, so only a notification brings the
 * edit within the test's bound; SIGTERM stops the channels.
 */
describe('hcal sync --watch with Google channels (Google sandbox, listener, built CLI)', function () {
  this.timeout(600_000)
  let lab: UsersLab
  let stateDir: string
  let watch: RunningCli | undefined

  before(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'hcal-watch-google-'))
    const leaf = await prepareTls(stateDir)
    await writeFile(join(stateDir, 'listener.crt'), leaf.certPem)
    await writeFile(join(stateDir, 'listener.key'), leaf.keyPem, {mode: 0o600})
    lab = await startUsersLab({providers: ['google'], users: 3, events: 2, rooms: 0, stateDir})
    assert.equal((await lab.cli('meetings', 'settings', '--site', 'acme')).code, 0)
    const users = lab.seed.google!.users.map((u) => u.email.toLowerCase())
    assert.equal((await lab.cli('users', 'activate', users[0]!, users[1]!)).code, 0)
  })
  after(async () => {
    watch?.signal('SIGKILL')
    await lab?.stop()
    await rm(stateDir, {recursive: true, force: true})
  })

  it('a user edit is pushed to the listener and gets its join block; SIGTERM stops the channels', async () => {
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
    const email = lab.seed.google!.users[0]!.email.toLowerCase()
    await watch.waitForStderr(
      new RegExp(`"mailbox":"${email.replace(/[.+]/g, '\\$&')}"[^\\n]*push subscription created`),
    )
    const path = `/_sandbox/google/calendars/${encodeURIComponent(email)}/events`
    const start = new Date(Date.now() + 2 * 86_400_000)
    const created = await controlOk<GoogleEvent>(lab, 'POST', path, {
      title: 'Pushed',
      location: '@webex',
      body: 'Created while hcal listens.',
      start: start.toISOString(),
      end: new Date(start.getTime() + 1_800_000).toISOString(),
    })
    await eventually('join block by push', async () => {
      const events = (await controlOk<{events: GoogleEvent[]}>(lab, 'GET', path)).events
      return blocksIn(events.find((e) => e.id === created.id)?.description) === 1 ? true : undefined
    })
    const ours = async () =>
      (await controlOk<{channels: {address: string}[]}>(lab, 'GET', '/_sandbox/google/channels')).channels.filter(
        (channel) => channel.address.startsWith(origin),
      )
    assert.equal((await ours()).length, 2, 'one channel per active mailbox')
    watch.signal('SIGTERM')
    const ended = await watch.exit
    assert.equal(ended.code, 130, ended.stderr.slice(-2000))
    assert.deepEqual(await ours(), [], 'channels stopped at shutdown')
  })
})

import assert from 'node:assert/strict'

import {startCli, type RunningCli} from '../../helpers/cli.js'
import {eventually} from '../../helpers/eventually.js'
import {blocksIn, controlOk} from '../../helpers/sync-e2e.js'
import {LAB_PROFILE, startUsersLab, type UsersLab} from '../../helpers/users-lab.js'

interface ExchangeItem {
  id: string
  body?: string
}

const itemsPath = (email: string) => `/_sandbox/exchange/mailboxes/${encodeURIComponent(email)}/items`

/**
 * `hcal sync --watch` against the Exchange sandbox through the built CLI: EWS streaming notifications (no inbound
 * listener needed). Polling is set to an hour, so only push can bring a change within the test's bound; a cut
 * stream and subscriptions the server forgot (found when the connection is reopened) lose no change.
 */
describe('hcal sync --watch with EWS streaming (Exchange sandbox, built CLI)', function () {
  this.timeout(600_000)
  let lab: UsersLab
  let users: string[]
  let watch: RunningCli | undefined

  const create = async (email: string) => {
    const start = new Date(Date.now() + 2 * 86_400_000)
    const created = await controlOk<{items: ExchangeItem[]}>(lab, 'POST', itemsPath(email), {
      subject: 'Streamed',
      location: '@webex',
      body: 'Created while hcal watches.',
      bodyType: 'Text',
      start: start.toISOString(),
      end: new Date(start.getTime() + 1_800_000).toISOString(),
    })
    return created.items[0]!.id
  }
  const blockWritten = (email: string, id: string) =>
    eventually(`join block in ${email}'s ${id}`, async () => {
      const items = (await controlOk<{items: ExchangeItem[]}>(lab, 'GET', itemsPath(email))).items
      return blocksIn(items.find((item) => item.id === id)?.body) === 1 ? true : undefined
    })
  const subscriptions = async () =>
    (
      await controlOk<{subscriptions: {id: string; mailbox: string; connected: boolean}[]}>(
        lab,
        'GET',
        '/_sandbox/exchange/streaming/subscriptions',
      )
    ).subscriptions
  const allConnected = () =>
    eventually('every active mailbox streamed', async () => {
      const held = await subscriptions()
      const connected = new Set(held.filter((s) => s.connected).map((s) => s.mailbox.toLowerCase()))
      return users.slice(0, 2).every((email) => connected.has(email)) ? true : undefined
    })

  before(async () => {
    lab = await startUsersLab({providers: ['exchange'], users: 3, events: 2, rooms: 0})
    assert.equal((await lab.cli('meetings', 'settings', '--site', 'acme')).code, 0)
    users = lab.seed.exchange!.users.map((u) => u.email.toLowerCase())
    assert.equal((await lab.cli('users', 'activate', users[0]!, users[1]!)).code, 0)
    // A ConnectionTimeout minute of 400 ms: hcal's 25-minute connections end (and are reopened) every 10 s.
    await controlOk(lab, 'PUT', '/_sandbox/exchange/streaming', {keepAliveMs: 1000, minuteMs: 400})
  })
  after(async () => {
    watch?.signal('SIGKILL')
    await lab?.stop()
  })

  it('a user edit reaches hcal by the stream and gets its join block', async () => {
    watch = startCli(
      ['sync', '--watch', '--interval', '1h', '--profile', LAB_PROFILE, '--log-format', 'json', '--log-level', 'info'],
      {env: lab.env, timeoutMs: 500_000},
    )
    await watch.waitForStderr(/Watching \d+ mailboxes/)
    await allConnected()
    await blockWritten(users[0]!, await create(users[0]!))
  })

  it('a stream cut mid-way is reopened and loses no change', async () => {
    await controlOk(lab, 'POST', '/_sandbox/exchange/streaming/connections/cut')
    const id = await create(users[1]!)
    await blockWritten(users[1]!, id)
  })

  it('subscriptions the server forgot are made again, and their mailboxes caught up', async () => {
    const before = new Set((await subscriptions()).map((s) => s.id))
    await controlOk(lab, 'POST', '/_sandbox/exchange/streaming/subscriptions/expire', {})
    const id = await create(users[0]!)
    await blockWritten(users[0]!, id)
    await eventually('new subscriptions', async () => {
      const fresh = (await subscriptions()).filter((s) => !before.has(s.id) && s.connected)
      return fresh.length >= 2 ? true : undefined
    })
  })

  it('SIGTERM exits 130 and unsubscribes', async () => {
    watch!.signal('SIGTERM')
    const ended = await watch!.exit
    assert.equal(ended.code, 130, ended.stderr.slice(-2000))
    const left = (await subscriptions()).filter((s) => users.includes(s.mailbox.toLowerCase()))
    assert.deepEqual(left, [])
  })
})

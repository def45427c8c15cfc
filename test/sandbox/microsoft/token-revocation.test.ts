import assert from 'node:assert/strict'

import {GraphError} from '@microsoft/microsoft-graph-client'

import {rejectionOf} from '../../helpers/expect.js'
import {startMicrosoftSandbox, type MicrosoftSandbox} from './helpers.js'

/** A revocation: Graph refuses tokens it accepted before, so a client's cached token needs renewing. */
describe('Microsoft sandbox: revoked access tokens', function () {
  this.timeout(60_000)
  let ms: MicrosoftSandbox
  before(async () => {
    ms = await startMicrosoftSandbox({users: 1, events: 0, rooms: 0})
  })
  after(async () => ms.stop())

  it('refuses a revoked token with 401 and accepts a new one', async () => {
    const clients = ms.clients()
    const settings = `/users/${ms.users[0]}/mailboxSettings`
    const cached = await clients.getToken()
    await clients.graph.api(settings).get()
    const revoked = await ms.control('POST', '/_sandbox/microsoft/tokens/revoke')
    assert.deepEqual(revoked.body, {revoked: 1})
    const refused = await rejectionOf(() => ms.graphWithToken(cached).api(settings).get())
    assert.ok(refused instanceof GraphError)
    assert.deepEqual([refused.statusCode, refused.code], [401, 'InvalidAuthenticationToken'])
    const fresh = await clients.refreshToken()
    assert.notEqual(fresh, cached)
    assert.equal(await clients.getToken(), fresh, 'the refreshed token is what the cache answers next')
    await ms.graphWithToken(fresh).api(settings).get()
  })
})

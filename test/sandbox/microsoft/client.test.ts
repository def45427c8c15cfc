import assert from 'node:assert/strict'

import {createMicrosoftClients} from '../../../src/lib/providers/microsoft/client.js'
import {startMicrosoftSandbox, type MicrosoftSandbox} from './helpers.js'

const BASE = {tenantId: 'contoso.test', clientId: '00000000-0000-4000-a000-000000000001', clientSecret: 'x'}

describe('createMicrosoftClients', () => {
  it('refuses http origins (MSAL needs https; the Graph client would send no token)', () => {
    assert.throws(
      () => createMicrosoftClients({...BASE, graphOrigin: 'http://127.0.0.1:8080'}),
      /graphOrigin must be an https origin/,
    )
    assert.throws(
      () => createMicrosoftClients({...BASE, authorityOrigin: 'http://127.0.0.1:8080'}),
      /authorityOrigin must be an https origin/,
    )
  })

  it('wants exactly one of a client secret and a certificate', () => {
    assert.throws(() => createMicrosoftClients({...BASE, clientSecret: undefined}), /exactly one/)
    assert.throws(
      () => createMicrosoftClients({...BASE, certificate: {privateKeyPem: 'k', thumbprintSha256: 'AB'}}),
      /exactly one/,
    )
  })

  describe('against the sandbox', () => {
    let ms: MicrosoftSandbox
    before(async () => {
      ms = await startMicrosoftSandbox({users: 2, events: 1, rooms: 0})
    })
    after(async () => ms.stop())

    it('trusts the sandbox CA only when given it (no global TLS change)', async () => {
      const {credentials} = ms
      const untrusting = createMicrosoftClients({
        tenantId: credentials.tenantId,
        clientId: credentials.clientId,
        clientSecret: credentials.clientSecret,
        authorityOrigin: credentials.authorityOrigin,
        graphOrigin: credentials.graphOrigin,
      })
      await assert.rejects(
        () => untrusting.getToken(),
        (error: Error & {errorCode?: string}) => {
          assert.match(String(error.errorCode ?? error.message), /endpoints_resolution_error|network/)
          return true
        },
      )
      await untrusting.close()
      const token = await ms.clients().getToken()
      assert.equal(token.split('.').length, 3)
    })

    it('sends the token to the custom Graph host (customHosts) and reaches the tenant by its domain too', async () => {
      const {graph} = ms.clients({tenantId: ms.credentials.domain})
      ms.sandbox.context.log.clear()
      await graph.api(`/users/${ms.users[0]}/mailboxSettings`).get()
      const operations = ms.sandbox.context.log.all().map((e) => [e.operation, e.status])
      assert.deepEqual(operations, [
        ['identity.openidConfiguration', 200],
        ['identity.token', 200],
        ['mailboxSettings.get', 200],
      ])
    })
  })
})

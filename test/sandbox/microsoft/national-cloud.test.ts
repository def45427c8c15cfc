import assert from 'node:assert/strict'

import {decodeJwt} from 'jose'

import {graphFailure, startMicrosoftSandbox, type MicrosoftSandbox} from './helpers.js'

interface Discovery {
  cloud_instance_name?: string
  tenant_region_scope?: string
  tenant_region_sub_scope?: string
  msgraph_host?: string
}

describe('sandbox microsoft: a tenant in a national cloud (control API `cloud`)', () => {
  let ms: MicrosoftSandbox
  let user: string

  before(async () => {
    ms = await startMicrosoftSandbox({users: 2, events: 1, rooms: 0})
    user = ms.users[0] ?? ''
  })
  after(async () => ms.stop())
  afterEach(async () => {
    assert.equal((await ms.control('PUT', '/_sandbox/microsoft/cloud', {cloud: 'global'})).status, 200)
  })

  const discovery = async () => {
    const response = await ms.raw('GET', `/${ms.credentials.tenantId}/v2.0/.well-known/openid-configuration`)
    assert.equal(response.status, 200, response.text)
    return JSON.parse(response.text) as Discovery
  }

  it('names the tenant’s cloud in its discovery document (instance, region, sub-scope, Graph host)', async () => {
    const global = await discovery()
    assert.deepEqual(
      [global.cloud_instance_name, global.msgraph_host, global.tenant_region_sub_scope],
      ['microsoftonline.com', 'graph.microsoft.com', undefined],
    )
    const expected = {
      usgov: ['microsoftonline.us', 'USGov', 'DODCON', 'graph.microsoft.us'],
      usgovdod: ['microsoftonline.us', 'USGov', 'DOD', 'dod-graph.microsoft.us'],
      china: ['partner.microsoftonline.cn', 'AS', undefined, 'microsoftgraph.chinacloudapi.cn'],
    }
    for (const [cloud, fields] of Object.entries(expected)) {
      const put = await ms.control('PUT', '/_sandbox/microsoft/cloud', {cloud})
      assert.deepEqual([put.status, put.body], [200, {cloud}])
      assert.deepEqual((await ms.control('GET', '/_sandbox/microsoft/cloud')).body, {cloud})
      const document = await discovery()
      assert.deepEqual(
        [
          document.cloud_instance_name,
          document.tenant_region_scope,
          document.tenant_region_sub_scope,
          document.msgraph_host,
        ],
        fields,
        cloud,
      )
    }
  })

  it('refuses a token for the worldwide Graph in a national tenant with AADSTS500011', async () => {
    await ms.control('PUT', '/_sandbox/microsoft/cloud', {cloud: 'usgov'})
    const refused = await ms.tokenRequest({
      grant_type: 'client_credentials',
      client_id: ms.credentials.clientId,
      client_secret: ms.credentials.clientSecret,
      scope: 'https://graph.microsoft.com/.default',
    })
    assert.equal(refused.status, 400)
    assert.equal(refused.body.error, 'invalid_resource')
    assert.deepEqual(refused.body.error_codes, [500011])
  })

  it('issues a national tenant’s token for its own Graph host, which its Graph accepts', async () => {
    await ms.control('PUT', '/_sandbox/microsoft/cloud', {cloud: 'usgovdod'})
    const clients = ms.clients({graphResource: 'https://dod-graph.microsoft.us'})
    const token = await clients.getToken()
    assert.equal(decodeJwt(token).aud, 'https://dod-graph.microsoft.us')
    const settings = (await clients.graph.api(`/users/${user}/mailboxSettings`).get()) as {timeZone?: string}
    assert.equal(typeof settings.timeZone, 'string')
  })

  it('refuses in a national tenant’s Graph a token issued for the worldwide Graph (Invalid audience)', async () => {
    const worldwide = await ms.mintToken({audience: 'https://graph.microsoft.com'})
    await ms.control('PUT', '/_sandbox/microsoft/cloud', {cloud: 'china'})
    const failure = await graphFailure(() => ms.graphWithToken(worldwide).api(`/users/${user}/mailboxSettings`).get())
    assert.equal(failure.statusCode, 401)
    assert.match(failure.message, /Invalid audience/)
  })

  it('refuses a cloud it does not know with 400 BadRequest and keeps the tenant where it was', async () => {
    const refused = await ms.control('PUT', '/_sandbox/microsoft/cloud', {cloud: 'germany'})
    assert.equal(refused.status, 400)
    assert.match(JSON.stringify(refused.body), /cloud must be one of global, usgov, usgovdod, china/)
    assert.equal((await discovery()).cloud_instance_name, 'microsoftonline.com')
  })
})
